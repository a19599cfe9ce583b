import Testing

@testable import LinearAlgebra

@Suite struct MatrixTests {
    /// A symmetric positive-definite 3 × 3 matrix with a known factor.
    let spd = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])

    @Test func choleskyMatchesTheTextbookFactor() throws {
        let l = try spd.choleskyLower()
        let expected = Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]])
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(l[i, j] - expected[i, j]) < 1e-12) }
        }
    }

    @Test func choleskyFactorReproducesTheMatrix() throws {
        let l = try spd.choleskyLower()
        let product = try l.multiplied(by: l, transposeOther: true)
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(product[i, j] - spd[i, j]) < 1e-10) }
        }
    }

    @Test func choleskyOfAnIndefiniteMatrixThrowsWithTheFailingOrder() {
        let indefinite = Matrix([[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
            try indefinite.choleskyLower()
        }
    }

    @Test func choleskySolveRecoversAKnownSolution() throws {
        let x = Matrix(rows: 3, columns: 2, rowMajor: [1, -1, 2, 0.5, -3, 4])
        let b = try spd.multiplied(by: x)
        let solved = try Matrix.choleskySolve(lowerFactor: spd.choleskyLower(), b)
        for i in 0..<6 { #expect(abs(solved.storage[i] - x.storage[i]) < 1e-9) }
    }

    @Test func triangularSolveHandlesTheTransposedUpperCase() throws {
        let l = Matrix([[2, 0], [1, 3]])
        let rhs = Matrix(rows: 2, columns: 1, rowMajor: [5, 6])
        // Lᵀ x = rhs, Lᵀ = [[2, 1], [0, 3]] -> x2 = 2, x1 = 1.5
        let x = try l.solveTriangular(rhs, lower: true, transpose: true)
        #expect(abs(x[0, 0] - 1.5) < 1e-12)
        #expect(abs(x[1, 0] - 2) < 1e-12)
    }

    @Test func productOfMismatchedShapesThrows() {
        let a = Matrix(rows: 3, columns: 2)
        #expect(throws: LinearAlgebraError.self) { try a.multiplied(by: a) }
    }

    @Test func productWithTransposeEqualsExplicitTranspose() throws {
        let a = Matrix(rows: 2, columns: 3, rowMajor: [1, 2, 3, 4, 5, 6])
        let viaFlag = try a.multiplied(by: a, transposeOther: true)
        let explicit = try a.multiplied(by: a.transposed)
        #expect(viaFlag == explicit)
        #expect(viaFlag == Matrix([[14, 32], [32, 77]]))
    }
}
