import Foundation

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
