import Foundation
import Testing

@testable import TunerCore

extension SurrogateTests {
    @Suite struct GaussianProcessTests {
        @Test func gradientOfLogMarginalLikelihoodMatchesFiniteDifferences() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(25, noise: 0.1, seed: 11)
            let data = try GaussianProcess.TrainingData(inputs: inputs, outputs: outputs)
            // Away from the optimum, so no component of the gradient is near zero by accident.
            let thetas: [[Double]] = [
                [log(0.3), log(0.7), log(1.5), log(0.05)],
                [log(1.2), log(0.2), log(0.6), log(0.2)],
            ]
            for theta in thetas {
                let analytic = try GaussianProcess.evaluate(data, theta, gradient: true).gradient
                let numeric = SurrogateFixtures.gradient(at: theta) { t in
                    (try? GaussianProcess.evaluate(data, t, gradient: false).logMarginalLikelihood) ?? .nan
                }
                for p in theta.indices {
                    #expect(SurrogateFixtures.relativeError(analytic[p], numeric[p]) < 1e-5, "θ\(p) at \(theta)")
                }
            }
        }

        @Test func gradientOfTheFitObjectiveIncludesThePrior() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(12, noise: 0.1, seed: 5)
            let data = try GaussianProcess.TrainingData(inputs: inputs, outputs: outputs)
            let theta = [log(0.4), log(2.0), log(0.8), log(0.01)]
            let analytic = try GaussianProcess.negativeLogPosterior(data, theta, prior: .standard).gradient
            let numeric = SurrogateFixtures.gradient(at: theta) { t in
                (try? GaussianProcess.negativeLogPosterior(data, t, prior: .standard).value) ?? .nan
            }
            for p in theta.indices {
                #expect(SurrogateFixtures.relativeError(analytic[p], numeric[p]) < 1e-5, "θ\(p)")
            }
        }

        /// 30 points of f(x) = sin(3x₀) + x₁² with noise of standard deviation 0.05; f spans about
        /// [−0.9, 2] on the box. Stated accuracy: RMSE below 0.1 on an 11 × 11 grid that includes the
        /// box's edges and corners (measured: 0.053), and the learned noise within a factor 2 of 0.05.
        @Test func recoversASmoothTwoDimensionalFunctionWithinAStatedError() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(30, noise: 0.05, seed: 2024)
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 7)
            var squared = 0.0
            var count = 0
            for a in 0...10 {
                for b in 0...10 {
                    let x = [Double(a) / 10, Double(b) / 10]
                    let error = model.predict(x).mean - SurrogateFixtures.smoothFunction(x)
                    squared += error * error
                    count += 1
                }
            }
            let rmse = (squared / Double(count)).squareRoot()
            #expect(rmse < 0.1)
            let noiseSD = model.noiseVariance.squareRoot()
            #expect(noiseSD > 0.025 && noiseSD < 0.1)
        }

        @Test func posteriorMeanAndVarianceGradientsMatchFiniteDifferences() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(20, noise: 0.05, seed: 3)
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1)
            let queries = SurrogateFixtures.uniformPoints(6, dimension: 2, seed: 99) + [[0.02, 0.97], [1, 0]]
            for x in queries {
                let analytic = model.predictWithGradient(x)
                let plain = model.predict(x)
                #expect(analytic.mean == plain.mean)
                #expect(analytic.variance == plain.variance)
                let meanNumeric = SurrogateFixtures.gradient(at: x, step: 1e-3) { model.predict($0).mean }
                let varianceNumeric = SurrogateFixtures.gradient(at: x, step: 1e-3) { model.predict($0).variance }
                for p in x.indices {
                    #expect(SurrogateFixtures.relativeError(analytic.meanGradient[p], meanNumeric[p]) < 1e-5, "∂μ/∂x\(p) at \(x)")
                    #expect(SurrogateFixtures.relativeError(analytic.varianceGradient[p], varianceNumeric[p]) < 1e-5, "∂σ²/∂x\(p) at \(x)")
                }
            }
        }

        @Test func posteriorAtTrainingPointsReproducesTheDataWhenNoiseIsSmall() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(20, noise: 0, seed: 8)
            let fitted = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1)
            let spread = fitted.outputScale
            // Noiseless data: the learned noise is small (measured: 3 % of the spread in standard
            // deviation; the prior, centred on 2 % of the variance, resists 0) and the posterior
            // follows the data to within about that noise.
            #expect(fitted.noiseVariance.squareRoot() < 0.05 * spread)
            for (x, y) in zip(inputs, outputs) {
                #expect(abs(fitted.predict(x).mean - y) < 0.02 * spread)
            }
            // With the noise set to 1e-10 the posterior interpolates.
            var exact = fitted.hyperparameters
            exact.noiseVariance = 1e-10
            let interpolating = try GaussianProcess(inputs: inputs, outputs: outputs, hyperparameters: exact)
            for (x, y) in zip(inputs, outputs) {
                let posterior = interpolating.predict(x)
                #expect(abs(posterior.mean - y) < 1e-4 * spread)
                #expect(posterior.variance < 1e-8 * spread * spread)
            }
        }

        @Test func varianceGrowsAwayFromTheDataAndNoiseAddsToIt() throws {
            let inputs = stride(from: 0.0, through: 0.5, by: 0.05).map { [$0] }
            let outputs = inputs.map { sin(6 * $0[0]) }
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 4)
            let near = model.predict([0.25])
            let far = model.predict([1.0])
            #expect(far.variance > 10 * near.variance)
            let noisy = model.predict([0.25], includingNoise: true)
            #expect(abs(noisy.variance - (near.variance + model.noiseVariance)) < 1e-15)
            #expect(noisy.mean == near.mean)
        }

        @Test func sameSeedGivesTheSameFit() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(25, noise: 0.1, seed: 12)
            let first = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 42)
            let second = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 42)
            #expect(first.hyperparameters == second.hyperparameters)
            #expect(first.logMarginalLikelihood() == second.logMarginalLikelihood())
            #expect(first.predict([0.3, 0.6]) == second.predict([0.3, 0.6]))
        }

        @Test func restartsNeverMakeTheFitWorse() throws {
            let (inputs, outputs) = SurrogateFixtures.smoothData(15, noise: 0.1, seed: 21)
            let data = try GaussianProcess.TrainingData(inputs: inputs, outputs: outputs)
            func objective(_ model: GaussianProcess) throws -> Double {
                try GaussianProcess.negativeLogPosterior(data, model.hyperparameters.logParameters, prior: .standard).value
            }
            let single = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1, restarts: 0)
            let many = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1, restarts: 8)
            #expect(try objective(many) <= objective(single) + 1e-9)
        }

        @Test func fittingWithDuplicatedInputsSucceeds() throws {
            // Ten settings measured three times each: the kernel matrix has rank 10 of 30, and only
            // the noise (and, if needed, jitter) makes it invertible.
            let settings = SurrogateFixtures.uniformPoints(10, dimension: 2, seed: 31)
            let inputs = settings + settings + settings
            let noise = SurrogateFixtures.normals(30, seed: 32)
            let outputs = zip(inputs, noise).map { SurrogateFixtures.smoothFunction($0) + 0.1 * $1 }
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 3)
            let noiseSD = model.noiseVariance.squareRoot()
            #expect(noiseSD > 0.05 && noiseSD < 0.2)
            for x in settings {
                let posterior = model.predict(x)
                #expect(posterior.mean.isFinite && posterior.variance.isFinite)
                #expect(abs(posterior.mean - SurrogateFixtures.smoothFunction(x)) < 0.25)
            }
        }

        @Test func conditioningOnDuplicatedInputsWithoutNoiseFallsBackToJitter() throws {
            let inputs = [[0.1, 0.2], [0.5, 0.5], [0.1, 0.2], [0.9, 0.4]]
            let outputs = [1.0, 2, 1, 0]
            let exact = GPHyperparameters(lengthScales: [0.3, 0.3], signalVariance: 1, noiseVariance: 0)
            let model = try GaussianProcess(inputs: inputs, outputs: outputs, hyperparameters: exact)
            #expect(model.jitter > 0)
            #expect(model.jitter <= 1e-4)
            #expect(abs(model.predict([0.1, 0.2]).mean - 1) < 1e-3)
        }

        @Test func oneObservationAndConstantOutputsAreModelled() throws {
            let single = try GaussianProcess.fit(inputs: [[0.5]], outputs: [3.5], seed: 1)
            #expect(abs(single.predict([0.5]).mean - 3.5) < 1e-9)
            #expect(single.predict([0.9]).variance > 0)
            let flat = try GaussianProcess.fit(inputs: [[0.1], [0.4], [0.8]], outputs: [2, 2, 2], seed: 1)
            #expect(flat.outputScale == 1)
            #expect(abs(flat.predict([0.6]).mean - 2) < 1e-9)
        }

        @Test func threeInputDimensionsAreSupported() throws {
            let inputs = SurrogateFixtures.uniformPoints(40, dimension: 3, seed: 77)
            let outputs = inputs.map { $0[0] + 0.5 * $0[1] * $0[1] }
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 2)
            #expect(model.dimension == 3)
            #expect(abs(model.predict([0.5, 0.5, 0.5]).mean - 0.625) < 0.05)
            // The third input is irrelevant, so its length scale should be the longest.
            let scales = model.hyperparameters.lengthScales
            #expect(scales[2] > scales[0] && scales[2] > scales[1])
        }

        @Test(arguments: [
            (inputs: [[Double]](), outputs: [Double](), error: SurrogateError.noObservations),
            (inputs: [[0.1], [0.2]], outputs: [1], error: .mismatchedCounts(inputs: 2, outputs: 1)),
            (inputs: [[0.1], [0.2, 0.3]], outputs: [1, 2], error: .inconsistentDimension(point: 1, expected: 1, found: 2)),
            (inputs: [[], []], outputs: [1, 2], error: .inconsistentDimension(point: 0, expected: 1, found: 0)),
            (inputs: [[0.1], [.nan]], outputs: [1, 2], error: .nonFiniteInput(point: 1)),
            (inputs: [[0.1], [0.2]], outputs: [1, .infinity], error: .nonFiniteOutput(point: 1)),
        ])
        func badDataIsRejectedWithTheOffendingPoint(inputs: [[Double]], outputs: [Double], error: SurrogateError) {
            #expect(throws: error) { try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1) }
        }

        @Test func invalidFixedHyperparametersAreRejected() {
            let wrongDimension = GPHyperparameters(lengthScales: [1, 1], signalVariance: 1, noiseVariance: 0.1)
            #expect(throws: SurrogateError.self) {
                try GaussianProcess(inputs: [[0.1]], outputs: [1], hyperparameters: wrongDimension)
            }
            let negative = GPHyperparameters(lengthScales: [-1], signalVariance: 1, noiseVariance: 0.1)
            #expect(throws: SurrogateError.self) {
                try GaussianProcess(inputs: [[0.1]], outputs: [1], hyperparameters: negative)
            }
        }

        /// Fifty and two hundred noisy points in three dimensions: the fit learns the noise and
        /// predicts held-out points of the smooth function, and the EI search returns a point in
        /// the box. (Speed is not a unit test's business.)
        @Test(arguments: [50, 200])
        func fitOnManyPointsPredictsHeldOutPointsAndEISearchStaysInTheBox(n: Int) throws {
            let inputs = SurrogateFixtures.uniformPoints(n, dimension: 3, seed: UInt64(n))
            let noise = SurrogateFixtures.normals(n, seed: UInt64(n) + 1)
            let truth: ([Double]) -> Double = { SurrogateFixtures.smoothFunction($0) + $0[2] }
            let outputs = zip(inputs, noise).map { truth($0) + 0.1 * $1 }
            let model = try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: 1)
            let heldOut = SurrogateFixtures.uniformPoints(40, dimension: 3, seed: UInt64(n) + 7)
            let squared = heldOut.map { point in pow(model.predict(point).mean - truth(point), 2) }
            let rmse = (squared.reduce(0, +) / Double(squared.count)).squareRoot()
            let spread = Statistics.standardDeviation(heldOut.map(truth)) ?? 1
            #expect(rmse < 0.5 * spread, "held-out RMSE \(rmse) against a spread of \(spread)")
            let acquisition = ExpectedImprovement(model: model, incumbent: outputs.min()!)
            let best = GradientSearch.maximize(acquisition, seed: 1)
            #expect(best.best.point.allSatisfy { (0...1).contains($0) })
            #expect(best.best.value >= 0, "expected improvement is never negative")
        }
    }
}
