import LinearAlgebra

/// Why a surrogate model could not be built. Each case names the offending observation so the
/// caller can say which trial to drop.
public enum SurrogateError: Error, Equatable, CustomStringConvertible {
    /// No observations were given; a Gaussian process needs at least one.
    case noObservations
    /// The number of input points and of outputs differ.
    case mismatchedCounts(inputs: Int, outputs: Int)
    /// Input point `point` has `found` coordinates where the first point has `expected` (≥ 1).
    case inconsistentDimension(point: Int, expected: Int, found: Int)
    /// Input point `point` has a NaN or infinite coordinate.
    case nonFiniteInput(point: Int)
    /// Output `point` is NaN or infinite (a failed trial: drop it first).
    case nonFiniteOutput(point: Int)
    /// Hyperparameters are outside their domain (e.g. a non-positive length scale).
    case invalidHyperparameters(String)
    /// A linear-algebra routine failed even after jitter (the kernel matrix is not positive
    /// definite at any hyperparameters tried).
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case .noObservations:
            return "a Gaussian process needs at least one observation"
        case .mismatchedCounts(let inputs, let outputs):
            return "\(inputs) input points but \(outputs) outputs; give one output per point"
        case .inconsistentDimension(let point, let expected, let found):
            return "input point \(point) has \(found) coordinates, expected \(expected) like point 0"
        case .nonFiniteInput(let point):
            return "input point \(point) has a NaN or infinite coordinate"
        case .nonFiniteOutput(let point):
            return "output \(point) is NaN or infinite; drop failed trials before fitting"
        case .invalidHyperparameters(let detail):
            return "invalid Gaussian-process hyperparameters: \(detail)"
        case .linearAlgebra(let error):
            return "Gaussian-process linear algebra failed: \(error)"
        }
    }
}
