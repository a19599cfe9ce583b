import CLapack

/// Symmetric rank-k updates (`dsyrk`) and matrix–vector products (`dgemv`).
extension Matrix {
    /// The Gram matrix A · Aᵀ (rows × rows), or Aᵀ · A (columns × columns) when `transpose`,
    /// via `cblas_dsyrk`. Exactly symmetric: one triangle is computed and mirrored.
    /// - Complexity: O(rows² · columns) (or O(columns² · rows)), half of the equivalent `dgemm`.
    public func gram(transpose: Bool = false) -> Matrix {
        let n = transpose ? columns : rows
        var result = Matrix(rows: n, columns: n)
        // Shapes always agree for a Gram matrix, so this cannot throw.
        try! result.symmetricRankKUpdate(self, alpha: 1, beta: 0, transpose: transpose)
        return result
    }

    /// The symmetric rank-k update self ← alpha · A · Aᵀ + beta · self (or alpha · Aᵀ · A +
    /// beta · self when `transpose`), via `cblas_dsyrk`.
    ///
    /// `self` must be symmetric n × n; only its lower triangle is read, and the result is mirrored
    /// so both triangles are filled.
    /// - Parameters:
    ///   - a: n × k (or k × n when `transpose`).
    ///   - alpha: scale of the product.
    ///   - beta: scale of the current `self` (0 ignores its contents).
    /// - Throws: `.shapeMismatch` when `self` is not n × n for A's n.
    /// - Complexity: O(n² · k).
    public mutating func symmetricRankKUpdate(
        _ a: Matrix, alpha: Double = 1, beta: Double = 1, transpose: Bool = false
    ) throws(LinearAlgebraError) {
        ensureSingleThreaded()
        let n = transpose ? a.columns : a.rows
        let k = transpose ? a.rows : a.columns
        guard rows == n, columns == n else {
            throw .shapeMismatch("rank-k update of \(rows) × \(columns) by \(a.rows) × \(a.columns)\(transpose ? "ᵀ" : "")")
        }
        guard n > 0 else { return }
        let ldc = Int32(n)
        storage.withUnsafeMutableBufferPointer { c in
            a.storage.withUnsafeBufferPointer { aBuffer in
                cblas_dsyrk(
                    CblasRowMajor, CblasLower, transpose ? CblasTrans : CblasNoTrans,
                    Int32(n), Int32(k), alpha,
                    aBuffer.baseAddress, Int32(max(a.columns, 1)),
                    beta, c.baseAddress, ldc)
            }
        }
        mirrorLowerTriangle()
    }

    /// The matrix–vector product alpha · op(self) · x via `cblas_dgemv`.
    /// - Parameters:
    ///   - x: `columns` values (`rows` values when `transpose`).
    ///   - transpose: multiply by selfᵀ.
    /// - Returns: `rows` values (`columns` when `transpose`).
    /// - Throws: `.shapeMismatch` when x has the wrong length.
    /// - Complexity: O(rows · columns).
    public func multiplied(
        byVector x: [Double], transpose: Bool = false, alpha: Double = 1
    ) throws(LinearAlgebraError) -> [Double] {
        ensureSingleThreaded()
        let inner = transpose ? rows : columns
        let outer = transpose ? columns : rows
        guard x.count == inner else {
            throw .shapeMismatch("\(rows) × \(columns)\(transpose ? "ᵀ" : "") times a vector of \(x.count)")
        }
        var y = [Double](repeating: 0, count: outer)
        guard outer > 0, inner > 0 else { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xBuffer in
                y.withUnsafeMutableBufferPointer { yBuffer in
                    cblas_dgemv(
                        CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                        Int32(rows), Int32(columns), alpha,
                        a.baseAddress, Int32(columns),
                        xBuffer.baseAddress, 1, 0, yBuffer.baseAddress, 1)
                }
            }
        }
        return y
    }
}
