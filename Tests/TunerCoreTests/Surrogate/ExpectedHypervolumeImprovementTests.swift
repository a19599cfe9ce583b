import Foundation
import Testing

@testable import TunerCore

extension SurrogateTests {
    @Suite struct ExpectedHypervolumeImprovementTests {
        /// A staircase front with hypervolume 6 against the reference (4, 4).
        static let front: [[Double]] = [[1, 3], [2, 2], [3, 1]]
        static let reference: [Double] = [4, 4]

        /// Two objective models over [0, 1]²: f₁ = x₀ + 0.2 sin(4x₁), f₂ = (1 − x₀)² + 0.5 x₁, with a
        /// trade-off along x₀ and x₁ = 0 best for f₂.
        static func models() throws -> (models: [GaussianProcess], observed: [[Double]], reference: [Double]) {
            let inputs = SurrogateFixtures.uniformPoints(15, dimension: 2, seed: 404)
            let first = inputs.map { $0[0] + 0.2 * sin(4 * $0[1]) }
            let second = inputs.map { (1 - $0[0]) * (1 - $0[0]) + 0.5 * $0[1] }
            let models = [
                try GaussianProcess.fit(inputs: inputs, outputs: first, seed: 1),
                try GaussianProcess.fit(inputs: inputs, outputs: second, seed: 2),
            ]
            let observed = zip(first, second).map { [$0, $1] }
            return (models, observed, [first.max()! + 0.1, second.max()! + 0.1])
        }

        /// EHVI for fixed posteriors without models: build on any model pair, then use the
        /// (mean, sd) entry points, which do not touch the models.
        static func acquisition(front: [[Double]] = front, reference: [Double] = reference) throws -> ExpectedHypervolumeImprovement {
            let model = try GaussianProcess.fit(inputs: [[0.5]], outputs: [0], seed: 1)
            return ExpectedHypervolumeImprovement(models: [model, model], observed: front, reference: reference)
        }

        /// ∂EHVI/∂μⱼ and ∂EHVI/∂sⱼ against finite differences (relative error below 1e-5).
        static func expectPartialsMatchFiniteDifferences(_ ehvi: ExpectedHypervolumeImprovement, _ cases: [(mean: [Double], sd: [Double])])
        {
            for (mean, sd) in cases {
                let (_, dMean, dSD) = ehvi.valueAndPartials(mean: mean, standardDeviation: sd)
                let numericMean = SurrogateFixtures.gradient(at: mean) { ehvi.value(mean: $0, standardDeviation: sd) }
                let numericSD = SurrogateFixtures.gradient(at: sd) { ehvi.value(mean: mean, standardDeviation: $0) }
                for j in mean.indices {
                    #expect(SurrogateFixtures.relativeError(dMean[j], numericMean[j]) < 1e-5, "∂/∂μ\(j) at \(mean), \(sd)")
                    #expect(SurrogateFixtures.relativeError(dSD[j], numericSD[j]) < 1e-5, "∂/∂s\(j) at \(mean), \(sd)")
                }
            }
        }

        @Test func isZeroFarInTheDominatedRegion() throws {
            let ehvi = try Self.acquisition()
            #expect(ehvi.value(mean: [10, 10], standardDeviation: [0.3, 0.3]) < 1e-100)
            #expect(ehvi.value(mean: [3.5, 3.5], standardDeviation: [1e-3, 1e-3]) < 1e-300)
            // Dominated by the front point (2, 2) but still inside the reference box.
            #expect(ehvi.value(mean: [2.5, 2.5], standardDeviation: [0, 0]) == 0)
        }

        @Test func isTheExactImprovementBeyondTheFrontWhenCertain() throws {
            let ehvi = try Self.acquisition()
            let hvFront = Hypervolume.volume(Self.front, reference: Self.reference, directions: [.minimize, .minimize])
            #expect(hvFront == 6)
            for y in [[0.5, 0.5], [1.5, 1.5], [0.5, 3.5], [2.5, 0.2]] {
                let hvWith = Hypervolume.volume(Self.front + [y], reference: Self.reference, directions: [.minimize, .minimize])
                let exact = ehvi.value(mean: y, standardDeviation: [0, 0])
                #expect(abs(exact - (hvWith - hvFront)) < 1e-12, "at \(y)")
                #expect(exact > 0)
                let nearlyCertain = ehvi.value(mean: y, standardDeviation: [1e-4, 1e-4])
                #expect(abs(nearlyCertain - exact) < 1e-3)
            }
        }

        @Test func equalsAMonteCarloEstimateWithinSamplingError() throws {
            let ehvi = try Self.acquisition()
            let mean = [2.2, 1.9]
            let sd = [0.6, 0.8]
            let samples = 60_000
            let z1 = SurrogateFixtures.normals(samples, seed: 1)
            let z2 = SurrogateFixtures.normals(samples, seed: 2)
            let hvFront = 6.0
            var sum = 0.0
            var sumSquares = 0.0
            for i in 0..<samples {
                let y = [mean[0] + sd[0] * z1[i], mean[1] + sd[1] * z2[i]]
                let improvement =
                    Hypervolume.volume(Self.front + [y], reference: Self.reference, directions: [.minimize, .minimize]) - hvFront
                sum += improvement
                sumSquares += improvement * improvement
            }
            let estimate = sum / Double(samples)
            let standardError = ((sumSquares / Double(samples) - estimate * estimate) / Double(samples)).squareRoot()
            let exact = ehvi.value(mean: mean, standardDeviation: sd)
            #expect(exact > 0.1)
            #expect(abs(exact - estimate) < 4 * standardError)
        }

        @Test func withAnEmptyFrontIsTheProductOfExpectedShortfalls() throws {
            let ehvi = try Self.acquisition(front: [])
            let mean = [3.0, 3.5]
            let sd = [0.5, 1.0]
            let expected =
                sd[0] * StandardNormal.integratedCDF((4 - mean[0]) / sd[0])
                * sd[1] * StandardNormal.integratedCDF((4 - mean[1]) / sd[1])
            #expect(abs(ehvi.value(mean: mean, standardDeviation: sd) - expected) < 1e-14)
        }

        @Test func ignoresObservationsThatAreDominatedOrOutsideTheReferenceBox() throws {
            let plain = try Self.acquisition()
            let cluttered = try Self.acquisition(front: Self.front + [[5, 0.5], [3.5, 3.5], [2, 2], [4, 1]])
            #expect(cluttered.front == [[1, 3], [2, 2], [2, 2], [3, 1]])
            let mean = [1.7, 1.4]
            let sd = [0.4, 0.9]
            #expect(abs(plain.value(mean: mean, standardDeviation: sd) - cluttered.value(mean: mean, standardDeviation: sd)) < 1e-14)
        }

        @Test func partialDerivativesInMeanAndDeviationMatchFiniteDifferences() throws {
            let ehvi = try Self.acquisition()
            let cases: [(mean: [Double], sd: [Double])] = [
                ([2.2, 1.9], [0.6, 0.8]), ([0.5, 3.2], [0.3, 0.2]), ([3.6, 0.4], [0.1, 0.5]), ([1.5, 1.5], [2, 2]),
            ]
            Self.expectPartialsMatchFiniteDifferences(ehvi, cases)
        }

        @Test func gradientInTheInputsMatchesFiniteDifferences() throws {
            let (models, observed, reference) = try Self.models()
            let ehvi = ExpectedHypervolumeImprovement(models: models, observed: observed, reference: reference)
            SurrogateFixtures.expectGradientMatchesFiniteDifferences(
                ehvi, at: SurrogateFixtures.uniformPoints(12, dimension: 2, seed: 5), minimumChecked: 6)
        }

        @Test func searchProposesAnUnmeasuredPointOnTheTradeOff() throws {
            let (models, observed, reference) = try Self.models()
            let ehvi = ExpectedHypervolumeImprovement(models: models, observed: observed, reference: reference)
            let result = GradientSearch.maximize(ehvi, seed: 9)
            #expect(result.best.value > 0)
            #expect(result.best.value >= ehvi.value(at: [0.5, 0.0]))
            // The trade-off lies along x₁ = 0 (f₂ grows with x₁, f₁ changes little there).
            #expect(result.best.point[1] < 0.2)
            let inputs = models[0].inputs
            #expect(result.bestNovel(avoiding: inputs, minimumDistance: 1e-3) != nil)
        }

        // MARK: Three objectives

        /// Five mutually non-dominated points in 3-D and the reference (4, 4, 4).
        static let front3: [[Double]] = [[1, 3, 2], [2, 2, 3], [3, 1, 2.5], [1.5, 2.5, 1], [2.5, 3, 0.5]]
        static let reference3: [Double] = [4, 4, 4]
        static let directions3: [ObjectiveDirection] = [.minimize, .minimize, .minimize]

        @Test func threeObjectivesIsTheExactImprovementWhenCertain() {
            let ehvi = ExpectedHypervolumeImprovement(observed: Self.front3, reference: Self.reference3)
            #expect(ehvi.front.count == 5)
            let hvFront = Hypervolume.volume(Self.front3, reference: Self.reference3, directions: Self.directions3)
            for y in [[0.5, 0.5, 0.5], [1.2, 1.2, 1.2], [3.5, 0.5, 3.5], [2.2, 2.1, 0.2], [0.1, 3.9, 3.9], [2.5, 2.5, 2.5]] {
                let hvWith = Hypervolume.volume(Self.front3 + [y], reference: Self.reference3, directions: Self.directions3)
                let exact = ehvi.value(mean: y, standardDeviation: [0, 0, 0])
                #expect(abs(exact - (hvWith - hvFront)) < 1e-12, "at \(y)")
            }
            // Dominated by (2, 2, 3): no improvement.
            #expect(ehvi.value(mean: [2.5, 2.5, 3.5], standardDeviation: [0, 0, 0]) == 0)
        }

        @Test func threeObjectivesEqualsAMonteCarloEstimateWithinSamplingError() {
            let ehvi = ExpectedHypervolumeImprovement(observed: Self.front3, reference: Self.reference3)
            let hvFront = Hypervolume.volume(Self.front3, reference: Self.reference3, directions: Self.directions3)
            for (mean, sd) in [([2.0, 1.8, 1.5], [0.6, 0.8, 0.5]), ([3.0, 3.0, 3.0], [1.0, 0.4, 1.5])] {
                let samples = 40_000
                let z = (0..<3).map { SurrogateFixtures.normals(samples, seed: UInt64(10 + $0)) }
                var sum = 0.0
                var sumSquares = 0.0
                for i in 0..<samples {
                    let y = (0..<3).map { mean[$0] + sd[$0] * z[$0][i] }
                    let improvement =
                        Hypervolume.volume(Self.front3 + [y], reference: Self.reference3, directions: Self.directions3) - hvFront
                    sum += improvement
                    sumSquares += improvement * improvement
                }
                let estimate = sum / Double(samples)
                let standardError = ((sumSquares / Double(samples) - estimate * estimate) / Double(samples)).squareRoot()
                let exact = ehvi.value(mean: mean, standardDeviation: sd)
                #expect(exact > 0.05)
                #expect(abs(exact - estimate) < 4 * standardError, "exact \(exact), Monte Carlo \(estimate) ± \(standardError)")
            }
        }

        @Test func threeObjectivesWithAnEmptyFrontIsTheProductOfExpectedShortfalls() {
            let ehvi = ExpectedHypervolumeImprovement(observed: [[5, 5, 5]], reference: Self.reference3)
            #expect(ehvi.front.isEmpty)
            let mean = [3.0, 3.5, 2.0]
            let sd = [0.5, 1.0, 0.7]
            let expected = (0..<3).reduce(1.0) { $0 * sd[$1] * StandardNormal.integratedCDF((4 - mean[$1]) / sd[$1]) }
            #expect(abs(ehvi.value(mean: mean, standardDeviation: sd) - expected) < 1e-13)
        }

        @Test func threeObjectivesPartialDerivativesMatchFiniteDifferences() {
            let ehvi = ExpectedHypervolumeImprovement(observed: Self.front3, reference: Self.reference3)
            let cases: [(mean: [Double], sd: [Double])] = [
                ([2.0, 1.8, 1.5], [0.6, 0.8, 0.5]), ([0.5, 3.2, 2.0], [0.3, 0.2, 0.4]), ([3.6, 0.4, 1.0], [0.1, 0.5, 0.9]),
                ([1.5, 1.5, 1.5], [2, 2, 2]),
            ]
            Self.expectPartialsMatchFiniteDifferences(ehvi, cases)
        }

        @Test func threeObjectivesGradientInTheInputsMatchesFiniteDifferences() throws {
            let inputs = SurrogateFixtures.uniformPoints(15, dimension: 2, seed: 77)
            let outputs: [[Double]] = [
                inputs.map { $0[0] + 0.2 * sin(4 * $0[1]) },
                inputs.map { (1 - $0[0]) * (1 - $0[0]) + 0.5 * $0[1] },
                inputs.map { 0.5 * $0[1] * $0[1] - 0.3 * $0[0] },
            ]
            let models = try outputs.enumerated().map {
                try GaussianProcess.fit(inputs: inputs, outputs: $0.element, seed: UInt64($0.offset + 1))
            }
            let observed = inputs.indices.map { i in outputs.map { $0[i] } }
            let reference = outputs.map { $0.max()! + 0.1 }
            let ehvi = ExpectedHypervolumeImprovement(models: models, observed: observed, reference: reference)
            SurrogateFixtures.expectGradientMatchesFiniteDifferences(
                ehvi, at: SurrogateFixtures.uniformPoints(12, dimension: 2, seed: 6), minimumChecked: 6)
        }
    }
}
