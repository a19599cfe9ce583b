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
