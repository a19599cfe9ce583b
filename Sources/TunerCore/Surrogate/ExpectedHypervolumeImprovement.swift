import Foundation

/// Exact expected hypervolume improvement (EHVI) for two or three minimised objectives with
/// independent Gaussian posteriors (Emmerich, Giannakoglou & Naujoks 2006; the box-decomposition
/// form of Yang, Emmerich, Deutz & Bäck 2019).
///
/// **Notation.** m ∈ {2, 3} objectives, reference point r = (r₁, …, r_m). Front P: the k
/// non-dominated observed points strictly better than r in every objective. Posterior at x:
/// Yⱼ ~ N(μⱼ, sⱼ²), independent. Ψⱼ(z) = E[(z − Yⱼ)⁺] = sⱼ(uΦ(u) + φ(u)), u = (z − μⱼ)/sⱼ
/// (``ExpectedPositivePart``), with Ψⱼ(−∞) = 0.
///
/// **Formula.** The part of [−∞, r] that P does not dominate is cut into cells by the front's
/// coordinates. Along each of the first m − 1 axes the distinct front values g⁽¹⁾ < … < g⁽ᵏʲ⁾ and
/// rⱼ make the intervals Iⱼ,ₐ = [g⁽ᵃ⁾, g⁽ᵃ⁺¹⁾), a = 0…kⱼ, with g⁽⁰⁾ = −∞ and g⁽ᵏʲ⁺¹⁾ = rⱼ. Over the
/// product cell c of such intervals the non-dominated region is the column (−∞, h_c) along the
/// last axis, where h_c is the smallest last coordinate of a front point that is ≤ the cell's
/// lower corner in the first m − 1 axes (r_m if none). A new point Y improves the hypervolume by
/// the volume of {z in those columns : Y ≤ z}, so
///
///     EHVI = Σ_c Π_{j<m} [Ψⱼ(upperⱼ) − Ψⱼ(lowerⱼ)] · Ψ_m(h_c),
///
/// exact because every cell is a Cartesian product and the posteriors are independent
/// (∫ₗᵘ P(Y ≤ z) dz = Ψ(u) − Ψ(l)). Units: the product of the objectives' units, like
/// ``Hypervolume``. For m = 2 the cells are the k + 1 columns of the staircase.
///
/// **Gradient.** ∂Ψ/∂μ = −Φ(u) and ∂Ψ/∂s = φ(u) give ∂EHVI/∂(μⱼ, sⱼ) analytically (for m = 3 via
/// the row, column and height sums of the cell table); the chain rule through the posterior's
/// ∇μⱼ and ∇sⱼ = ∇σⱼ²/(2sⱼ) gives the gradient in x.
///
/// **Complexity.** Building: O(k log k) for m = 2, O(k³) for m = 3 (the height table, k ≤ a few
/// dozen here). Each evaluation: O(k) for m = 2, O(k²) for m = 3 (multiply-adds; only O(k)
/// normal-distribution evaluations), plus m posterior evaluations, O(n²) each.
public struct ExpectedHypervolumeImprovement: AcquisitionFunction {
    /// Posterior models of the m objectives (minimised), over one input space.
    public let models: [any SurrogateModel]
    /// r, m values in the objectives' units: only improvement better than r counts.
    public let reference: [Double]
    /// The non-dominated observed points strictly inside the reference box, sorted
    /// lexicographically (ascending objective 1, then 2, …).
    public let front: [[Double]]
    /// m = 3 only: the cell table (see ``CellTable``).
    private let cells: CellTable?

    /// The three-objective decomposition: the first two axes' cut points and, for every cell
    /// (a, b), the index of its column height in `heights`.
    struct CellTable: Sendable {
        /// −∞ (as nil), the distinct front values of axis 1 ascending, then r₁: k₁ + 2 entries;
        /// interval a is [cuts1[a], cuts1[a + 1]).
        let cuts1: [Double?]
        let cuts2: [Double?]
        /// Distinct column heights ascending (front values of axis 3 and r₃).
        let heights: [Double]
        /// heightIndex[a · (k₂ + 1) + b] indexes `heights` for cell (a, b): (k₁ + 1) × (k₂ + 1).
        let heightIndex: [Int]
    }

    /// - Parameters:
    ///   - models: two or three Gaussian processes (one per objective), same input dimension.
    ///   - observed: objective vectors of the settings measured so far (m values each; dominated
    ///     points and points not better than r are dropped). Posterior means at the measured
    ///     settings are a common, noise-robust choice.
    ///   - reference: r, m values.
    public init(models: [any SurrogateModel], observed: [[Double]], reference: [Double]) {
        precondition((2...3).contains(models.count), "exact EHVI is implemented for two or three objectives")
        precondition(models.allSatisfy { $0.dimension == models[0].dimension }, "the objective models have different input dimensions")
        precondition(reference.count == models.count, "the reference point needs one value per objective")
        self.models = models
        self.reference = reference
        self.front = Self.front(of: observed, reference: reference)
        self.cells = models.count == 3 ? Self.cellTable(front: front, reference: reference) : nil
    }

    /// A model-free EHVI for fixed posteriors: only the (mean, sd) entry points work
    /// (``value(mean:standardDeviation:)``); m = `reference.count`.
    public init(observed: [[Double]], reference: [Double]) {
        precondition((2...3).contains(reference.count), "exact EHVI is implemented for two or three objectives")
        self.models = []
        self.reference = reference
        self.front = Self.front(of: observed, reference: reference)
        self.cells = reference.count == 3 ? Self.cellTable(front: front, reference: reference) : nil
    }

    public var dimension: Int { models.first?.dimension ?? 0 }

    /// Number of objectives, m.
    public var objectiveCount: Int { reference.count }

    /// The non-dominated points strictly inside the reference box, sorted lexicographically.
    static func front(of observed: [[Double]], reference: [Double]) -> [[Double]] {
        let m = reference.count
        let inside = observed.filter { point in point.count == m && zip(point, reference).allSatisfy { $0 < $1 } }
        guard !inside.isEmpty else { return [] }
        let indices = ParetoFront.nonDominatedIndices(inside, directions: Array(repeating: .minimize, count: m))
        return indices.map { inside[$0] }.sorted { a, b in
            for j in 0..<m where a[j] != b[j] { return a[j] < b[j] }
            return false
        }
    }

    static func cellTable(front: [[Double]], reference: [Double]) -> CellTable {
        let axis1 = Array(Set(front.map { $0[0] })).sorted()
        let axis2 = Array(Set(front.map { $0[1] })).sorted()
        let cuts1: [Double?] = [nil] + axis1 + [reference[0]]
        let cuts2: [Double?] = [nil] + axis2 + [reference[1]]
        let heights = Array(Set(front.map { $0[2] } + [reference[2]])).sorted()
        let rows = axis1.count + 1
        let columns = axis2.count + 1
        var heightIndex = [Int](repeating: heights.count - 1, count: rows * columns)
        for a in 1..<rows {
            for b in 1..<columns {
                // Points at or below the cell's lower corner (g1[a], g2[b]) cover its column up to
                // their third coordinate; the lowest of them bounds the column.
                var height = reference[2]
                for p in front where p[0] <= axis1[a - 1] && p[1] <= axis2[b - 1] { height = min(height, p[2]) }
                heightIndex[a * columns + b] = heights.firstIndex(of: height)!
            }
        }
        return CellTable(cuts1: cuts1, cuts2: cuts2, heights: heights, heightIndex: heightIndex)
    }

    /// EHVI for given posterior means and standard deviations (m values each, objectives'
    /// units), in the product of the objectives' units.
    public func value(mean: [Double], standardDeviation: [Double]) -> Double {
        valueAndPartials(mean: mean, standardDeviation: standardDeviation).value
    }

    /// EHVI and its partial derivatives in (μ₁, …, μ_m) and (s₁, …, s_m).
    public func valueAndPartials(
        mean: [Double], standardDeviation: [Double]
    ) -> (value: Double, meanPartials: [Double], standardDeviationPartials: [Double]) {
        precondition(
            mean.count == objectiveCount && standardDeviation.count == objectiveCount,
            "EHVI takes one mean and one standard deviation per objective")
        if let cells { return threeObjectives(cells, mean: mean, sd: standardDeviation) }
        let k = front.count
        var value = 0.0
        var dMean = [0.0, 0.0]
        var dSD = [0.0, 0.0]
        for i in 0...k {
            // Cell i: z₁ in [lower, upper), z₂ below height.
            let upper = i < k ? front[i][0] : reference[0]
            let height = i == 0 ? reference[1] : front[i - 1][1]
            var width = ExpectedPositivePart.value(upper, mean: mean[0], standardDeviation: standardDeviation[0])
            if i > 0 {
                let lower = ExpectedPositivePart.value(front[i - 1][0], mean: mean[0], standardDeviation: standardDeviation[0])
                width = (width.value - lower.value, width.dMean - lower.dMean, width.dSD - lower.dSD)
            }
            let depth = ExpectedPositivePart.value(height, mean: mean[1], standardDeviation: standardDeviation[1])
            value += width.value * depth.value
            dMean[0] += width.dMean * depth.value
            dSD[0] += width.dSD * depth.value
            dMean[1] += width.value * depth.dMean
            dSD[1] += width.value * depth.dSD
        }
        return (max(value, 0), dMean, dSD)
    }

    /// Widths Ψ(upper) − Ψ(lower) of each interval of one axis, with their partials.
    private static func widths(_ cuts: [Double?], mean: Double, sd: Double) -> [(value: Double, dMean: Double, dSD: Double)] {
        var psi: [(value: Double, dMean: Double, dSD: Double)] = []
        psi.reserveCapacity(cuts.count)
        for cut in cuts {
            if let cut { psi.append(ExpectedPositivePart.value(cut, mean: mean, standardDeviation: sd)) } else { psi.append((0, 0, 0)) }
        }
        var result: [(value: Double, dMean: Double, dSD: Double)] = []
        result.reserveCapacity(cuts.count - 1)
        for a in 0..<(cuts.count - 1) {
            result.append((psi[a + 1].value - psi[a].value, psi[a + 1].dMean - psi[a].dMean, psi[a + 1].dSD - psi[a].dSD))
        }
        return result
    }

    private func threeObjectives(
        _ cells: CellTable, mean: [Double], sd: [Double]
    ) -> (value: Double, meanPartials: [Double], standardDeviationPartials: [Double]) {
        let w1 = Self.widths(cells.cuts1, mean: mean[0], sd: sd[0])
        let w2 = Self.widths(cells.cuts2, mean: mean[1], sd: sd[1])
        let psi3 = cells.heights.map { ExpectedPositivePart.value($0, mean: mean[2], standardDeviation: sd[2]) }
        let columns = w2.count
        var value = 0.0
        var dMean = [0.0, 0.0, 0.0]
        var dSD = [0.0, 0.0, 0.0]
        var columnSums = [Double](repeating: 0, count: columns)  // T_b = Σ_a W1[a] Ψ3(h_ab)
        var heightWeights = [Double](repeating: 0, count: psi3.count)  // U_c = Σ_{h_ab = c} W1[a] W2[b]
        for a in w1.indices {
            var rowSum = 0.0  // S_a = Σ_b W2[b] Ψ3(h_ab)
            for b in 0..<columns {
                let c = cells.heightIndex[a * columns + b]
                let depth = psi3[c].value
                rowSum += w2[b].value * depth
                columnSums[b] += w1[a].value * depth
                heightWeights[c] += w1[a].value * w2[b].value
            }
            value += w1[a].value * rowSum
            dMean[0] += w1[a].dMean * rowSum
            dSD[0] += w1[a].dSD * rowSum
        }
        for b in 0..<columns {
            dMean[1] += w2[b].dMean * columnSums[b]
            dSD[1] += w2[b].dSD * columnSums[b]
        }
        for c in psi3.indices {
            dMean[2] += heightWeights[c] * psi3[c].dMean
            dSD[2] += heightWeights[c] * psi3[c].dSD
        }
        return (max(value, 0), dMean, dSD)
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        precondition(!models.isEmpty, "this EHVI was built without models; use value(mean:standardDeviation:)")
        let posteriors = models.map { posterior($0, x) }
        let (value, dMean, dSD) = valueAndPartials(mean: posteriors.map(\.mean), standardDeviation: posteriors.map(\.sd))
        let gradient = x.indices.map { p in
            posteriors.indices.reduce(0.0) { sum, j in
                sum + dMean[j] * posteriors[j].meanGradient[p] + dSD[j] * posteriors[j].sdGradient[p]
            }
        }
        return (value, gradient)
    }
}

// MARK: - Expected improvement and ParEGO
