/// Rules for choosing one setting from the frontier, each able to say in words what it chose.
///
/// Every rule chooses among the **candidates**: settings with `feasible[s] && onFrontier[s]`.
/// To choose "the frontier of the settings that meet the constraints" rather than "frontier
/// settings that meet the constraints", compute `onFrontier` over the feasible settings only.
///
/// **Normalisation** (used by ``knee``, ``largestContribution`` and ``weightedLoss(weights:)``):
/// each objective becomes a cost in [0, 1] over the candidates, ĉₖ = |vₖ − bestₖ| / |worstₖ − bestₖ|,
/// so 0 is the best candidate value and 1 the worst whatever the direction; an objective on which
/// all candidates agree has ĉₖ = 0.
///
/// Ties are broken by the lower setting index, so every rule is deterministic.
public enum SelectionRule: Sendable, Equatable, CustomStringConvertible {
    /// Best value of one objective among the candidates; ties go to the lowest normalised sum
    /// of the other objectives.
    case best(objective: Int)
    /// The knee: the candidate farthest on the good side of the hyperplane Σₖ ĉₖ = 1 through
    /// the normalised extremes, i.e. the largest (1 − Σₖ ĉₖ)/√m. With two objectives the
    /// frontier's extremes normalise to (0, 1) and (1, 0), so this is exactly the largest
    /// distance from the line through the two extreme settings (Das 1999; Branke et al. 2004).
    case knee
    /// The candidate with the largest exclusive hypervolume contribution in normalised space,
    /// reference point 1.1 on every objective (the other common definition of a knee).
    case largestContribution
    /// Smallest Σₖ wₖ·ĉₖ over normalised costs; weights ≥ 0, one per objective.
    case weightedLoss(weights: [Double])
    /// Smallest Σₖ wₖ·cₖ over raw costs: cₖ = value for a minimised objective and 1/value for a
    /// maximised one, so weights (α, β) on (pause, throughput) give α·pause + β/throughput.
    /// The weights carry the units that make the terms comparable. Maximised values must be
    /// positive.
    case weightedRawLoss(weights: [Double])

    /// A sentence for the output, naming objectives by number.
    public var description: String {
        description(objectiveNames: nil, directions: nil)
    }

    /// A sentence for the output, e.g. "highest throughput among frontier settings that meet
    /// the constraints".
    public func description(objectiveNames: [String]?, directions: [ObjectiveDirection]?) -> String {
        func name(_ k: Int) -> String {
            if let objectiveNames, k < objectiveNames.count { return objectiveNames[k] }
            return "objective \(k)"
        }
        let pool = "among frontier settings that meet the constraints"
        switch self {
        case .best(let k):
            let adjective: String
            switch directions.flatMap({ k < $0.count ? $0[k] : nil }) {
            case .minimize?: adjective = "lowest"
            case .maximize?: adjective = "highest"
            case nil: adjective = "best"
            }
            return "\(adjective) \(name(k)) \(pool)"
        case .knee:
            return
                "knee of the frontier: farthest from the line (plane) through the extremes after normalising each objective to [0, 1], \(pool)"
        case .largestContribution:
            return "largest exclusive hypervolume contribution after normalising each objective to [0, 1], \(pool)"
        case .weightedLoss(let weights):
            let terms = weights.indices.map { "\(format(weights[$0]))·\(name($0))" }
            return "smallest weighted loss \(terms.joined(separator: " + ")) on objectives normalised to [0, 1] (0 = best), \(pool)"
        case .weightedRawLoss(let weights):
            let terms = weights.indices.map { k -> String in
                if let directions, k < directions.count, directions[k] == .maximize {
                    return "\(format(weights[k]))/\(name(k))"
                }
                return "\(format(weights[k]))·\(name(k))"
            }
            return "smallest loss \(terms.joined(separator: " + ")) \(pool)"
        }
    }
}

extension SelectionRule {
    /// Chooses one candidate (`feasible[s] && onFrontier[s]`), or nil when there is none.
    /// - Parameters:
    ///   - points: `points[s][k]`, e.g. the median estimates.
    ///   - directions: one per objective.
    ///   - feasible, onFrontier: one flag per setting.
    ///   - objectiveNames: names used in the explanation; "objective k" when nil.
    ///   - formatters: how each objective's value is written in the explanation (sizes in Go's
    ///     units); plain numbers when nil.
    /// - Complexity: O(S·m), plus O(f · HV(f)) for ``largestContribution``.
    public func select(
        points: [[Double]],
        directions: [ObjectiveDirection],
        feasible: [Bool],
        onFrontier: [Bool],
        objectiveNames: [String]? = nil,
        formatters: [@Sendable (Double) -> String]? = nil
    ) -> Selection? {
        precondition(points.count == feasible.count && points.count == onFrontier.count, "one flag per setting is needed")
        let m = directions.count
        let candidates = points.indices.filter { feasible[$0] && onFrontier[$0] }
        guard let first = candidates.first else { return nil }
        func name(_ k: Int) -> String {
            if let objectiveNames, k < objectiveNames.count { return objectiveNames[k] }
            return "objective \(k)"
        }
        let normalized = Self.normalizedCosts(points, candidates: candidates, directions: directions)
        let pool = "\(candidates.count) frontier setting\(candidates.count == 1 ? "" : "s") that meet the constraints"

        /// Index of the candidate with the smallest score (ties: lower index).
        func argmin(_ score: (Int) -> Double) -> (Int, Double) {
            var best = first
            var bestScore = score(first)
            for s in candidates.dropFirst() {
                let value = score(s)
                if value < bestScore {
                    best = s
                    bestScore = value
                }
            }
            return (best, bestScore)
        }

        switch self {
        case .best(let k):
            precondition(k >= 0 && k < m, "objective \(k) does not exist")
            var best = first
            for s in candidates.dropFirst() {
                let a = points[s][k]
                let b = points[best][k]
                if directions[k].isBetter(a, than: b) {
                    best = s
                } else if a == b {
                    let others: (Int) -> Double = { t in (0..<m).filter { $0 != k }.reduce(0) { $0 + normalized[t]![$1] } }
                    if others(s) < others(best) { best = s }
                }
            }
            let adjective = directions[k] == .minimize ? "lowest" : "highest"
            return Selection(
                index: best,
                explanation:
                    "it has the \(adjective) \(name(k)) (\(formatters.map { $0[k](points[best][k]) } ?? format(points[best][k]))) among \(pool)"
            )
        case .knee:
            let (best, score) = argmin { s in normalized[s]!.reduce(0, +) }
            let distance = (1 - score) / Double(m).squareRoot()
            return Selection(
                index: best,
                explanation:
                    "it is the knee among \(pool): normalised distance \(format(distance)) from the \(m == 2 ? "line" : "plane") through the extremes"
            )
        case .largestContribution:
            let rows = candidates.map { normalized[$0]! }
            let contributions = Hypervolume.contributions(
                rows, reference: Array(repeating: 1.1, count: m), directions: Array(repeating: .minimize, count: m)
            )
            let position = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
            let (best, score) = argmin { -contributions[position[$0]!] }
            return Selection(
                index: best,
                explanation: "it adds the most hypervolume among \(pool) (normalised contribution \(format(-score)))"
            )
        case .weightedLoss(let weights):
            precondition(weights.count == m, "\(weights.count) weights for \(m) objectives")
            let (best, score) = argmin { s in (0..<m).reduce(0) { $0 + weights[$1] * normalized[s]![$1] } }
            return Selection(
                index: best,
                explanation: "it has the smallest weighted normalised loss (\(format(score))) among \(pool)"
            )
        case .weightedRawLoss(let weights):
            precondition(weights.count == m, "\(weights.count) weights for \(m) objectives")
            let (best, score) = argmin { s in
                (0..<m).reduce(0) { sum, k in
                    let v = points[s][k]
                    return sum + weights[k] * (directions[k] == .minimize ? v : 1 / v)
                }
            }
            return Selection(
                index: best,
                explanation: "it has the smallest loss (\(format(score))) among \(pool)"
            )
        }
    }

    /// Normalised costs in [0, 1] (0 = best candidate) for each candidate, keyed by setting.
    static func normalizedCosts(
        _ points: [[Double]], candidates: [Int], directions: [ObjectiveDirection]
    ) -> [Int: [Double]] {
        let m = directions.count
        var result = [Int: [Double]]()
        var best = [Double](repeating: 0, count: m)
        var worst = [Double](repeating: 0, count: m)
        for k in 0..<m {
            let values = candidates.map { directions[k].minimizing(points[$0][k]) }
            best[k] = values.min() ?? 0
            worst[k] = values.max() ?? 0
        }
        for s in candidates {
            result[s] = (0..<m).map { k in
                let range = worst[k] - best[k]
                return range > 0 ? (directions[k].minimizing(points[s][k]) - best[k]) / range : 0
            }
        }
        return result
    }
}

/// A short decimal rendering for explanations (a few decimals, no Foundation).
func format(_ x: Double) -> String {
    if x.isNaN || x.isInfinite { return "\(x)" }
    if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
    let magnitude = abs(x)
    let digits = magnitude >= 1000 ? 1 : magnitude >= 1 ? 3 : magnitude >= 0.01 ? 4 : 6
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (x * scale).rounded() / scale
    return "\(rounded)"
}
