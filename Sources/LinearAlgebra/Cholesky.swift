import CLapack
import Foundation

/// Cholesky-based routines beyond the plain factorisation in `Operations.swift`: factorisation
/// with diagonal jitter, solves and inverses from a factor (`dpotrs`, `dpotri`) and the log
/// determinant. "Factor" always means the lower triangular L with A = L · Lᵀ, n × n, row-major,
/// zeros above the diagonal (as ``Matrix/choleskyLower()`` returns it).
extension Matrix {
    /// The default number of jittered attempts in ``choleskyWithJitter(initialJitter:maxAttempts:)``:
    /// jitter 1e-10, 1e-9, …, 1e-4 times the mean diagonal.
    public static let defaultJitterAttempts = 7

    /// The lower Cholesky factor of `self + jitter · I`, with the smallest jitter in an escalating
    /// sequence that makes the factorisation succeed.
    ///
    /// First tries `self` unchanged (jitter 0). If `dpotrf` reports a non-positive pivot — as it
    /// does for a kernel matrix with duplicated rows, or one so ill-conditioned that rounding makes
    /// it indefinite — it retries with `jitter = initialJitter`, then 10×, 100×, … for
    /// `maxAttempts` jittered attempts in all, so the largest jitter tried is
    /// `initialJitter · 10^(maxAttempts − 1)`.
    ///
    /// - Parameters:
    ///   - initialJitter: the first diagonal shift, in the units of the matrix's entries. Defaults
    ///     to 1e-10 × the mean of |diagonal|, so the shift is relative to the matrix's scale.
    ///   - maxAttempts: jittered attempts after the unjittered one (≥ 0).
    /// - Returns: the factor L (n × n, lower, L · Lᵀ = self + jitter · I) and the jitter used
    ///   (0 when none was needed).
    /// - Throws: `.notPositiveDefinite` from the last attempt when even the largest jitter fails
    ///   (the matrix is genuinely indefinite, not just near-singular), or immediately when the
    ///   diagonal is all zeros; `.illegalArgument` when LAPACKE rejects the input (e.g. a NaN
    ///   entry); `.shapeMismatch` when not square.
    /// - Complexity: O(n³/3) per attempt, at most `maxAttempts + 1` attempts.
    public func choleskyWithJitter(
        initialJitter: Double? = nil, maxAttempts: Int = Matrix.defaultJitterAttempts
    ) throws(LinearAlgebraError) -> (factor: Matrix, jitter: Double) {
        precondition(maxAttempts >= 0, "maxAttempts must not be negative")
        var failedOrder: Int
        do {
            return (try choleskyLower(), 0)
        } catch .notPositiveDefinite(let order) {
            failedOrder = order
        }
        var scale = 0.0
        for i in 0..<rows { scale += abs(self[i, i]) }
        scale /= Double(rows)
        var jitter = initialJitter ?? 1e-10 * scale
        guard jitter > 0, jitter.isFinite else { throw .notPositiveDefinite(order: failedOrder) }
        for _ in 0..<maxAttempts {
            var shifted = self
            for i in 0..<rows { shifted[i, i] += jitter }
            do {
                return (try shifted.choleskyLower(), jitter)
            } catch .notPositiveDefinite(let order) {
                failedOrder = order
            }
            jitter *= 10
        }
        throw .notPositiveDefinite(order: failedOrder)
    }

    /// Solves `A · X = rhs` given A's lower Cholesky factor, via LAPACKE `dpotrs`.
    /// - Parameters:
    ///   - lowerFactor: L, n × n, with A = L · Lᵀ (only the lower triangle is read).
    ///   - rhs: n × p right-hand sides.
    /// - Returns: X, n × p.
    /// - Throws: `.shapeMismatch` for incompatible shapes; `.illegalArgument` when LAPACKE rejects
    ///   an argument (argument 5 is the factor, 7 the right-hand side, e.g. when it holds a NaN).
    /// - Complexity: O(n² · p).
    public static func choleskySolve(lowerFactor: Matrix, _ rhs: Matrix) throws(LinearAlgebraError) -> Matrix {
        ensureSingleThreaded()
        let n = lowerFactor.rows
        guard lowerFactor.columns == n, rhs.rows == n else {
            throw .shapeMismatch("Cholesky factor \(n) × \(lowerFactor.columns) against \(rhs.rows) × \(rhs.columns)")
        }
        var solution = rhs
        guard n > 0, rhs.columns > 0 else { return solution }
        let info = lowerFactor.storage.withUnsafeBufferPointer { a in
            solution.storage.withUnsafeMutableBufferPointer { b in
                LAPACKE_dpotrs(
                    LAPACK_ROW_MAJOR, lowerTriangle, Int32(n), Int32(rhs.columns),
                    a.baseAddress, Int32(n), b.baseAddress, Int32(rhs.columns))
            }
        }
        try check(info, routine: "dpotrs")
        return solution
    }

    /// Solves `A · x = b` for one right-hand side given A's lower Cholesky factor (`dpotrs`).
    /// - Parameters: `lowerFactor` n × n; `vector` n values.
    /// - Returns: x, n values.
    /// - Complexity: O(n²).
    public static func choleskySolve(lowerFactor: Matrix, vector: [Double]) throws(LinearAlgebraError) -> [Double] {
        try choleskySolve(lowerFactor: lowerFactor, Matrix(column: vector)).storage
    }

    /// A⁻¹ given A's lower Cholesky factor, via LAPACKE `dpotri`; the result is symmetric and
    /// both triangles are filled.
    /// - Parameter lowerFactor: L, n × n, A = L · Lᵀ.
    /// - Returns: A⁻¹, n × n.
    /// - Throws: `.notPositiveDefinite(order: i)` when L's i-th diagonal entry is exactly zero
    ///   (A is singular); `.illegalArgument` for a rejected argument (e.g. NaN in L);
    ///   `.shapeMismatch` when not square.
    /// - Complexity: O(2n³/3).
    public static func choleskyInverse(lowerFactor: Matrix) throws(LinearAlgebraError) -> Matrix {
        ensureSingleThreaded()
        let n = lowerFactor.rows
        guard lowerFactor.columns == n else {
            throw .shapeMismatch("inverse from a \(n) × \(lowerFactor.columns) Cholesky factor")
        }
        var inverse = lowerFactor
        guard n > 0 else { return inverse }
        let info = inverse.storage.withUnsafeMutableBufferPointer { a in
            LAPACKE_dpotri(LAPACK_ROW_MAJOR, lowerTriangle, Int32(n), a.baseAddress, Int32(n))
        }
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        try check(info, routine: "dpotri")
        inverse.mirrorLowerTriangle()
        return inverse
    }

    /// log det A = 2 Σᵢ log Lᵢᵢ given A's lower Cholesky factor L (n × n). Computed as a sum of
    /// logarithms, so it neither overflows nor underflows for large or nearly singular A.
    /// Returns −∞ if some Lᵢᵢ is zero. O(n).
    public static func logDeterminantFromCholesky(lowerFactor: Matrix) -> Double {
        precondition(lowerFactor.rows == lowerFactor.columns, "a Cholesky factor is square")
        var sum = 0.0
        for i in 0..<lowerFactor.rows { sum += log(lowerFactor[i, i]) }
        return 2 * sum
    }

    /// Copies the strictly lower triangle onto the upper one, making the matrix symmetric.
    mutating func mirrorLowerTriangle() {
        let n = rows
        storage.withUnsafeMutableBufferPointer { a in
            for i in 0..<n {
                for j in 0..<i { a[j * n + i] = a[i * n + j] }
            }
        }
    }
}

/// `uplo = 'L'`: LAPACK reads and writes the lower triangle.
let lowerTriangle = Int8(UInt8(ascii: "L"))

/// Turns a negative LAPACK `info` into `.illegalArgument`. Positive codes mean something
/// routine-specific, so callers handle them first.
func check(_ info: Int32, routine: String) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(routine: routine, argument: Int(-info)) }
}
