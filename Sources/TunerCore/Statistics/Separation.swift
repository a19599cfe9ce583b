import Foundation

/// Whether a metric tells the measured settings apart beyond its run-to-run noise: a one-way
/// analysis of variance over settings (groups = a setting's trials), its F statistic compared
/// with the F of random relabellings of the same trials (a permutation test: exact under the
/// null that every setting draws from one distribution, with no normality assumed; with many
/// settings measured once the within-setting variance comes from the repeated ones alone).
public struct Separation: Sendable, Equatable, Codable {
    public var metric: Metric
    /// Share of relabellings whose F is at least the observed one (with the observed one counted).
    public var pValue: Double
    /// Settings and trials the test used.
    public var settings: Int
    public var trials: Int

    /// Separated beyond the noise at the 5 % level.
    public var separates: Bool { pValue <= 0.05 }

    /// "throughput_ops_per_sec: permutation F-test p = 0.43 over 12 settings, 20 trials".
    public var text: String {
        "\(metric.rawValue): permutation F-test p = \(formatFixed(pValue, decimals: 3)) over \(settings) settings, \(trials) trials"
    }

    /// The test over `groups` (one array of values per setting), or nil when it cannot be run:
    /// fewer than 2 settings, or no setting measured twice (no within-setting variance).
    /// - Parameter resamples: relabellings (999 gives p to ±0.014 near 0.05).
    public static func test(_ metric: Metric, groups: [[Double]], resamples: Int = 999, seed: UInt64) -> Separation? {
        let groups = groups.filter { !$0.isEmpty }
        let values = groups.flatMap { $0 }
        let sizes = groups.map(\.count)
        guard groups.count >= 2, values.count > groups.count else { return nil }
        func fStatistic(_ values: [Double]) -> Double {
            let grand = values.reduce(0, +) / Double(values.count)
            var between = 0.0
            var within = 0.0
            var start = 0
            for size in sizes {
                let slice = values[start..<(start + size)]
                let mean = slice.reduce(0, +) / Double(size)
                between += Double(size) * (mean - grand) * (mean - grand)
                within += slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                start += size
            }
            let k = Double(sizes.count)
            let n = Double(values.count)
            guard within > 0 else { return between > 0 ? .infinity : 0 }
            return (between / (k - 1)) / (within / (n - k))
        }
        let observed = fStatistic(values)
        var generator = SeededGenerator(seed: seed)
        var shuffled = values
        var atLeast = 1
        for _ in 0..<resamples {
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            if fStatistic(shuffled) >= observed { atLeast += 1 }
        }
        return Separation(metric: metric, pValue: Double(atLeast) / Double(resamples + 1), settings: groups.count, trials: values.count)
    }
}
