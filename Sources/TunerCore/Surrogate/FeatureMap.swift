import Foundation

/// A differentiable map from search coordinates (d) to model inputs (d′), with its Jacobian.
public protocol FeatureMap: Sendable {
    /// d, the search coordinates it takes.
    var inputDimension: Int { get }
    /// d′, the features it returns.
    var outputDimension: Int { get }
    /// φ(x) (d′ values) and its Jacobian J (d′ rows × d columns, Jᵢⱼ = ∂φᵢ/∂xⱼ).
    func apply(_ x: [Double]) -> (features: [Double], jacobian: [[Double]])
}
