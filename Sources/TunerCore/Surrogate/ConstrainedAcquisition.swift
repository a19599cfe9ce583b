import Foundation

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
