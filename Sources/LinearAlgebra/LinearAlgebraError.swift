import CLapack

/// Errors surfaced from LAPACK's `info` codes and from shape mismatches.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// `dpotrf` found the leading minor of order `order` not positive definite (also thrown by
    /// ``Matrix/choleskyWithJitter(initialJitter:maxAttempts:)`` once its largest jitter fails,
    /// and by ``Matrix/choleskyInverse(lowerFactor:)`` for a zero on the factor's diagonal).
    case notPositiveDefinite(order: Int)
    /// A LAPACK routine rejected its argument number `argument`, counted as in the LAPACKE C
    /// signature (1 is the layout). LAPACKE also reports a NaN in an input matrix this way.
    case illegalArgument(routine: String, argument: Int)
    /// Operand shapes do not fit, e.g. "3 × 2 times 3 × 2".
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            return "matrix is not positive definite (leading minor of order \(order))"
        case .illegalArgument(let routine, let argument):
            return "\(routine) rejected argument \(argument)"
        case .shapeMismatch(let detail):
            return "shape mismatch: \(detail)"
        }
    }
}
