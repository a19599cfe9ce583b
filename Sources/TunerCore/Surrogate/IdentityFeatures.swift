import Foundation

/// The identity map: the model sees the search coordinates as they are.
public struct IdentityFeatures: FeatureMap {
    public let inputDimension: Int
    public init(dimension: Int) { inputDimension = dimension }
    public var outputDimension: Int { inputDimension }
    public func apply(_ x: [Double]) -> (features: [Double], jacobian: [[Double]]) {
        (x, x.indices.map { i in x.indices.map { $0 == i ? 1 : 0 } })
    }
}
