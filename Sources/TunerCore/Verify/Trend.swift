import Foundation

/// A least-squares linear trend of a series over time with a 95 % interval that accounts for
/// autocorrelation: readings of a soak a few seconds apart are not independent, and the plain
/// OLS interval would be too narrow.
///
/// With residuals `e` of the fit, the lag-1 autocorrelation `ρ = Σ e[t]·e[t−1] / Σ e[t]²`
/// (clamped to [0, 0.99]) gives an effective sample size `n_eff = n·(1 − ρ)/(1 + ρ)` (at least 3),
/// which replaces n in the residual variance and the degrees of freedom (Santer et al. 2000):
/// `s² = Σe² / (n_eff − 2)`, `SE(slope) = s / √Σ(t − t̄)²`, interval `slope ± t₀.₉₇₅(n_eff − 2)·SE`.
public struct Trend: Sendable, Codable, Equatable {
    /// Units of the series per minute, with its interval and `sampleCount` the readings.
    public var perMinute: Estimate
    /// The series' mean over the readings.
    public var mean: Double
    /// The fitted change from the first reading's time to the last's.
    public var rise: Double
    public var lag1Autocorrelation: Double
    public var effectiveSampleCount: Double

    /// The slope per minute as a percentage of the mean (nil when the mean is zero).
    public var percentOfMeanPerMinute: Estimate? {
        guard mean != 0 else { return nil }
        let scale = 100 / abs(mean)
        return Estimate(
            value: perMinute.value * scale, lower: perMinute.lower * scale, upper: perMinute.upper * scale, level: perMinute.level,
            sampleCount: perMinute.sampleCount)
    }

    /// Whether the series rises beyond noise: the interval's lower end above zero.
    public var risesBeyondNoise: Bool { perMinute.lower > 0 }
    /// Set by ``LeakSignal`` when the readings went up in more steps than chance allows.
    public var risesBySteps: Bool? = nil
    /// Either rise.
    public var risesSteadily: Bool { risesBeyondNoise || risesBySteps == true }

    /// The trend of `values` at `seconds` (same length; at least 4 readings at distinct times).
    public static func fit(seconds: [Double], values: [Double]) -> Trend? {
        let n = min(seconds.count, values.count)
        guard n >= 4 else { return nil }
        let t = Array(seconds.prefix(n))
        let y = Array(values.prefix(n))
        let tMean = t.reduce(0, +) / Double(n)
        let yMean = y.reduce(0, +) / Double(n)
        let sxx = t.reduce(0) { $0 + ($1 - tMean) * ($1 - tMean) }
        guard sxx > 0 else { return nil }
        let sxy = zip(t, y).reduce(0) { $0 + ($1.0 - tMean) * ($1.1 - yMean) }
        let slope = sxy / sxx
        let residuals = zip(t, y).map { $0.1 - (yMean + slope * ($0.0 - tMean)) }
        let sse = residuals.reduce(0) { $0 + $1 * $1 }
        var rho = 0.0
        if sse > 0 {
            rho = zip(residuals.dropFirst(), residuals).reduce(0) { $0 + $1.0 * $1.1 } / sse
            rho = min(max(rho, 0), 0.99)
        }
        let effective = max(3, Double(n) * (1 - rho) / (1 + rho))
        let standardError = (sse / (effective - 2)).squareRoot() / sxx.squareRoot()
        let quantile = Statistics.studentT975(degreesOfFreedom: max(1, Int(effective.rounded(.down)) - 2))
        let half = quantile * standardError
        return Trend(
            perMinute: Estimate(value: slope * 60, lower: (slope - half) * 60, upper: (slope + half) * 60, level: 0.95, sampleCount: n),
            mean: yMean, rise: slope * ((t.last ?? 0) - (t.first ?? 0)), lag1Autocorrelation: rho, effectiveSampleCount: effective)
    }
}
