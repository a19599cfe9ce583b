import CLapack

extension Matrix {
    /// Matrix product `alpha · op(self) · op(other)` via `cblas_dgemm`.
    /// - Parameters: shapes must agree: (m × k) · (k × n) = m × n after the optional transposes.
    /// - Complexity: O(m · n · k).
    public func multiplied(
        by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false, alpha: Double = 1
    ) throws(LinearAlgebraError) -> Matrix {
        ensureSingleThreaded()
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let k2 = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        guard k == k2 else {
            throw .shapeMismatch("\(m) × \(k) times \(k2) × \(n)")
        }
        var result = Matrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return result }
        if k == 0 { return result }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(
                        CblasRowMajor,
                        transposeSelf ? CblasTrans : CblasNoTrans,
                        transposeOther ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha,
                        a.baseAddress, Int32(columns),
                        b.baseAddress, Int32(other.columns),
                        0, c.baseAddress, Int32(n))
                }
            }
        }
        return result
    }

    /// The lower Cholesky factor L with self = L · Lᵀ, via LAPACKE `dpotrf`.
    ///
    /// Only the lower triangle of `self` is read; the upper triangle of the result is zero.
    /// - Throws: `.notPositiveDefinite` with the failing order, `.shapeMismatch` if not square.
    /// - Complexity: O(n³ / 3).
    public func choleskyLower() throws(LinearAlgebraError) -> Matrix {
        ensureSingleThreaded()
        guard rows == columns else { throw .shapeMismatch("Cholesky of a \(rows) × \(columns) matrix") }
        var factor = self
        let n = rows
        guard n > 0 else { return factor }
        let info = factor.storage.withUnsafeMutableBufferPointer { a in
            LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), a.baseAddress, Int32(n))
        }
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw .illegalArgument(routine: "dpotrf", argument: Int(-info)) }
        for i in 0..<n {
            for j in (i + 1)..<n { factor[i, j] = 0 }
        }
        return factor
    }

    /// Solves `op(self) · X = rhs` for X where self is triangular, via `cblas_dtrsm`.
    /// - Parameters:
    ///   - rhs: n × p right-hand sides.
    ///   - lower: whether `self` is lower (true) or upper triangular.
    ///   - transpose: solve with selfᵀ instead of self.
    /// - Returns: X, n × p.
    /// - Complexity: O(n² · p).
    public func solveTriangular(
        _ rhs: Matrix, lower: Bool = true, transpose: Bool = false
    ) throws(LinearAlgebraError) -> Matrix {
        ensureSingleThreaded()
        guard rows == columns, rhs.rows == rows else {
            throw .shapeMismatch("triangular \(rows) × \(columns) against \(rhs.rows) × \(rhs.columns)")
        }
        var solution = rhs
        guard rows > 0, rhs.columns > 0 else { return solution }
        storage.withUnsafeBufferPointer { a in
            solution.storage.withUnsafeMutableBufferPointer { b in
                cblas_dtrsm(
                    CblasRowMajor, CblasLeft,
                    lower ? CblasLower : CblasUpper,
                    transpose ? CblasTrans : CblasNoTrans,
                    CblasNonUnit,
                    Int32(rows), Int32(rhs.columns), 1,
                    a.baseAddress, Int32(columns),
                    b.baseAddress, Int32(rhs.columns))
            }
        }
        return solution
    }
}
