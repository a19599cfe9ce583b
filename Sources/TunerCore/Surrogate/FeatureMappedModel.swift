import Foundation

/// A Gaussian process over features: f(x) = g(φ(x)) with g ~ GP. Predictions at x are the
/// GP's at φ(x); gradients follow by the chain rule, ∇ₓ = Jᵀ ∇_φ. O(n² + d·d′) per prediction.
public struct FeatureMappedModel: SurrogateModel {
    /// The GP, fitted on φ of the training coordinates.
    public let process: GaussianProcess
    public let features: any FeatureMap

    public init(process: GaussianProcess, features: any FeatureMap) {
        precondition(
            process.dimension == features.outputDimension,
            "the GP has \(process.dimension) inputs, the feature map gives \(features.outputDimension)")
        self.process = process
        self.features = features
    }

    /// Fits a GP on φ of the coordinates (see ``GaussianProcess/fit(inputs:outputs:seed:restarts:initialHyperparameters:prior:)``).
    public static func fit(
        coordinates: [[Double]], outputs: [Double], features: any FeatureMap, seed: UInt64, restarts: Int = 4
    ) throws(SurrogateError) -> FeatureMappedModel {
        let inputs = coordinates.map { features.apply($0).features }
        let process = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: seed, restarts: restarts)
        return FeatureMappedModel(process: process, features: features)
    }

    public var dimension: Int { features.inputDimension }

    public func predict(_ x: [Double], includingNoise: Bool) -> (mean: Double, variance: Double) {
        process.predict(features.apply(x).features, includingNoise: includingNoise)
    }

    /// The posterior covariance of the response at `a` and `b` (the GP's at φ(a), φ(b)). O(n²).
    public func posteriorCovariance(_ a: [Double], _ b: [Double]) -> Double {
        process.posteriorCovariance(features.apply(a).features, features.apply(b).features)
    }

    public func predictWithGradient(_ x: [Double]) -> (mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double]) {
        let (z, jacobian) = features.apply(x)
        let p = process.predictWithGradient(z)
        var meanGradient = [Double](repeating: 0, count: x.count)
        var varianceGradient = [Double](repeating: 0, count: x.count)
        for i in z.indices {
            for j in x.indices {
                meanGradient[j] += jacobian[i][j] * p.meanGradient[i]
                varianceGradient[j] += jacobian[i][j] * p.varianceGradient[i]
            }
        }
        return (p.mean, p.variance, meanGradient, varianceGradient)
    }
}
