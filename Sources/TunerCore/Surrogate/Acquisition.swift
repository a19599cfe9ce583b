import Foundation

/// A score over the unit box that says how useful measuring a setting would be; the search
/// (``GradientSearch``) maximises it. Objectives are minimised throughout this file: callers map
/// maximised objectives (e.g. throughput) by negating them before fitting their models.
///
/// Every acquisition works from Gaussian-process posteriors of the latent responses (no noise
/// variance), so measuring a point again is not rewarded for the noise alone.
public protocol AcquisitionFunction: Sendable {
    /// The number of coordinates of a point (d).
    var dimension: Int { get }
    /// The acquisition value at x (d coordinates).
    func value(at x: [Double]) -> Double
    /// The value and its gradient in x (d values).
    func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double])
}

extension AcquisitionFunction {
    public func value(at x: [Double]) -> Double {
        valueAndGradient(at: x).value
    }
}

/// The expected positive part Ψ(z) = E[(z − Y)⁺] of Y ~ N(μ, s²), with its partial derivatives.
///
/// Ψ(z) = s·(u·Φ(u) + φ(u)) with u = (z − μ)/s; ∂Ψ/∂μ = −Φ(u), ∂Ψ/∂s = φ(u), ∂Ψ/∂z = Φ(u).
/// For s = 0 it is max(z − μ, 0). This one function is expected improvement and, integrated over
/// the cells of the non-dominated region, expected hypervolume improvement.
enum ExpectedPositivePart {
    static func value(_ z: Double, mean mu: Double, standardDeviation s: Double) -> (value: Double, dMean: Double, dSD: Double) {
        guard s > 0 else {
            return (max(z - mu, 0), z > mu ? -1 : 0, 0)
        }
        let u = (z - mu) / s
        return (s * StandardNormal.integratedCDF(u), -StandardNormal.cdf(u), StandardNormal.density(u))
    }
}

/// The latent posterior of a model at x as a mean and standard deviation, with gradients.
private func posterior(_ model: GaussianProcess, _ x: [Double]) -> (mean: Double, sd: Double, meanGradient: [Double], sdGradient: [Double]) {
    let p = model.predictWithGradient(x)
    let sd = p.variance.squareRoot()
    // ∇s = ∇σ² / (2s); at s = 0 the variance sits at its floor and has no useful gradient.
    let sdGradient = sd > 0 ? p.varianceGradient.map { $0 / (2 * sd) } : [Double](repeating: 0, count: x.count)
    return (p.mean, sd, p.meanGradient, sdGradient)
}

// MARK: - Expected hypervolume improvement

/// Exact expected hypervolume improvement (EHVI) for two minimised objectives with independent
/// Gaussian posteriors (Emmerich, Giannakoglou & Naujoks 2006; the box-decomposition form of
/// Yang, Emmerich, Deutz & Bäck 2019).
///
/// **Notation.** Reference point r = (r₁, r₂). Front: the k non-dominated observed points
/// strictly better than r in both objectives, sorted so p⁽¹⁾₁ ≤ … ≤ p⁽ᵏ⁾₁ (hence
/// p⁽¹⁾₂ ≥ … ≥ p⁽ᵏ⁾₂). Sentinels p⁽⁰⁾ = (−∞, r₂) and p⁽ᵏ⁺¹⁾₁ = r₁. Posterior at x:
/// Yⱼ ~ N(μⱼ, sⱼ²), independent.
///
/// **Formula.** The part of [−∞, r] not dominated by the front is the union of k + 1 disjoint
/// cells Cᵢ = [p⁽ⁱ⁾₁, p⁽ⁱ⁺¹⁾₁) × (−∞, p⁽ⁱ⁾₂), i = 0…k. A new point Y improves the hypervolume by
/// the area of {z in those cells : Y ≤ z}, so
///
///     EHVI = ∫_cells P(Y₁ ≤ z₁) P(Y₂ ≤ z₂) dz
///          = Σᵢ [Ψ₁(p⁽ⁱ⁺¹⁾₁) − Ψ₁(p⁽ⁱ⁾₁)] · Ψ₂(p⁽ⁱ⁾₂),
///
/// where Ψⱼ(z) = E[(z − Yⱼ)⁺] = sⱼ(uΦ(u) + φ(u)), u = (z − μⱼ)/sⱼ (``ExpectedPositivePart``) and
/// Ψ₁(−∞) = 0. The product form is exact because every cell is a Cartesian product. Units: the
/// product of the two objectives' units, like ``Hypervolume``.
///
/// **Gradient.** ∂Ψ/∂μ = −Φ(u) and ∂Ψ/∂s = φ(u) give ∂EHVI/∂(μⱼ, sⱼ) analytically; the chain
/// rule through the posterior's ∇μⱼ and ∇sⱼ = ∇σⱼ²/(2sⱼ) gives the gradient in x.
///
/// **Complexity.** O(k log k) to build (non-dominated filter and sort), O(k) per evaluation
/// plus two posterior evaluations, O(n²) each.
public struct ExpectedHypervolumeImprovement: AcquisitionFunction {
    /// Posterior models of objective 1 and objective 2 (minimised), over one input space.
    public let models: [GaussianProcess]
    /// r, two values in the objectives' units: only improvement better than r counts. In tuner
    /// typically the Go default's measurement (as in ``Hypervolume/volume(_:baseline:directions:)``).
    public let reference: [Double]
    /// The non-dominated observed points strictly inside the reference box, by ascending
    /// objective 1.
    public let front: [[Double]]

    /// - Parameters:
    ///   - models: two Gaussian processes (objective 1, objective 2), same input dimension.
    ///   - observed: objective vectors of the settings measured so far (each 2 values; dominated
    ///     points and points not better than r are dropped). Posterior means at the measured
    ///     settings are a common, noise-robust choice.
    ///   - reference: r, two values.
    public init(models: [GaussianProcess], observed: [[Double]], reference: [Double]) {
        precondition(models.count == 2, "exact EHVI needs exactly two objective models")
        precondition(models[0].dimension == models[1].dimension, "the objective models have different input dimensions")
        precondition(reference.count == 2, "the reference point needs two values")
        self.models = models
        self.reference = reference
        self.front = Self.front(of: observed, reference: reference)
    }

    public var dimension: Int { models[0].dimension }

    /// The non-dominated points strictly inside the reference box, sorted by objective 1 (then 2).
    static func front(of observed: [[Double]], reference: [Double]) -> [[Double]] {
        let inside = observed.filter { $0.count == 2 && $0[0] < reference[0] && $0[1] < reference[1] }
        guard !inside.isEmpty else { return [] }
        let indices = ParetoFront.nonDominatedIndices(inside, directions: [.minimize, .minimize])
        return indices.map { inside[$0] }.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
    }

    /// EHVI for given posterior means and standard deviations (two values each, objectives'
    /// units), in the product of the objectives' units. O(k).
    public func value(mean: [Double], standardDeviation: [Double]) -> Double {
        valueAndPartials(mean: mean, standardDeviation: standardDeviation).value
    }

    /// EHVI and its partial derivatives in (μ₁, μ₂) and (s₁, s₂). O(k).
    public func valueAndPartials(
        mean: [Double], standardDeviation: [Double]
    ) -> (value: Double, meanPartials: [Double], standardDeviationPartials: [Double]) {
        precondition(mean.count == 2 && standardDeviation.count == 2, "EHVI takes two means and two standard deviations")
        let k = front.count
        var value = 0.0
        var dMean = [0.0, 0.0]
        var dSD = [0.0, 0.0]
        for i in 0...k {
            // Cell i: z₁ in [lower, upper), z₂ below height.
            let upper = i < k ? front[i][0] : reference[0]
            let height = i == 0 ? reference[1] : front[i - 1][1]
            var width = ExpectedPositivePart.value(upper, mean: mean[0], standardDeviation: standardDeviation[0])
            if i > 0 {
                let lower = ExpectedPositivePart.value(front[i - 1][0], mean: mean[0], standardDeviation: standardDeviation[0])
                width = (width.value - lower.value, width.dMean - lower.dMean, width.dSD - lower.dSD)
            }
            let depth = ExpectedPositivePart.value(height, mean: mean[1], standardDeviation: standardDeviation[1])
            value += width.value * depth.value
            dMean[0] += width.dMean * depth.value
            dSD[0] += width.dSD * depth.value
            dMean[1] += width.value * depth.dMean
            dSD[1] += width.value * depth.dSD
        }
        return (max(value, 0), dMean, dSD)
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        let a = posterior(models[0], x)
        let b = posterior(models[1], x)
        let (value, dMean, dSD) = valueAndPartials(mean: [a.mean, b.mean], standardDeviation: [a.sd, b.sd])
        let gradient = x.indices.map { p in
            dMean[0] * a.meanGradient[p] + dSD[0] * a.sdGradient[p]
                + dMean[1] * b.meanGradient[p] + dSD[1] * b.sdGradient[p]
        }
        return (value, gradient)
    }
}

// MARK: - Expected improvement and ParEGO

/// Expected improvement below an incumbent for one minimised response:
/// EI(x) = E[(incumbent − f(x))⁺] = s(uΦ(u) + φ(u)), u = (incumbent − μ)/s (Jones, Schonlau &
/// Welch 1998), in the response's units. With ``TchebycheffScalarization`` this is ParEGO's
/// acquisition. O(n²) per evaluation.
public struct ExpectedImprovement: AcquisitionFunction {
    /// The posterior of the (minimised) response.
    public let model: GaussianProcess
    /// The value to beat, usually the best observed (or best posterior mean), response units.
    public let incumbent: Double

    public init(model: GaussianProcess, incumbent: Double) {
        self.model = model
        self.incumbent = incumbent
    }

    public var dimension: Int { model.dimension }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = posterior(model, x)
        let e = ExpectedPositivePart.value(incumbent, mean: p.mean, standardDeviation: p.sd)
        let gradient = x.indices.map { e.dMean * p.meanGradient[$0] + e.dSD * p.sdGradient[$0] }
        return (e.value, gradient)
    }
}

/// ParEGO's augmented Tchebycheff scalarisation (Knowles 2006) of m minimised objectives:
///
///     f_λ(y) = maxⱼ λⱼ ŷⱼ + ρ Σⱼ λⱼ ŷⱼ,   ŷⱼ = (yⱼ − idealⱼ) / (nadirⱼ − idealⱼ),
///
/// with weights λ on the simplex (λⱼ ≥ 0, Σ λⱼ = 1) and ρ = 0.05. The max term reaches every
/// Pareto-optimal point for some λ, including those in concave parts of the front; the small
/// sum term breaks ties toward non-dominated points. A fresh random λ per proposal spreads the
/// proposals along the front. Unitless (objectives normalised to [0, 1] over the observations).
public struct TchebycheffScalarization: Sendable, Equatable {
    /// λ, m values on the simplex.
    public let weights: [Double]
    /// Per-objective minimum of the observations (objectives' units).
    public let ideal: [Double]
    /// Per-objective maximum of the observations (objectives' units).
    public let nadir: [Double]
    /// ρ, the weight of the augmentation term.
    public let rho: Double

    public init(weights: [Double], ideal: [Double], nadir: [Double], rho: Double = 0.05) {
        precondition(weights.count == ideal.count && ideal.count == nadir.count, "weights, ideal and nadir differ in length")
        self.weights = weights
        self.ideal = ideal
        self.nadir = nadir
        self.rho = rho
    }

    /// Weights drawn uniformly from the simplex (normalised exponential draws, i.e. a flat
    /// Dirichlet) with `seed`, ideal and nadir from the observed objective vectors.
    /// - Parameter objectives: the observations, each m ≥ 1 values (minimised), at least one.
    public static func random(objectives: [[Double]], seed: UInt64, rho: Double = 0.05) -> TchebycheffScalarization {
        precondition(!objectives.isEmpty, "ParEGO needs at least one observation")
        let m = objectives[0].count
        var generator = SeededGenerator(seed: seed)
        let draws = (0..<m).map { _ in -log(1 - generator.nextUnit()) }
        let total = draws.reduce(0, +)
        let weights = total > 0 ? draws.map { $0 / total } : Array(repeating: 1 / Double(m), count: m)
        let ideal = (0..<m).map { j in objectives.map { $0[j] }.min()! }
        let nadir = (0..<m).map { j in objectives.map { $0[j] }.max()! }
        return TchebycheffScalarization(weights: weights, ideal: ideal, nadir: nadir, rho: rho)
    }

    /// f_λ(y) for an objective vector y (m values). An objective on which all observations agree
    /// contributes 0.
    public func callAsFunction(_ y: [Double]) -> Double {
        var largest = -Double.infinity
        var sum = 0.0
        for j in weights.indices {
            let range = nadir[j] - ideal[j]
            let normalized = range > 0 ? (y[j] - ideal[j]) / range : 0
            largest = max(largest, weights[j] * normalized)
            sum += weights[j] * normalized
        }
        return largest + rho * sum
    }
}

/// ParEGO (Knowles 2006) for any number of minimised objectives, meant for three or more where
/// exact EHVI is not implemented: scalarise the observations with a random
/// ``TchebycheffScalarization``, fit one Gaussian process to the scalarised values, and use
/// ``ExpectedImprovement`` below the best scalarised observation.
public enum ParEGO {
    /// - Parameters:
    ///   - inputs: n points in the unit box.
    ///   - objectives: n objective vectors (m values each, minimised).
    ///   - seed: seeds the weights and the GP fit.
    /// - Returns: the acquisition and the scalarisation it used.
    /// - Throws: ``SurrogateError`` from the fit.
    public static func acquisition(
        inputs: [[Double]], objectives: [[Double]], seed: UInt64, restarts: Int = 4
    ) throws(SurrogateError) -> (acquisition: ExpectedImprovement, scalarization: TchebycheffScalarization) {
        guard !objectives.isEmpty else { throw .noObservations }
        let scalarization = TchebycheffScalarization.random(objectives: objectives, seed: seed)
        let values = objectives.map { scalarization($0) }
        let model = try GaussianProcess.fit(inputs: inputs, outputs: values, seed: seed &+ 1, restarts: restarts)
        return (ExpectedImprovement(model: model, incumbent: values.min()!), scalarization)
    }
}

// MARK: - Constraints

/// The probability that a constrained response meets its bound at x, from its Gaussian-process
/// posterior N(μ(x), s(x)²) (Gardner et al. 2014; Gelbart, Snoek & Adams 2014):
/// P(g(x) ≤ b) = Φ((b − μ)/s) or P(g(x) ≥ b) = Φ((μ − b)/s). Unitless, in [0, 1].
public struct ProbabilityOfFeasibility: AcquisitionFunction {
    /// Which side of the bound is feasible.
    public enum Bound: Sendable, Equatable {
        /// g(x) ≤ value, e.g. RSS at most the container limit.
        case atMost(Double)
        /// g(x) ≥ value, e.g. throughput at least a floor.
        case atLeast(Double)
    }

    /// The posterior of the constrained response g.
    public let model: GaussianProcess
    /// The constraint, in g's units.
    public let bound: Bound

    public init(model: GaussianProcess, bound: Bound) {
        self.model = model
        self.bound = bound
    }

    public var dimension: Int { model.dimension }

    /// P(constraint met) for g ~ N(mean, standardDeviation²). With a zero standard deviation it
    /// is 1 when the mean meets the bound (equality included) and 0 otherwise.
    public static func probability(mean: Double, standardDeviation: Double, bound: Bound) -> Double {
        let margin = signedMargin(mean, bound)
        guard standardDeviation > 0 else { return margin >= 0 ? 1 : 0 }
        return StandardNormal.cdf(margin / standardDeviation)
    }

    /// b − μ for `atMost`, μ − b for `atLeast`: positive when the mean is feasible.
    private static func signedMargin(_ mean: Double, _ bound: Bound) -> Double {
        switch bound {
        case .atMost(let b): return b - mean
        case .atLeast(let b): return mean - b
        }
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = posterior(model, x)
        let value = Self.probability(mean: p.mean, standardDeviation: p.sd, bound: bound)
        guard p.sd > 0 else { return (value, [Double](repeating: 0, count: x.count)) }
        // u = margin / s;  ∇u = (±∇μ − u ∇s) / s;  ∇P = φ(u) ∇u.
        let u = Self.signedMargin(p.mean, bound) / p.sd
        let sign: Double = if case .atMost = bound { -1 } else { 1 }
        let density = StandardNormal.density(u)
        let gradient = x.indices.map { q in
            density * (sign * p.meanGradient[q] - u * p.sdGradient[q]) / p.sd
        }
        return (value, gradient)
    }
}

/// An acquisition weighted by the probability of meeting every constraint:
/// a(x) · Πᵢ P(gᵢ(x) meets its bound), constraints modelled independently (Gardner et al. 2014).
/// Units of the base acquisition. O(cost of base + c · n²) for c constraints.
public struct ConstrainedAcquisition: AcquisitionFunction {
    /// The unconstrained acquisition (EHVI, EI, …).
    public let base: any AcquisitionFunction
    /// One probability of feasibility per constraint.
    public let constraints: [ProbabilityOfFeasibility]

    public init(base: any AcquisitionFunction, constraints: [ProbabilityOfFeasibility]) {
        precondition(constraints.allSatisfy { $0.dimension == base.dimension }, "constraint models differ in input dimension")
        self.base = base
        self.constraints = constraints
    }

    public var dimension: Int { base.dimension }

    /// The product of the constraints' probabilities alone (unitless).
    public func probabilityOfFeasibility(at x: [Double]) -> Double {
        constraints.reduce(1) { $0 * $1.value(at: x) }
    }

    public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
        // Product rule over the factors f₀ = base, f₁… = constraints.
        var factors = [base.valueAndGradient(at: x)]
        factors += constraints.map { $0.valueAndGradient(at: x) }
        var value = 1.0
        var gradient = [Double](repeating: 0, count: x.count)
        for factor in factors {
            for q in gradient.indices { gradient[q] = gradient[q] * factor.value + value * factor.gradient[q] }
            value *= factor.value
        }
        return (value, gradient)
    }
}
