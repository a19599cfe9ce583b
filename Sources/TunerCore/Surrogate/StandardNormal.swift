import Foundation

/// The standard normal distribution's density and distribution function, accurate in the
/// tails (Φ via `erfc`, so Φ(−30) ≈ 4.9e-198 rather than 0 from 1 − Φ(30)).
public enum StandardNormal {
    /// φ(u) = exp(−u²/2) / √(2π).
    @inlinable
    public static func density(_ u: Double) -> Double {
        exp(-0.5 * u * u) * 0.398_942_280_401_432_7
    }

    /// Φ(u) = P(Z ≤ u) = erfc(−u/√2) / 2.
    @inlinable
    public static func cdf(_ u: Double) -> Double {
        0.5 * erfc(-u * 0.707_106_781_186_547_5)
    }

    /// ∫₋∞ᵘ Φ(t) dt = u·Φ(u) + φ(u), the expected positive part E[(u − Z)⁺]; its derivative in
    /// u is Φ(u). The two terms cancel for negative u, which multiplies Φ's relative error by
    /// about u² (measured: 1e-10 at u = −30, against mpmath); `erfc` keeps Φ itself relatively
    /// accurate in the tail. Below u ≈ −38 both terms underflow to 0.
    @inlinable
    public static func integratedCDF(_ u: Double) -> Double {
        max(0, u * cdf(u) + density(u))
    }
}
