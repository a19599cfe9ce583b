import Foundation
import Testing

@testable import TunerCore

extension SurrogateTests {
    @Suite struct GradientSearchTests {
        /// A concave quadratic with its maximum 0 at `center`.
        static func bowl(_ center: [Double]) -> ([Double]) -> (value: Double, gradient: [Double]) {
            { x in
                let d = zip(x, center).map { $0 - $1 }
                return (-d.reduce(0) { $0 + $1 * $1 }, d.map { -2 * $0 })
            }
        }

        /// Gaussian bumps of the given heights and width 0.1 at the given centres.
        static func bumps(_ peaks: [(center: [Double], height: Double)], width: Double = 0.1) -> ([Double]) -> (
            value: Double, gradient: [Double]
        ) {
            { x in
                var value = 0.0
                var gradient = [Double](repeating: 0, count: x.count)
                for peak in peaks {
                    let d = zip(x, peak.center).map { $0 - $1 }
                    let e = peak.height * exp(-d.reduce(0) { $0 + $1 * $1 } / (2 * width * width))
                    value += e
                    for q in x.indices { gradient[q] -= e * d[q] / (width * width) }
                }
                return (value, gradient)
            }
        }

        @Test func findsTheMaximumOfAConcaveFunctionInsideTheBox() {
            let result = GradientSearch.maximize(dimension: 2, seed: 1, objective: Self.bowl([0.3, 0.7]))
            #expect(abs(result.best.point[0] - 0.3) < 1e-5)
            #expect(abs(result.best.point[1] - 0.7) < 1e-5)
            #expect(result.best.value > -1e-9)
        }

        @Test func staysInsideTheBoundsWhenTheMaximumIsOutside() {
            let bounds: [ClosedRange<Double>] = [0...1, 0.2...0.5, -1...1]
            let result = GradientSearch.maximize(dimension: 3, seed: 1, bounds: bounds, objective: Self.bowl([2, 0.9, 0.25]))
            #expect(result.best.point == [1, 0.5, 0.25] || zip(result.best.point, [1, 0.5, 0.25]).allSatisfy { abs($0 - $1) < 1e-6 })
            for candidate in result.candidates {
                #expect(zip(candidate.point, bounds).allSatisfy { $1.contains($0) })
            }
        }

        @Test func aCoordinateWithEqualBoundsStaysFixedLikeAnArm() {
            // E.g. GOMEMLIMIT = off mapped to 1: search GOGC alone within that arm.
            let result = GradientSearch.maximize(dimension: 2, seed: 1, bounds: [0...1, 1...1], objective: Self.bowl([0.4, 0.2]))
            #expect(result.candidates.allSatisfy { $0.point[1] == 1 })
            #expect(abs(result.best.point[0] - 0.4) < 1e-5)
        }

        @Test func prefersTheHigherOfTwoPeaks() {
            let objective = Self.bumps([([0.2, 0.2], 1), ([0.8, 0.7], 2)])
            let result = GradientSearch.maximize(dimension: 2, seed: 3, objective: objective)
            #expect(abs(result.best.point[0] - 0.8) < 1e-4 && abs(result.best.point[1] - 0.7) < 1e-4)
            #expect(result.candidates.count >= 2)
            #expect(zip(result.candidates, result.candidates.dropFirst()).allSatisfy { $0.value >= $1.value })
        }

        @Test func warmStartsFindANarrowPeakTheSampleMisses() {
            // A peak of width 0.002 is invisible to 16 raw samples; starting on its flank finds it.
            let objective = Self.bumps([([0.5], 0.1), ([0.9031], 5)], width: 0.002)
            let without = GradientSearch.maximize(dimension: 1, starts: 2, seed: 2, rawSamples: 16, objective: objective)
            let with = GradientSearch.maximize(
                dimension: 1, starts: 2, seed: 2, warmStarts: [[0.904]], rawSamples: 16, objective: objective)
            #expect(without.best.value < 1)
            #expect(abs(with.best.point[0] - 0.9031) < 1e-6)
        }

        @Test func sameSeedGivesTheSameResult() {
            let objective = Self.bumps([([0.2, 0.2], 1), ([0.8, 0.7], 1)])
            let a = GradientSearch.maximize(dimension: 2, seed: 8, objective: objective)
            let b = GradientSearch.maximize(dimension: 2, seed: 8, objective: objective)
            #expect(a == b)
        }

        @Test func bestNovelSkipsOptimaAtMeasuredSettings() {
            let objective = Self.bumps([([0.2, 0.2], 2), ([0.8, 0.7], 1)])
            let result = GradientSearch.maximize(dimension: 2, seed: 3, objective: objective)
            let novel = result.bestNovel(avoiding: [[0.2, 0.2]], minimumDistance: 0.01)
            #expect(novel.map { abs($0.point[0] - 0.8) < 1e-4 } == true)
            #expect(result.bestNovel(avoiding: result.candidates.map(\.point), minimumDistance: 0.01) == nil)
        }

        @Test func latinHypercubeHasOnePointPerStratum() {
            var generator = SeededGenerator(seed: 1)
            let points = GradientSearch.latinHypercube(10, lower: [0, 2], upper: [1, 4], &generator)
            for q in 0..<2 {
                let strata = points.map { Int(($0[q] - [0.0, 2][q]) / ([1.0, 2][q] / 10)) }
                #expect(Set(strata) == Set(0..<10))
            }
        }
    }

    @Suite struct BoundedLBFGSTests {
        @Test func minimisesTheRosenbrockFunction() {
            let result = BoundedLBFGS.minimize(
                start: [-1.2, 1], lower: [-5, -5], upper: [5, 5], maxIterations: 500, gradientTolerance: 1e-10
            ) { x in
                let a = 1 - x[0]
                let b = x[1] - x[0] * x[0]
                return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
            }
            #expect(abs(result.point[0] - 1) < 1e-5 && abs(result.point[1] - 1) < 1e-5)
            #expect(result.converged)
        }

        @Test func stopsOnTheBoundWhenTheMinimumIsOutside() {
            // Minimum at (2, −3); the box holds x in [0, 1] × [−1, 1].
            let result = BoundedLBFGS.minimize(start: [0.5, 0], lower: [0, -1], upper: [1, 1]) { x in
                ((x[0] - 2) * (x[0] - 2) + (x[1] + 3) * (x[1] + 3), [2 * (x[0] - 2), 2 * (x[1] + 3)])
            }
            #expect(result.point == [1, -1])
            #expect(result.converged)
        }

        @Test func treatsNonFiniteValuesAsFailedSteps() {
            // Undefined (infinite) for x < 0.1; the minimum of (x − 0.05)² restricted to x ≥ 0.1 is at 0.1.
            let result = BoundedLBFGS.minimize(start: [0.8], lower: [0], upper: [1], maxIterations: 200) { x in
                x[0] < 0.1 ? (.infinity, [0]) : ((x[0] - 0.05) * (x[0] - 0.05), [2 * (x[0] - 0.05)])
            }
            #expect(result.point[0] >= 0.1 && result.point[0] < 0.11)
            let stuck = BoundedLBFGS.minimize(start: [0.05], lower: [0], upper: [1]) { _ in (.nan, [0]) }
            #expect(!stuck.converged && stuck.evaluations == 1)
        }
    }

    @Suite struct StandardNormalTests {
        @Test(arguments: [
            // (u, Φ(u), uΦ(u) + φ(u)) from mpmath at 30 digits.
            (0.0, 0.5, 0.3989422804014326779399461),
            (1.0, 0.8413447460685429485852325, 1.083315470587686298383063),
            (-1.0, 0.1586552539314570514147675, 0.08331547058768629838306274),
            (-10.0, 7.619853024160526065973343e-24, 7.474560254589328036569033e-25),
            (-30.0, 4.906713927148187059533809e-198, 1.631956734091401189350489e-199),
        ])
        func cdfAndIntegratedCDFAreAccurateIntoTheTail(u: Double, cdf: Double, integrated: Double) {
            #expect(SurrogateFixtures.relativeError(StandardNormal.cdf(u), cdf) < 1e-12)
            #expect(SurrogateFixtures.relativeError(StandardNormal.integratedCDF(u), integrated) < 1e-9)
        }
    }
}
