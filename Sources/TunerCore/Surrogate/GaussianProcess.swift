import Foundation
import LinearAlgebra

// MARK: Notation
//
// Gaussian-process regression with a Matérn-5/2 ARD kernel (Rasmussen & Williams 2006, ch. 2, 4
// and 5). Shapes are rows × columns; vectors are columns. Everything below is in standardised
// output units unless a name says "original".
//
//   n          number of training points
//   d          input dimensions (d ≥ 1); inputs live in the unit box [0, 1]^d
//   P = d + 2  number of hyperparameters
//   X          n × d   training inputs, row i is xᵢ
//   y_orig     n       training outputs in the caller's units
//   m, s       scalars output mean and standard deviation: y = (y_orig − m) / s
//   y          n       standardised outputs
//   θ          P       log-hyperparameters (log ℓ₁, …, log ℓ_d, log σ_f², log σ_n²)
//   ℓ          d       length scales, in unit-box units
//   σ_f²       scalar  signal variance;  σ_n² scalar noise variance (≥ 1e-6)
//   r(x, x')   scalar  r² = Σⱼ (xⱼ − x'ⱼ)² / ℓⱼ²
//   k(x, x')   scalar  σ_f² (1 + √5 r + 5r²/3) exp(−√5 r)
//   K          n × n   Kᵢⱼ = k(xᵢ, xⱼ)
//   ε          scalar  jitter added only if the factorisation needs it (usually 0)
//   C          n × n   K + (σ_n² + ε) I
//   L          n × n   lower Cholesky factor, C = L Lᵀ
//   α          n       C⁻¹ y
//   C⁻¹        n × n   (fitting only, for the gradient)
//   W          n × n   α αᵀ − C⁻¹
//   ∂C/∂θₚ     n × n   derivative of C in one log-hyperparameter
//   Δₚ         n × n   (Δₚ)ᵢⱼ = xᵢₚ − xⱼₚ, the differences along input p (never stored)
//   G          n × n   Gᵢⱼ = (5/3) σ_f² (1 + √5 rᵢⱼ) exp(−√5 rᵢⱼ) = −2 ∂k/∂(r²), so
//                      ∂Kᵢⱼ/∂log ℓₚ = Gᵢⱼ (Δₚ)ᵢⱼ² / ℓₚ²
//
//   x*         d       a query point
//   k*         n       k*ᵢ = k(xᵢ, x*)
//   g*         n       g*ᵢ = G at r(xᵢ, x*)
//   J          n × d   Jᵢₚ = ∂k*ᵢ/∂x*ₚ = −g*ᵢ (x*ₚ − xᵢₚ) / ℓₚ²
//   v          n       L⁻¹ k*
//   w          n       C⁻¹ k* = L⁻ᵀ v
//
// Log marginal likelihood:  log p(y | X, θ) = −½ yᵀα − Σᵢ log Lᵢᵢ − (n/2) log 2π
// Its gradient:             ∂/∂θₚ = ½ tr(W ∂C/∂θₚ)
//   ∂C/∂log σ_f² = K,  ∂C/∂log σ_n² = σ_n² I,  ∂C/∂log ℓₚ = G ∘ Δₚ ∘ Δₚ / ℓₚ²  (∘ elementwise)
// Posterior of the latent f at x*:
//   μ(x*) = k*ᵀ α                ∇μ = Jᵀ α             (d)
//   σ²(x*) = σ_f² − vᵀ v          ∇σ² = −2 Jᵀ w          (d)
// and in original units mean = m + s μ, variance = s² σ², gradients scaled alike.

/// Hyperparameters of a ``GaussianProcess``, in standardised output units (outputs scaled to
/// mean 0 and standard deviation 1) and unit-box input units.
public struct GPHyperparameters: Sendable, Equatable, Codable {
    /// One length scale per input dimension, in unit-box units: how far apart two inputs must be
    /// along that axis before their outputs decorrelate. Large values (≫ 1) mean "this axis
    /// barely matters".
    public var lengthScales: [Double]
    /// σ_f², the prior variance of the latent function (standardised units², ≈ 1 for data that
    /// is mostly signal).
    public var signalVariance: Double
    /// σ_n², the variance of the measurement noise (standardised units²).
    public var noiseVariance: Double

    /// Length scales are kept in this range while fitting (unit-box units).
    public static let lengthScaleRange: ClosedRange<Double> = 1e-2...1e2
    /// Signal variance is kept in this range while fitting (standardised units²).
    public static let signalVarianceRange: ClosedRange<Double> = 1e-2...1e2
    /// Noise variance is kept in this range while fitting; the lower end is the noise floor
    /// that keeps the kernel matrix well conditioned even for repeated inputs.
    public static let noiseVarianceRange: ClosedRange<Double> = 1e-6...1e1

    public init(lengthScales: [Double], signalVariance: Double, noiseVariance: Double) {
        self.lengthScales = lengthScales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
    }

    /// The default starting point of a fit: every ℓ = 1, σ_f² = 1, σ_n² = 0.01.
    public static func standard(dimension: Int) -> GPHyperparameters {
        GPHyperparameters(lengthScales: Array(repeating: 1, count: dimension), signalVariance: 1, noiseVariance: 1e-2)
    }

    /// The number of input dimensions.
    public var dimension: Int { lengthScales.count }

    /// θ = (log ℓ₁, …, log ℓ_d, log σ_f², log σ_n²).
    var logParameters: [Double] {
        lengthScales.map { log($0) } + [log(signalVariance), log(noiseVariance)]
    }

    init(logParameters theta: [Double]) {
        let d = theta.count - 2
        self.init(
            lengthScales: theta[0..<d].map { exp($0) },
            signalVariance: exp(theta[d]),
            noiseVariance: exp(theta[d + 1]))
    }

    /// Lower and upper bounds on θ for `dimension` inputs.
    static func logBounds(dimension d: Int) -> (lower: [Double], upper: [Double]) {
        let lower =
            Array(repeating: log(lengthScaleRange.lowerBound), count: d)
            + [log(signalVarianceRange.lowerBound), log(noiseVarianceRange.lowerBound)]
        let upper =
            Array(repeating: log(lengthScaleRange.upperBound), count: d)
            + [log(signalVarianceRange.upperBound), log(noiseVarianceRange.upperBound)]
        return (lower, upper)
    }
}

/// Weak priors on the hyperparameters: every hyperparameter is log-normal, i.e. each
/// log-hyperparameter θₚ is normal. They keep fits on a handful of points sane (they discourage
/// a tiny length scale that chases noise and an "everything is noise" collapse) and are
/// overwhelmed by the likelihood once there are tens of points.
///
/// Defaults follow BoTorch's (Hvarfner, Hellsten & Nardi 2024, "Vanilla Bayesian optimization
/// performs great in high dimensions"), made for unit-box inputs and standardised outputs, with
/// a narrower length-scale spread:
/// - log ℓⱼ ~ N(√2 + ½ log d, 1.25²): median ℓ ≈ 4.1 (d = 1) to 5.7 (d = 3), so the fit starts
///   from smooth functions and a short length scale has to be earned by the data; ℓ = 0.3 is
///   about 2 and ℓ = 0.1 about 3 standard deviations below the centre. BoTorch uses √3 for the
///   spread; on synthetic noisy data (noise 30–50 % of the signal's amplitude, n = 8–60, d = 1–3)
///   that let 15 of 60 fits explain noise with wiggles (some ℓ < 0.1), against 5 of 60 with 1.25,
///   which also lowered the mean prediction error by 6 %.
/// - log σ_f² ~ N(0, 1): the signal variance of standardised data is near 1.
/// - log σ_n² ~ N(−4, 1): noise around 2 % of the output variance, 13 % at two standard
///   deviations, yet a noisier response remains reachable with enough data (repeated
///   measurements of one setting pin the noise down directly).
///
/// The MAP fit maximises log p(y | X, θ) + log p(θ), a density in θ.
public struct GPPrior: Sendable, Equatable, Codable {
    /// log ℓⱼ has mean `lengthScaleLogOffset + ½ log d`.
    public var lengthScaleLogOffset: Double
    /// Standard deviation of log ℓⱼ.
    public var lengthScaleLogSD: Double
    /// Mean of log σ_f².
    public var signalVarianceLogMean: Double
    /// Standard deviation of log σ_f².
    public var signalVarianceLogSD: Double
    /// Mean of log σ_n².
    public var noiseVarianceLogMean: Double
    /// Standard deviation of log σ_n².
    public var noiseVarianceLogSD: Double

    public init(
        lengthScaleLogOffset: Double = 2.0.squareRoot(), lengthScaleLogSD: Double = 1.25,
        signalVarianceLogMean: Double = 0, signalVarianceLogSD: Double = 1,
        noiseVarianceLogMean: Double = -4, noiseVarianceLogSD: Double = 1
    ) {
        self.lengthScaleLogOffset = lengthScaleLogOffset
        self.lengthScaleLogSD = lengthScaleLogSD
        self.signalVarianceLogMean = signalVarianceLogMean
        self.signalVarianceLogSD = signalVarianceLogSD
        self.noiseVarianceLogMean = noiseVarianceLogMean
        self.noiseVarianceLogSD = noiseVarianceLogSD
    }

    /// The defaults described on the type.
    public static let standard = GPPrior()

    /// log p(θ) (with its normalising constants) and its gradient in θ, P values.
    func logDensity(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let d = theta.count - 2
        var value = 0.0
        var gradient = [Double](repeating: 0, count: theta.count)
        func add(_ p: Int, mean: Double, sd: Double) {
            let z = (theta[p] - mean) / sd
            value += -0.5 * z * z - log(sd) - 0.5 * log(2 * Double.pi)
            gradient[p] = -z / sd
        }
        let lengthMean = lengthScaleLogOffset + 0.5 * log(Double(d))
        for p in 0..<d { add(p, mean: lengthMean, sd: lengthScaleLogSD) }
        add(d, mean: signalVarianceLogMean, sd: signalVarianceLogSD)
        add(d + 1, mean: noiseVarianceLogMean, sd: noiseVarianceLogSD)
        return (value, gradient)
    }
}

/// A Gaussian-process regression model of one scalar response (one objective or constraint)
/// over the unit box: Matérn-5/2 kernel with one length scale per input dimension, learned
/// noise, outputs standardised internally. See the notation block at the top of this file for
/// every matrix and its shape.
///
/// Inputs are points of [0, 1]^d; the caller maps settings into the box (log GOGC, log
/// GOMEMLIMIT, `off` arms). Other finite inputs work, but the priors and length-scale bounds
/// assume the unit box. Outputs are in the caller's units; predictions come back in them too.
///
/// Complexity: fitting O(starts · iterations · n³) (a few hundred n³/3 factorisations at most);
/// each prediction O(n²) (O(n·d) for the mean alone); memory O(n²).
public struct GaussianProcess: Sendable {
    /// Training inputs, n rows of d coordinates (the unit box).
    public let inputs: [[Double]]
    /// Training outputs, n values in the caller's units.
    public let outputs: [Double]
    /// Fitted (or given) hyperparameters, in standardised units.
    public let hyperparameters: GPHyperparameters
    /// The prior the hyperparameters were fitted under.
    public let prior: GPPrior
    /// m: the mean of the outputs, subtracted before modelling (output units).
    public let outputMean: Double
    /// s: the standard deviation of the outputs (n − 1 denominator), divided out before
    /// modelling (output units); 1 when the outputs do not vary.
    public let outputScale: Double
    /// ε: diagonal jitter the factorisation needed beyond the noise (standardised units²); 0
    /// unless the kernel matrix was numerically singular.
    public let jitter: Double

    /// X flattened row-major, n × d.
    let flatInputs: [Double]
    /// L, n × n.
    let factor: Matrix
    /// α = C⁻¹ y, n.
    let alpha: [Double]
    /// log p(y | X, θ) in standardised units.
    let logMarginal: Double

    /// Number of training points, n.
    public var count: Int { outputs.count }
    /// Input dimensions, d.
    public var dimension: Int { hyperparameters.dimension }

    /// The measurement-noise variance σ_n² in the caller's output units².
    public var noiseVariance: Double { hyperparameters.noiseVariance * outputScale * outputScale }

    // MARK: Fitting

    /// Fits the hyperparameters by maximising the log marginal likelihood plus the log prior
    /// (MAP) with analytic gradients, then conditions on the data.
    ///
    /// The optimiser is ``BoundedLBFGS`` on θ inside the bounds of ``GPHyperparameters``, run
    /// from `initialHyperparameters` (if given), from ``GPHyperparameters/standard(dimension:)``,
    /// and from `restarts` random starts drawn from `seed` (log ℓ uniform in [log 0.05, log 5],
    /// log σ_f² in [log 0.3, log 3], log σ_n² in [log 1e-4, log 0.3]); the best optimum wins
    /// (the earliest start on ties). Deterministic for a given seed. Each run stops when every
    /// projected gradient component is below 1e-4 (nats per log-unit) or a step gains less than
    /// 1e-10 relative; tighter tolerances cost 60 % more evaluations at n = 200 and move the
    /// optimum's value by less than 1e-10.
    ///
    /// - Parameters:
    ///   - inputs: n ≥ 1 points of d ≥ 1 finite coordinates each, in the unit box.
    ///   - outputs: n finite values in any units.
    ///   - seed: seeds the random starts.
    ///   - restarts: random starts besides the fixed ones.
    ///   - initialHyperparameters: e.g. the previous fit's, to warm-start a refit.
    ///   - prior: hyperparameter priors.
    /// - Throws: ``SurrogateError`` for bad data, or `.linearAlgebra` if no start gives a
    ///   factorisable kernel matrix.
    /// - Complexity: O((restarts + 2) · iterations · n³), iterations ≤ 200 (typically 15–25 per
    /// start). Measured in release builds on a busy 2-core machine, d = 3, default restarts:
    /// n = 50 about 10 ms, n = 200 about 0.2–0.3 s.
    public static func fit(
        inputs: [[Double]],
        outputs: [Double],
        seed: UInt64,
        restarts: Int = 4,
        initialHyperparameters: GPHyperparameters? = nil,
        prior: GPPrior = .standard
    ) throws(SurrogateError) -> GaussianProcess {
        let data = try TrainingData(inputs: inputs, outputs: outputs)
        let d = data.dimension
        var starts = [[Double]]()
        if let initialHyperparameters {
            guard initialHyperparameters.dimension == d else {
                throw .invalidHyperparameters("\(initialHyperparameters.dimension) length scales for \(d) input dimensions")
            }
            starts.append(initialHyperparameters.logParameters)
        }
        starts.append(GPHyperparameters.standard(dimension: d).logParameters)
        var generator = SeededGenerator(seed: seed)
        func uniform(_ low: Double, _ high: Double) -> Double {
            log(low) + generator.nextUnit() * (log(high) - log(low))
        }
        for _ in 0..<max(restarts, 0) {
            var theta = (0..<d).map { _ in uniform(0.05, 5) }
            theta.append(uniform(0.3, 3))
            theta.append(uniform(1e-4, 0.3))
            starts.append(theta)
        }

        let (lower, upper) = GPHyperparameters.logBounds(dimension: d)
        var best: BoundedLBFGS.Result?
        for start in starts {
            let result = BoundedLBFGS.minimize(
                start: start, lower: lower, upper: upper,
                maxIterations: 200, gradientTolerance: 1e-4, valueTolerance: 1e-10
            ) { theta in
                guard let (value, gradient) = try? negativeLogPosterior(data, theta, prior: prior) else {
                    return (.infinity, [Double](repeating: 0, count: theta.count))
                }
                return (value, gradient)
            }
            if result.value.isFinite, result.value < best?.value ?? .infinity { best = result }
        }
        guard let best else {
            // Report why the standard start cannot be factorised.
            do {
                _ = try evaluate(data, GPHyperparameters.standard(dimension: d).logParameters, gradient: false)
            } catch {
                throw .linearAlgebra(error)
            }
            throw .linearAlgebra(.notPositiveDefinite(order: data.count))
        }
        return try GaussianProcess(data: data, hyperparameters: GPHyperparameters(logParameters: best.point), prior: prior)
    }

    /// Conditions on the data with fixed hyperparameters (no fitting): the posterior for
    /// hyperparameters learned earlier, e.g. after adding one trial. O(n³).
    /// - Parameters:
    ///   - hyperparameters: d length scales > 0, signal variance > 0, noise variance ≥ 0 (the
    ///     bounds of a fit do not apply here; a zero noise relies on jitter for repeated inputs).
    /// - Throws: ``SurrogateError`` for bad data or hyperparameters, `.linearAlgebra` when the
    ///   kernel matrix cannot be factorised even with jitter.
    public init(
        inputs: [[Double]], outputs: [Double], hyperparameters: GPHyperparameters, prior: GPPrior = .standard
    ) throws(SurrogateError) {
        let data = try TrainingData(inputs: inputs, outputs: outputs)
        guard hyperparameters.dimension == data.dimension else {
            throw .invalidHyperparameters("\(hyperparameters.dimension) length scales for \(data.dimension) input dimensions")
        }
        guard hyperparameters.lengthScales.allSatisfy({ $0 > 0 && $0.isFinite }),
            hyperparameters.signalVariance > 0, hyperparameters.signalVariance.isFinite,
            hyperparameters.noiseVariance >= 0, hyperparameters.noiseVariance.isFinite
        else {
            throw .invalidHyperparameters("length scales and signal variance must be positive, noise variance non-negative")
        }
        try self.init(data: data, hyperparameters: hyperparameters, prior: prior)
    }

    private init(data: TrainingData, hyperparameters: GPHyperparameters, prior: GPPrior) throws(SurrogateError) {
        let evaluation: Evaluation
        do {
            evaluation = try Self.evaluate(data, hyperparameters: hyperparameters, gradient: false)
        } catch {
            throw .linearAlgebra(error)
        }
        self.inputs = data.inputs
        self.outputs = data.outputs
        self.hyperparameters = hyperparameters
        self.prior = prior
        self.outputMean = data.outputMean
        self.outputScale = data.outputScale
        self.jitter = evaluation.jitter
        self.flatInputs = data.flatInputs
        self.factor = evaluation.factor
        self.alpha = evaluation.alpha
        self.logMarginal = evaluation.logMarginalLikelihood
    }

    /// log p(y | X, θ) at the model's hyperparameters, for the standardised outputs y (nats).
    /// For the original outputs subtract n · log(``outputScale``).
    public func logMarginalLikelihood() -> Double {
        logMarginal
    }

    // MARK: Prediction

    /// The posterior at `x` in the caller's output units. O(n²).
    /// - Parameters:
    ///   - x: d coordinates (the unit box).
    ///   - includingNoise: add the noise variance σ_n², giving the variance of a new
    ///     measurement rather than of the underlying response.
    /// - Returns: the posterior mean and variance (output units and units²). The variance is
    ///   never negative.
    public func predict(_ x: [Double], includingNoise: Bool = false) -> (mean: Double, variance: Double) {
        let posterior = latentPosterior(x, gradient: false)
        let variance = posterior.variance * outputScale * outputScale + (includingNoise ? noiseVariance : 0)
        return (outputMean + outputScale * posterior.mean, variance)
    }

    /// The posterior covariance of the latent response at `a` and `b` (noise excluded), in the
    /// caller's output units²: k(a, b) − k(a, X) C⁻¹ k(X, b) = k(a, b) − (L⁻¹k_a)·(L⁻¹k_b).
    /// With ``predict(_:includingNoise:)``'s variances it gives the variance of a difference,
    /// Var[f(a) − f(b)] = Var f(a) + Var f(b) − 2 Cov. O(n²).
    public func posteriorCovariance(_ a: [Double], _ b: [Double]) -> Double {
        let d = dimension
        precondition(a.count == d && b.count == d, "query points need \(d) coordinates")
        let inverseSquaredLengths = hyperparameters.lengthScales.map { 1 / ($0 * $0) }
        let sf2 = hyperparameters.signalVariance
        func kernel(_ x: [Double], _ y: [Double]) -> Double {
            var r2 = 0.0
            for p in 0..<d { r2 += (x[p] - y[p]) * (x[p] - y[p]) * inverseSquaredLengths[p] }
            return Matern52.value(squaredDistance: r2, signalVariance: sf2).k
        }
        let n = count
        var ka = [Double](repeating: 0, count: n)
        var kb = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let row = Array(flatInputs[(i * d)..<(i * d + d)])
            ka[i] = kernel(a, row)
            kb[i] = kernel(b, row)
        }
        // Shapes agree by construction, so the solves cannot throw.
        let va = try! factor.solveTriangular(Matrix(column: ka)).storage
        let vb = try! factor.solveTriangular(Matrix(column: kb)).storage
        var explained = 0.0
        for i in 0..<n { explained += va[i] * vb[i] }
        return (kernel(a, b) - explained) * outputScale * outputScale
    }

    /// The posterior mean and variance of the latent response at `x` with their gradients in
    /// x, in the caller's output units (gradients in output units per unit-box unit). The
    /// variance is that of the response, without noise. O(n² + n·d).
    /// - Returns: mean, variance, and d-vectors ∂mean/∂x and ∂variance/∂x. Where the variance
    ///   had to be floored at 0 its gradient is 0.
    public func predictWithGradient(
        _ x: [Double]
    ) -> (mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double]) {
        let posterior = latentPosterior(x, gradient: true)
        let s = outputScale
        return (
            outputMean + s * posterior.mean,
            posterior.variance * s * s,
            posterior.meanGradient.map { $0 * s },
            posterior.varianceGradient.map { $0 * s * s }
        )
    }

    /// Posterior in standardised units; gradients only when asked.
    private func latentPosterior(
        _ x: [Double], gradient: Bool
    ) -> (mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double]) {
        let n = count
        let d = dimension
        precondition(x.count == d, "query point has \(x.count) coordinates, the model has \(d) inputs")
        let inverseSquaredLengths = hyperparameters.lengthScales.map { 1 / ($0 * $0) }
        let sf2 = hyperparameters.signalVariance
        var kStar = [Double](repeating: 0, count: n)
        // Gᵢ(x*) and the differences x* − xᵢ, for J.
        var g = [Double](repeating: 0, count: gradient ? n : 0)
        flatInputs.withUnsafeBufferPointer { xs in
            for i in 0..<n {
                var r2 = 0.0
                for p in 0..<d {
                    let delta = x[p] - xs[i * d + p]
                    r2 += delta * delta * inverseSquaredLengths[p]
                }
                let (k, dk) = Matern52.value(squaredDistance: r2, signalVariance: sf2)
                kStar[i] = k
                if gradient { g[i] = dk }
            }
        }
        var mean = 0.0
        for i in 0..<n { mean += kStar[i] * alpha[i] }
        // v = L⁻¹ k*. Shapes agree by construction, so the solves cannot throw.
        let v = try! factor.solveTriangular(Matrix(column: kStar)).storage
        var explained = 0.0
        for i in 0..<n { explained += v[i] * v[i] }
        let rawVariance = sf2 - explained
        let variance = max(rawVariance, 0)
        guard gradient else { return (mean, variance, [], []) }

        let w = try! factor.solveTriangular(Matrix(column: v), transpose: true).storage
        var meanGradient = [Double](repeating: 0, count: d)
        var varianceGradient = [Double](repeating: 0, count: d)
        flatInputs.withUnsafeBufferPointer { xs in
            for i in 0..<n {
                for p in 0..<d {
                    let jip = -g[i] * (x[p] - xs[i * d + p]) * inverseSquaredLengths[p]
                    meanGradient[p] += jip * alpha[i]
                    varianceGradient[p] -= 2 * jip * w[i]
                }
            }
        }
        if rawVariance <= 0 { varianceGradient = [Double](repeating: 0, count: d) }
        return (mean, variance, meanGradient, varianceGradient)
    }

    // MARK: Likelihood

    /// Validated, standardised training data.
    struct TrainingData {
        let inputs: [[Double]]
        let outputs: [Double]
        let flatInputs: [Double]
        let standardizedOutputs: [Double]
        let outputMean: Double
        let outputScale: Double
        var count: Int { outputs.count }
        let dimension: Int

        init(inputs: [[Double]], outputs: [Double]) throws(SurrogateError) {
            guard !inputs.isEmpty else { throw .noObservations }
            guard inputs.count == outputs.count else {
                throw .mismatchedCounts(inputs: inputs.count, outputs: outputs.count)
            }
            let d = inputs[0].count
            for (i, point) in inputs.enumerated() {
                guard point.count == d, d >= 1 else {
                    throw .inconsistentDimension(point: i, expected: max(d, 1), found: point.count)
                }
                guard point.allSatisfy(\.isFinite) else { throw .nonFiniteInput(point: i) }
            }
            for (i, value) in outputs.enumerated() where !value.isFinite {
                throw .nonFiniteOutput(point: i)
            }
            let mean = outputs.reduce(0, +) / Double(outputs.count)
            var scale = 1.0
            if outputs.count >= 2 {
                let squares = outputs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                let sd = (squares / Double(outputs.count - 1)).squareRoot()
                if sd > 1e-12 * max(1, abs(mean)) { scale = sd }
            }
            self.inputs = inputs
            self.outputs = outputs
            self.flatInputs = inputs.flatMap { $0 }
            self.standardizedOutputs = outputs.map { ($0 - mean) / scale }
            self.outputMean = mean
            self.outputScale = scale
            self.dimension = d
        }
    }

    /// The likelihood and, optionally, its gradient at θ.
    struct Evaluation {
        /// log p(y | X, θ), nats.
        var logMarginalLikelihood: Double
        /// ∂ log p / ∂θ, P values (empty unless asked for).
        var gradient: [Double]
        var factor: Matrix
        var alpha: [Double]
        var jitter: Double
    }

    static func evaluate(_ data: TrainingData, _ theta: [Double], gradient: Bool) throws(LinearAlgebraError) -> Evaluation {
        try evaluate(data, hyperparameters: GPHyperparameters(logParameters: theta), gradient: gradient)
    }

    /// Builds K and G, factorises C, and forms the likelihood and its gradient (see the notation
    /// block). O(n³) with the gradient (factorisation and inverse), O(n³/3) without.
    static func evaluate(
        _ data: TrainingData, hyperparameters: GPHyperparameters, gradient: Bool
    ) throws(LinearAlgebraError) -> Evaluation {
        let n = data.count
        let d = data.dimension
        let inverseSquaredLengths = hyperparameters.lengthScales.map { 1 / ($0 * $0) }
        let sf2 = hyperparameters.signalVariance
        let noise = hyperparameters.noiseVariance
        // K and G, row-major n × n, filled through raw pointers: this loop is a third of a
        // likelihood evaluation at n = 200, and subscripting a Matrix costs twice as much.
        var kernel = [Double](repeating: 0, count: n * n)
        var g = [Double](repeating: 0, count: gradient ? n * n : 0)
        data.flatInputs.withUnsafeBufferPointer { xs in
            kernel.withUnsafeMutableBufferPointer { k in
                g.withUnsafeMutableBufferPointer { gs in
                    for i in 0..<n {
                        k[i * n + i] = sf2
                        if gradient { gs[i * n + i] = 5.0 / 3.0 * sf2 }
                        for j in 0..<i {
                            var r2 = 0.0
                            for p in 0..<d {
                                let delta = xs[i * d + p] - xs[j * d + p]
                                r2 += delta * delta * inverseSquaredLengths[p]
                            }
                            let (kij, gij) = Matern52.value(squaredDistance: r2, signalVariance: sf2)
                            k[i * n + j] = kij
                            k[j * n + i] = kij
                            if gradient { gs[i * n + j] = gij }
                        }
                    }
                }
            }
        }
        var covarianceElements = kernel
        for i in 0..<n { covarianceElements[i * n + i] += noise }
        let covariance = Matrix(rows: n, columns: n, rowMajor: covarianceElements)
        let (factor, jitter) = try covariance.choleskyWithJitter()
        let y = data.standardizedOutputs
        let alpha = try Matrix.choleskySolve(lowerFactor: factor, vector: y)
        var fit = 0.0
        for i in 0..<n { fit += y[i] * alpha[i] }
        let logMarginal =
            -0.5 * fit - 0.5 * Matrix.logDeterminantFromCholesky(lowerFactor: factor)
            - 0.5 * Double(n) * log(2 * Double.pi)
        guard gradient else {
            return Evaluation(logMarginalLikelihood: logMarginal, gradient: [], factor: factor, alpha: alpha, jitter: jitter)
        }

        // W = α αᵀ − C⁻¹, then ½ tr(W ∂C/∂θₚ) for each p using symmetry (pairs i > j twice).
        let inverse = try Matrix.choleskyInverse(lowerFactor: factor)
        var grad = [Double](repeating: 0, count: d + 2)
        var signalTerm = 0.0
        var noiseTrace = 0.0
        data.flatInputs.withUnsafeBufferPointer { xs in
            inverse.storage.withUnsafeBufferPointer { cInv in
                kernel.withUnsafeBufferPointer { k in
                    for i in 0..<n {
                        let wii = alpha[i] * alpha[i] - cInv[i * n + i]
                        noiseTrace += wii
                        signalTerm += 0.5 * wii * sf2
                        for j in 0..<i {
                            let wij = alpha[i] * alpha[j] - cInv[i * n + j]
                            signalTerm += wij * k[i * n + j]
                            let weighted = wij * g[i * n + j]
                            for p in 0..<d {
                                let delta = xs[i * d + p] - xs[j * d + p]
                                grad[p] += weighted * delta * delta * inverseSquaredLengths[p]
                            }
                        }
                    }
                }
            }
        }
        grad[d] = signalTerm
        grad[d + 1] = 0.5 * noise * noiseTrace
        return Evaluation(logMarginalLikelihood: logMarginal, gradient: grad, factor: factor, alpha: alpha, jitter: jitter)
    }

    /// −(log p(y | X, θ) + log p(θ)) and its gradient: the quantity the fit minimises.
    static func negativeLogPosterior(
        _ data: TrainingData, _ theta: [Double], prior: GPPrior
    ) throws(LinearAlgebraError) -> (value: Double, gradient: [Double]) {
        let evaluation = try evaluate(data, theta, gradient: true)
        let (logPrior, priorGradient) = prior.logDensity(theta)
        let value = -(evaluation.logMarginalLikelihood + logPrior)
        let gradient = zip(evaluation.gradient, priorGradient).map { -($0 + $1) }
        return (value, gradient)
    }
}

/// The Matérn-5/2 kernel as a function of the scaled squared distance r².
enum Matern52 {
    /// k = σ_f² (1 + √5 r + 5r²/3) e^{−√5 r} and G = (5/3) σ_f² (1 + √5 r) e^{−√5 r}, where
    /// ∂k/∂(r²) = −G/2. Both are smooth at r = 0 (G(0) = 5σ_f²/3).
    @inline(__always)
    static func value(squaredDistance r2: Double, signalVariance sf2: Double) -> (k: Double, g: Double) {
        let sqrt5r = (5 * r2).squareRoot()
        let e = exp(-sqrt5r)
        let k = sf2 * (1 + sqrt5r + 5.0 / 3.0 * r2) * e
        let g = 5.0 / 3.0 * sf2 * (1 + sqrt5r) * e
        return (k, g)
    }
}
