/// Descriptive statistics used across tuner. Pure functions; no I/O.
///
/// Quantiles follow Hyndman & Fan (1996) definition 7, the one NumPy and R use by default:
/// for sorted x[0..<n] and probability p, h = (n-1)·p, and the result interpolates linearly
/// between x[⌊h⌋] and x[⌈h⌉]. The median is the 0.5 quantile.
public enum Statistics {
    /// The 97.5 % quantile of Student's t (a two-sided 95 % interval's multiplier), from the
    /// standard table for 1…30 degrees of freedom and the normal's 1.96 beyond 120.
    public static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        if df < 1 { return .infinity }
        if df <= 30 { return table[df - 1] }
        if df <= 60 { return 2.042 + (2.000 - 2.042) * Double(df - 30) / 30 }
        if df <= 120 { return 2.000 + (1.980 - 2.000) * Double(df - 60) / 60 }
        return 1.960
    }

    /// The p-quantile of `values` (definition 7). `nil` when `values` is empty.
    /// - Parameters:
    ///   - values: any order; NaNs are not allowed.
    ///   - p: in [0, 1].
    /// - Complexity: O(n log n) (sorts a copy).
    public static func quantile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return quantile(sorted: values.sorted(), p)
    }

    /// The p-quantile of already sorted values (ascending). O(1).
    public static func quantile(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        precondition(p >= 0 && p <= 1, "quantile probability \(p) is outside [0, 1]")
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = h - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// The median (0.5 quantile, definition 7). `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        quantile(values, 0.5)
    }

    /// Arithmetic mean. `nil` when empty.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1 denominator). `nil` for fewer than 2 values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let mean = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// Coefficient of variation: sample standard deviation divided by |mean|, a unitless
    /// measure of run-to-run noise (0.05 = 5 %). `nil` for fewer than 2 values or a zero mean.
    public static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard let sd = standardDeviation(values), let mean = mean(values), mean != 0 else {
            return nil
        }
        return sd / abs(mean)
    }
}
