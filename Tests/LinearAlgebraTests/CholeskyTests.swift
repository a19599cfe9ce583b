import Foundation
import Testing

@testable import LinearAlgebra

@Suite struct CholeskyTests {
    /// A symmetric positive-definite 3 × 3 matrix with factor [[2,0,0],[6,1,0],[-8,5,3]], det 36.
    let spd = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])

    /// A squared-exponential kernel matrix (unit variance, length scale 0.3) over 1-D points.
    static func kernelMatrix(_ points: [Double]) -> Matrix {
        var k = Matrix(rows: points.count, columns: points.count)
        for i in points.indices {
            for j in points.indices {
                let d = (points[i] - points[j]) / 0.3
                k[i, j] = exp(-0.5 * d * d)
            }
        }
        return k
    }

    static func maxAbsDifference(_ a: Matrix, _ b: Matrix) -> Double {
        zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func choleskyWithJitterAddsNothingToAWellConditionedMatrix() throws {
        let (factor, jitter) = try spd.choleskyWithJitter()
        #expect(jitter == 0)
        #expect(factor == (try spd.choleskyLower()))
    }

    @Test func nearSingularKernelWithDuplicatedRowsFactorisesWithJitter() throws {
        // Points 0.2 and 0.7 appear twice: rows 0 and 3, and 2 and 4, are identical.
        let kernel = Self.kernelMatrix([0.2, 0.5, 0.7, 0.2, 0.7, 0.9])
        #expect(throws: LinearAlgebraError.self) { try kernel.choleskyLower() }
        let (factor, jitter) = try kernel.choleskyWithJitter()
        #expect(jitter > 0)
        #expect(jitter <= 1e-4)
        var shifted = kernel
        for i in 0..<kernel.rows { shifted[i, i] += jitter }
        let product = try factor.multiplied(by: factor, transposeOther: true)
        #expect(Self.maxAbsDifference(product, shifted) < 1e-12)
    }

    @Test func jitterStartsAtTheGivenValueAndEscalatesTenfold() throws {
        // [[1, 1], [1, 1]] has a zero pivot; 1e-3 is enough, so exactly that is reported.
        let singular = Matrix([[1, 1], [1, 1]])
        let (_, jitter) = try singular.choleskyWithJitter(initialJitter: 1e-3, maxAttempts: 1)
        #expect(jitter == 1e-3)
        // A pivot of −0.5 needs a shift above 0.5: 1e-3 · 10³ = 1 is the first that works.
        let indefinite = Matrix([[1, 0], [0, -0.5]])
        let (_, escalated) = try indefinite.choleskyWithJitter(initialJitter: 1e-3, maxAttempts: 4)
        #expect(abs(escalated - 1) < 1e-12)
    }

    @Test func indefiniteMatrixThrowsNotPositiveDefiniteOnceTheJitterCapIsReached() {
        // Eigenvalues 3 and −1: no jitter up to 1e-4 · mean(diag) can fix that.
        let indefinite = Matrix([[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
            try indefinite.choleskyWithJitter()
        }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 1)) {
            try Matrix(rows: 2, columns: 2).choleskyWithJitter()
        }
    }

    @Test func aNaNEntryIsReportedByLAPACKEAsAnIllegalArgument() {
        // LAPACKE checks inputs for NaN and reports the matrix argument (4 for dpotrf).
        let poisoned = Matrix([[4, 1], [Double.nan, 3]])
        #expect(throws: LinearAlgebraError.illegalArgument(routine: "dpotrf", argument: 4)) {
            try poisoned.choleskyLower()
        }
        #expect(throws: LinearAlgebraError.illegalArgument(routine: "dpotrf", argument: 4)) {
            try poisoned.choleskyWithJitter()
        }
    }

    @Test func aNaNRightHandSideIsReportedByDpotrsAsArgumentSeven() throws {
        let factor = try spd.choleskyLower()
        #expect(throws: LinearAlgebraError.illegalArgument(routine: "dpotrs", argument: 7)) {
            try Matrix.choleskySolve(lowerFactor: factor, vector: [1, .nan, 2])
        }
    }

    @Test func choleskySolveAgreesWithTwoTriangularSolves() throws {
        let factor = try spd.choleskyLower()
        let rhs = Matrix(rows: 3, columns: 2, rowMajor: [1, 0, -2, 3, 0.5, 1])
        let viaPotrs = try Matrix.choleskySolve(lowerFactor: factor, rhs)
        let y = try factor.solveTriangular(rhs)
        let viaTrsm = try factor.solveTriangular(y, transpose: true)
        #expect(Self.maxAbsDifference(viaPotrs, viaTrsm) < 1e-12)
        let single = try Matrix.choleskySolve(lowerFactor: factor, vector: [1, -2, 0.5])
        for i in 0..<3 { #expect(abs(single[i] - viaTrsm[i, 0]) < 1e-12) }
    }

    @Test func choleskySolveRejectsMismatchedShapes() throws {
        let factor = try spd.choleskyLower()
        #expect(throws: LinearAlgebraError.self) {
            try Matrix.choleskySolve(lowerFactor: factor, vector: [1, 2])
        }
    }

    @Test func choleskyInverseTimesTheMatrixIsTheIdentity() throws {
        let inverse = try Matrix.choleskyInverse(lowerFactor: spd.choleskyLower())
        #expect(inverse == inverse.transposed)
        let product = try spd.multiplied(by: inverse)
        #expect(Self.maxAbsDifference(product, .identity(3)) < 1e-10)
    }

    @Test func choleskyInverseOfASingularFactorThrows() {
        let singularFactor = Matrix([[1, 0], [1, 0]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) {
            try Matrix.choleskyInverse(lowerFactor: singularFactor)
        }
    }

    @Test func logDeterminantFromCholeskyMatchesTheDeterminant() throws {
        let logDet = Matrix.logDeterminantFromCholesky(lowerFactor: try spd.choleskyLower())
        #expect(abs(logDet - log(36)) < 1e-12)
    }

    @Test func logDeterminantDoesNotOverflowForLargeMatrices() throws {
        // det(1e3 · I₂₀₀) = 1e600 overflows a Double; its logarithm does not.
        var big = Matrix.identity(200)
        for i in 0..<200 { big[i, i] = 1e3 }
        let logDet = Matrix.logDeterminantFromCholesky(lowerFactor: try big.choleskyLower())
        #expect(abs(logDet - 600 * log(10)) < 1e-9)
    }
}

@Suite struct ProductTests {
    let a = Matrix(rows: 2, columns: 3, rowMajor: [1, 2, 3, 4, 5, 6])

    @Test func gramEqualsTheProductWithTheTranspose() throws {
        #expect(a.gram() == (try a.multiplied(by: a, transposeOther: true)))
        #expect(a.gram(transpose: true) == (try a.multiplied(by: a, transposeSelf: true)))
    }

    @Test func symmetricRankKUpdateScalesAndAdds() throws {
        var c = Matrix([[1, 0.5], [0.5, 2]])
        try c.symmetricRankKUpdate(a, alpha: 2, beta: 3)
        // 2 · [[14, 32], [32, 77]] + 3 · c
        #expect(c == Matrix([[31, 65.5], [65.5, 160]]))
    }

    @Test func symmetricRankKUpdateRejectsAMismatchedTarget() {
        var c = Matrix.identity(3)
        #expect(throws: LinearAlgebraError.self) { try c.symmetricRankKUpdate(a) }
    }

    @Test func matrixVectorProductMatchesTheDefinition() throws {
        #expect(try a.multiplied(byVector: [1, 0, -1]) == [-2, -2])
        #expect(try a.multiplied(byVector: [1, -1], transpose: true) == [-3, -3, -3])
        #expect(throws: LinearAlgebraError.self) { try a.multiplied(byVector: [1, 2]) }
    }

    @Test func rowsDiagonalAndColumnsReadTheStorage() {
        #expect(a.row(1) == [4, 5, 6])
        #expect(a.diagonal == [1, 5])
        #expect(Matrix(column: [1, 2]).rows == 2)
    }

    @Test func openBLASRunsOnOneThread() {
        #expect(blasThreadCount == 1)
    }
}
