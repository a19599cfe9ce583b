import Foundation

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
