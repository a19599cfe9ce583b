import Foundation

/// A probabilistic model of one scalar response over the search's coordinates: what the
/// acquisition functions and the recommendation read. ``GaussianProcess`` is one;
/// ``FeatureMappedModel`` is a Gaussian process that sees the coordinates through a
/// ``FeatureMap`` (e.g. the heap-goal model of ``HeapGoalFeatures``).
public protocol SurrogateModel: Sendable {
    /// Coordinates of a query point (d).
    var dimension: Int { get }
    /// Posterior mean and variance at x, in the response's units (variance of the latent
    /// response, plus the noise variance when `includingNoise`).
    func predict(_ x: [Double], includingNoise: Bool) -> (mean: Double, variance: Double)
    /// Posterior mean and variance of the latent response with their gradients in x (d values
    /// each, response units per coordinate unit).
    func predictWithGradient(_ x: [Double]) -> (mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double])
}

extension GaussianProcess: SurrogateModel {}
