import Foundation
import Testing

@testable import TunerCore

extension SurrogateTests {
    @Suite struct ProbabilityOfFeasibilityTests {
        @Test(arguments: [
            // (mean, sd, bound, expected)
            (0.0, 1.0, ProbabilityOfFeasibility.Bound.atMost(0), 0.5),
            (-50.0, 1.0, .atMost(0), 1.0),
            (50.0, 1.0, .atMost(0), 0.0),
            (0.0, 1.0, .atMost(1.959963984540054), 0.975),
            (2.0, 0.0, .atMost(2), 1.0),
            (2.0 + 1e-12, 0.0, .atMost(2), 0.0),
            (1.0, 1e-300, .atMost(2), 1.0),
            (-1.0, .infinity, .atMost(0), 0.5),
            (5.0, 1.0, .atLeast(5), 0.5),
            (50.0, 1.0, .atLeast(0), 1.0),
            (-50.0, 1.0, .atLeast(0), 0.0),
            (3.0, 0.0, .atLeast(3), 1.0),
        ])
        func probabilityBehavesAtTheLimits(mean: Double, sd: Double, bound: ProbabilityOfFeasibility.Bound, expected: Double) {
            let p = ProbabilityOfFeasibility.probability(mean: mean, standardDeviation: sd, bound: bound)
            #expect(abs(p - expected) < 1e-9)
        }

        @Test func followsTheConstraintModelAndItsGradientMatchesFiniteDifferences() throws {
            // g(x) = 2x on [0, 1] measured with noise 0.1; feasible when g ≤ 1, i.e. x ≤ 0.5.
            let inputs = stride(from: 0.0, through: 1.0, by: 0.05).map { [$0] }
            let noise = SurrogateFixtures.normals(inputs.count, seed: 4)
            let model = try GaussianProcess.fit(inputs: inputs, outputs: zip(inputs, noise).map { 2 * $0[0] + 0.1 * $1 }, seed: 3)
            let atMost = ProbabilityOfFeasibility(model: model, bound: .atMost(1))
            let atLeast = ProbabilityOfFeasibility(model: model, bound: .atLeast(1))
            #expect(atMost.value(at: [0.05]) > 0.999)
            #expect(atMost.value(at: [0.95]) < 0.001)
            #expect(atMost.value(at: [0.3]) > atMost.value(at: [0.5]))
            #expect(atMost.value(at: [0.5]) > atMost.value(at: [0.7]))
            #expect(abs(atMost.value(at: [0.3]) + atLeast.value(at: [0.3]) - 1) < 1e-12)
            for x in [0.47, 0.52, 0.55, 0.43] {
                for constraint in [atMost, atLeast] {
                    let (value, gradient) = constraint.valueAndGradient(at: [x])
                    #expect(value == constraint.value(at: [x]))
                    let numeric = SurrogateFixtures.derivative(at: x, step: 1e-4) { constraint.value(at: [$0]) }
                    #expect(SurrogateFixtures.relativeError(gradient[0], numeric) < 1e-5, "at \(x)")
                }
            }
        }

        @Test func constrainedAcquisitionIsTheProductAndItsGradientMatchesFiniteDifferences() throws {
            let inputs = SurrogateFixtures.uniformPoints(20, dimension: 2, seed: 61)
            let objective = try GaussianProcess.fit(inputs: inputs, outputs: inputs.map(SurrogateFixtures.smoothFunction), seed: 1)
            let constraint = try GaussianProcess.fit(inputs: inputs, outputs: inputs.map { $0[0] + $0[1] }, seed: 2)
            let ei = ExpectedImprovement(model: objective, incumbent: 0.2)
            let feasible = ProbabilityOfFeasibility(model: constraint, bound: .atMost(1))
            let constrained = ConstrainedAcquisition(base: ei, constraints: [feasible, feasible])
            for x in SurrogateFixtures.uniformPoints(6, dimension: 2, seed: 62) {
                let (value, gradient) = constrained.valueAndGradient(at: x)
                let p = feasible.value(at: x)
                #expect(abs(value - ei.value(at: x) * p * p) <= 1e-15 * max(1, value))
                #expect(abs(constrained.probabilityOfFeasibility(at: x) - p * p) < 1e-15)
                guard value > 1e-8 else { continue }
                let numeric = SurrogateFixtures.gradient(at: x, step: 1e-4) { constrained.value(at: $0) }
                for q in 0..<2 {
                    #expect(SurrogateFixtures.relativeError(gradient[q], numeric[q]) < 1e-5, "∂/∂x\(q) at \(x)")
                }
            }
        }
    }

    @Suite struct ExpectedImprovementTests {
        @Test func isTheShortfallBelowTheIncumbentWhenCertainAndZeroFarAbove() throws {
            let exact = GPHyperparameters(lengthScales: [0.2], signalVariance: 1, noiseVariance: 1e-6)
            let model = try GaussianProcess(inputs: [[0.2], [0.8]], outputs: [1, 3], hyperparameters: exact)
            let ei = ExpectedImprovement(model: model, incumbent: 1)
            #expect(ei.value(at: [0.2]) < 0.01)
            #expect(ei.value(at: [0.5]) > ei.value(at: [0.8]))
            #expect(ExpectedPositivePart.value(2, mean: 0.5, standardDeviation: 0).value == 1.5)
            #expect(ExpectedPositivePart.value(0, mean: 60, standardDeviation: 1).value == 0)
        }

        @Test func gradientMatchesFiniteDifferences() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(20, noise: 0.05, seed: 17)
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1)
            let ei = ExpectedImprovement(model: model, incumbent: outputs.min()!)
            SurrogateFixtures.expectGradientMatchesFiniteDifferences(
                ei, at: SurrogateFixtures.uniformPoints(10, dimension: 2, seed: 18), minimumChecked: 3)
        }
    }

    @Suite struct TchebycheffScalarizationTests {
        static let observations: [[Double]] = [[1, 10, 100], [2, 8, 300], [4, 5, 200], [3, 9, 150]]

        @Test func weightsAreOnTheSimplexAndSeeded() {
            let a = TchebycheffScalarization.random(objectives: Self.observations, seed: 5)
            let b = TchebycheffScalarization.random(objectives: Self.observations, seed: 5)
            let c = TchebycheffScalarization.random(objectives: Self.observations, seed: 6)
            #expect(a == b)
            #expect(a.weights != c.weights)
            #expect(a.weights.allSatisfy { $0 >= 0 })
            #expect(abs(a.weights.reduce(0, +) - 1) < 1e-15)
            #expect(a.ideal == [1, 5, 100])
            #expect(a.nadir == [4, 10, 300])
        }

        @Test func idealScoresZeroAndDominatedPointsScoreWorse() {
            let s = TchebycheffScalarization(weights: [0.2, 0.3, 0.5], ideal: [1, 5, 100], nadir: [4, 10, 300])
            #expect(s([1, 5, 100]) == 0)
            #expect(abs(s([4, 10, 300]) - (0.5 + 0.05)) < 1e-15)
            // Worse in one objective only: the max term may tie, the augmentation term does not.
            #expect(s([2, 6, 150]) < s([2, 6, 160]))
            #expect(s([2, 6, 150]) < s([2.5, 6, 150]))
        }

        @Test func parEGOFitsTheScalarisedObservationsForThreeObjectives() throws {
            let inputs = SurrogateFixtures.uniformPoints(15, dimension: 2, seed: 71)
            let objectives = inputs.map { [$0[0], 1 - $0[0] + $0[1], ($0[0] - 0.5) * ($0[0] - 0.5) + $0[1]] }
            let (acquisition, scalarization) = try ParEGO.acquisition(inputs: inputs, objectives: objectives, seed: 3)
            #expect(acquisition.incumbent == objectives.map { scalarization($0) }.min())
            let result = GradientSearch.maximize(acquisition, seed: 4)
            #expect(result.best.value > 0)
            #expect(result.best.point.allSatisfy { (0...1).contains($0) })
        }
    }
}
