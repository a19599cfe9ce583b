import Foundation

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
