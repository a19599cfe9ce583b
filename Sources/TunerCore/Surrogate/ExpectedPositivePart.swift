import Foundation

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
func posterior(_ model: any SurrogateModel, _ x: [Double]) -> (mean: Double, sd: Double, meanGradient: [Double], sdGradient: [Double]) {
    let p = model.predictWithGradient(x)
    let sd = p.variance.squareRoot()
    // ∇s = ∇σ² / (2s); at s = 0 the variance sits at its floor and has no useful gradient.
    let sdGradient = sd > 0 ? p.varianceGradient.map { $0 / (2 * sd) } : [Double](repeating: 0, count: x.count)
    return (p.mean, sd, p.meanGradient, sdGradient)
}

// MARK: - Expected hypervolume improvement
