import Foundation

/// A score over the unit box that says how useful measuring a setting would be; the search
/// (``GradientSearch``) maximises it. Objectives are minimised throughout this file: callers map
/// maximised objectives (e.g. throughput) by negating them before fitting their models.
///
/// Every acquisition works from Gaussian-process posteriors of the latent responses (no noise
/// variance), so measuring a point again is not rewarded for the noise alone.
public protocol AcquisitionFunction: Sendable {
    /// The number of coordinates of a point (d).
    var dimension: Int { get }
    /// The acquisition value at x (d coordinates).
    func value(at x: [Double]) -> Double
    /// The value and its gradient in x (d values).
    func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double])
}

extension AcquisitionFunction {
    public func value(at x: [Double]) -> Double {
        valueAndGradient(at: x).value
    }
}

/// The expected positive part Ψ(z) = E[(z − Y)⁺] of Y ~ N(μ, s²), with its partial derivatives.
///
/// Ψ(z) = s·(u·Φ(u) + φ(u)) with u = (z − μ)/s; ∂Ψ/∂μ = −Φ(u), ∂Ψ/∂s = φ(u), ∂Ψ/∂z = Φ(u).
/// For s = 0 it is max(z − μ, 0). This one function is expected improvement and, integrated over
/// the cells of the non-dominated region, expected hypervolume improvement.
enum ExpectedPositivePart {
    static func value(_ z: Double, mean mu: Double, standardDeviation s: Double) -> (value: Double, dMean: Double, dSD: Double) {
        guard s > 0 else {
            return (max(z - mu, 0), z > mu ? -1 : 0, 0)
        }
        let u = (z - mu) / s
        return (s * StandardNormal.integratedCDF(u), -StandardNormal.cdf(u), StandardNormal.density(u))
    }
}

/// The latent posterior of a model at x as a mean and standard deviation, with gradients.
private func posterior(_ model: any SurrogateModel, _ x: [Double]) -> (mean: Double, sd: Double, meanGradient: [Double], sdGradient: [Double]) {
    let p = model.predictWithGradient(x)
    let sd = p.variance.squareRoot()
    // ∇s = ∇σ² / (2s); at s = 0 the variance sits at its floor and has no useful gradient.
    let sdGradient = sd > 0 ? p.varianceGradient.map { $0 / (2 * sd) } : [Double](repeating: 0, count: x.count)
    return (p.mean, sd, p.meanGradient, sdGradient)
}

// MARK: - Expected hypervolume improvement

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
        precondition(mean.count == objectiveCount && standardDeviation.count == objectiveCount,
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
        var columnSums = [Double](repeating: 0, count: columns)   // T_b = Σ_a W1[a] Ψ3(h_ab)
        var heightWeights = [Double](repeating: 0, count: psi3.count) // U_c = Σ_{h_ab = c} W1[a] W2[b]
        for a in w1.indices {
            var rowSum = 0.0 // S_a = Σ_b W2[b] Ψ3(h_ab)
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

/// Expected improvement below an incumbent for one minimised response:
/// EI(x) = E[(incumbent − f(x))⁺] = s(uΦ(u) + φ(u)), u = (incumbent − μ)/s (Jones, Schonlau &
/// Welch 1998), in the response's units. With ``TchebycheffScalarization`` this is ParEGO's
/// acquisition. O(n²) per evaluation.
public struct ExpectedImprovement: AcquisitionFunction {
    /// The posterior of the (minimised) response.
    public let model: any SurrogateModel
    /// The value to beat, usually the best observed (or best posterior mean), response units.
    public let incumbent: Double

    public init(model: any SurrogateModel, incumbent: Double) {
        self.model = model
        self.incumbent = incumbent
    }

    public var dimension: Int { model.dimension }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = posterior(model, x)
        let e = ExpectedPositivePart.value(incumbent, mean: p.mean, standardDeviation: p.sd)
        let gradient = x.indices.map { e.dMean * p.meanGradient[$0] + e.dSD * p.sdGradient[$0] }
        return (e.value, gradient)
    }
}

/// ParEGO's augmented Tchebycheff scalarisation (Knowles 2006) of m minimised objectives:
///
///     f_λ(y) = maxⱼ λⱼ ŷⱼ + ρ Σⱼ λⱼ ŷⱼ,   ŷⱼ = (yⱼ − idealⱼ) / (nadirⱼ − idealⱼ),
///
/// with weights λ on the simplex (λⱼ ≥ 0, Σ λⱼ = 1) and ρ = 0.05. The max term reaches every
/// Pareto-optimal point for some λ, including those in concave parts of the front; the small
/// sum term breaks ties toward non-dominated points. A fresh random λ per proposal spreads the
/// proposals along the front. Unitless (objectives normalised to [0, 1] over the observations).
public struct TchebycheffScalarization: Sendable, Equatable {
    /// λ, m values on the simplex.
    public let weights: [Double]
    /// Per-objective minimum of the observations (objectives' units).
    public let ideal: [Double]
    /// Per-objective maximum of the observations (objectives' units).
    public let nadir: [Double]
    /// ρ, the weight of the augmentation term.
    public let rho: Double

    public init(weights: [Double], ideal: [Double], nadir: [Double], rho: Double = 0.05) {
        precondition(weights.count == ideal.count && ideal.count == nadir.count, "weights, ideal and nadir differ in length")
        self.weights = weights
        self.ideal = ideal
        self.nadir = nadir
        self.rho = rho
    }

    /// Weights drawn uniformly from the simplex (normalised exponential draws, i.e. a flat
    /// Dirichlet) with `seed`, ideal and nadir from the observed objective vectors.
    /// - Parameter objectives: the observations, each m ≥ 1 values (minimised), at least one.
    public static func random(objectives: [[Double]], seed: UInt64, rho: Double = 0.05) -> TchebycheffScalarization {
        precondition(!objectives.isEmpty, "ParEGO needs at least one observation")
        let m = objectives[0].count
        var generator = SeededGenerator(seed: seed)
        let draws = (0..<m).map { _ in -log(1 - generator.nextUnit()) }
        let total = draws.reduce(0, +)
        let weights = total > 0 ? draws.map { $0 / total } : Array(repeating: 1 / Double(m), count: m)
        let ideal = (0..<m).map { j in objectives.map { $0[j] }.min()! }
        let nadir = (0..<m).map { j in objectives.map { $0[j] }.max()! }
        return TchebycheffScalarization(weights: weights, ideal: ideal, nadir: nadir, rho: rho)
    }

    /// f_λ(y) for an objective vector y (m values). An objective on which all observations agree
    /// contributes 0.
    public func callAsFunction(_ y: [Double]) -> Double {
        var largest = -Double.infinity
        var sum = 0.0
        for j in weights.indices {
            let range = nadir[j] - ideal[j]
            let normalized = range > 0 ? (y[j] - ideal[j]) / range : 0
            largest = max(largest, weights[j] * normalized)
            sum += weights[j] * normalized
        }
        return largest + rho * sum
    }
}

/// ParEGO (Knowles 2006) for any number of minimised objectives, meant for three or more where
/// exact EHVI is not implemented: scalarise the observations with a random
/// ``TchebycheffScalarization``, fit one Gaussian process to the scalarised values, and use
/// ``ExpectedImprovement`` below the best scalarised observation.
public enum ParEGO {
    /// - Parameters:
    ///   - inputs: n points in the unit box.
    ///   - objectives: n objective vectors (m values each, minimised).
    ///   - seed: seeds the weights and the GP fit.
    ///   - features: a map from the inputs to the GP's inputs (none: the GP sees the inputs).
    /// - Returns: the acquisition and the scalarisation it used.
    /// - Throws: ``SurrogateError`` from the fit.
    public static func acquisition(
        inputs: [[Double]], objectives: [[Double]], seed: UInt64, restarts: Int = 4, features: (any FeatureMap)? = nil
    ) throws(SurrogateError) -> (acquisition: ExpectedImprovement, scalarization: TchebycheffScalarization) {
        guard !objectives.isEmpty else { throw .noObservations }
        let scalarization = TchebycheffScalarization.random(objectives: objectives, seed: seed)
        let values = objectives.map { scalarization($0) }
        let model: any SurrogateModel = if let features {
            try FeatureMappedModel.fit(coordinates: inputs, outputs: values, features: features, seed: seed &+ 1, restarts: restarts)
        } else {
            try GaussianProcess.fit(inputs: inputs, outputs: values, seed: seed &+ 1, restarts: restarts)
        }
        return (ExpectedImprovement(model: model, incumbent: values.min()!), scalarization)
    }
}

// MARK: - Constraints

/// The probability that a constrained response meets its bound at x, from its Gaussian-process
/// posterior N(μ(x), s(x)²) (Gardner et al. 2014; Gelbart, Snoek & Adams 2014):
/// P(g(x) ≤ b) = Φ((b − μ)/s) or P(g(x) ≥ b) = Φ((μ − b)/s). Unitless, in [0, 1].
public struct ProbabilityOfFeasibility: AcquisitionFunction {
    /// Which side of the bound is feasible.
    public enum Bound: Sendable, Equatable {
        /// g(x) ≤ value, e.g. RSS at most the container limit.
        case atMost(Double)
        /// g(x) ≥ value, e.g. throughput at least a floor.
        case atLeast(Double)
    }

    /// The posterior of the constrained response g.
    public let model: any SurrogateModel
    /// The constraint, in g's units.
    public let bound: Bound

    public init(model: any SurrogateModel, bound: Bound) {
        self.model = model
        self.bound = bound
    }

    public var dimension: Int { model.dimension }

    /// P(constraint met) for g ~ N(mean, standardDeviation²). With a zero standard deviation it
    /// is 1 when the mean meets the bound (equality included) and 0 otherwise.
    public static func probability(mean: Double, standardDeviation: Double, bound: Bound) -> Double {
        let margin = signedMargin(mean, bound)
        guard standardDeviation > 0 else { return margin >= 0 ? 1 : 0 }
        return StandardNormal.cdf(margin / standardDeviation)
    }

    /// b − μ for `atMost`, μ − b for `atLeast`: positive when the mean is feasible.
    private static func signedMargin(_ mean: Double, _ bound: Bound) -> Double {
        switch bound {
        case .atMost(let b): return b - mean
        case .atLeast(let b): return mean - b
        }
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = posterior(model, x)
        let value = Self.probability(mean: p.mean, standardDeviation: p.sd, bound: bound)
        guard p.sd > 0 else { return (value, [Double](repeating: 0, count: x.count)) }
        // u = margin / s;  ∇u = (±∇μ − u ∇s) / s;  ∇P = φ(u) ∇u.
        let u = Self.signedMargin(p.mean, bound) / p.sd
        let sign: Double = if case .atMost = bound { -1 } else { 1 }
        let density = StandardNormal.density(u)
        let gradient = x.indices.map { q in
            density * (sign * p.meanGradient[q] - u * p.sdGradient[q]) / p.sd
        }
        return (value, gradient)
    }
}

/// An acquisition weighted by the probability of meeting every constraint:
/// a(x) · Πᵢ P(gᵢ(x) meets its bound), constraints modelled independently (Gardner et al. 2014).
/// Units of the base acquisition. O(cost of base + c · n²) for c constraints.
public struct ConstrainedAcquisition: AcquisitionFunction {
    /// The unconstrained acquisition (EHVI, EI, …).
    public let base: any AcquisitionFunction
    /// One probability of feasibility per constraint.
    public let constraints: [ProbabilityOfFeasibility]

    public init(base: any AcquisitionFunction, constraints: [ProbabilityOfFeasibility]) {
        precondition(constraints.allSatisfy { $0.dimension == base.dimension }, "constraint models differ in input dimension")
        self.base = base
        self.constraints = constraints
    }

    public var dimension: Int { base.dimension }

    /// The product of the constraints' probabilities alone (unitless).
    public func probabilityOfFeasibility(at x: [Double]) -> Double {
        constraints.reduce(1) { $0 * $1.value(at: x) }
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        // Product rule over the factors f₀ = base, f₁… = constraints.
        var factors = [base.valueAndGradient(at: x)]
        factors += constraints.map { $0.valueAndGradient(at: x) }
        var value = 1.0
        var gradient = [Double](repeating: 0, count: x.count)
        for factor in factors {
            for q in gradient.indices { gradient[q] = gradient[q] * factor.value + value * factor.gradient[q] }
            value *= factor.value
        }
        return (value, gradient)
    }
}
