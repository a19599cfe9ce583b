/// Seeded nonparametric bootstrap (Efron & Tibshirani 1993, percentile method).
public enum Bootstrap {
    /// The percentile-bootstrap confidence interval of `statistic` over `samples`.
    ///
    /// With one sample the interval collapses to the value (and `sampleCount` says so);
    /// with two or more it resamples with replacement `resamples` times.
    /// - Parameters:
    ///   - samples: the per-repeat values (n ≥ 1).
    ///   - statistic: e.g. `Statistics.median`; called on arrays of length n.
    ///   - level: confidence level in (0, 1), default 0.95.
    ///   - resamples: bootstrap replicates, default 2000.
    ///   - seed: makes the interval reproducible.
    /// - Complexity: O(resamples · cost(statistic)).
    public static func interval(
        _ samples: [Double],
        statistic: ([Double]) -> Double? = Statistics.median,
        level: Double = 0.95,
        resamples: Int = 2000,
        seed: UInt64
    ) -> Estimate? {
        guard let point = statistic(samples) else { return nil }
        guard samples.count >= 2 else {
            return Estimate(value: point, lower: point, upper: point, level: level, sampleCount: samples.count)
        }
        var generator = SeededGenerator(seed: seed)
        var replicates = [Double]()
        replicates.reserveCapacity(resamples)
        var resample = [Double](repeating: 0, count: samples.count)
        for _ in 0..<resamples {
            for i in 0..<samples.count {
                resample[i] = samples[Int(generator.next() % UInt64(samples.count))]
            }
            if let value = statistic(resample) { replicates.append(value) }
        }
        replicates.sort()
        let alpha = (1 - level) / 2
        let lower = Statistics.quantile(sorted: replicates, alpha) ?? point
        let upper = Statistics.quantile(sorted: replicates, 1 - alpha) ?? point
        return Estimate(value: point, lower: lower, upper: upper, level: level, sampleCount: samples.count)
    }
}
