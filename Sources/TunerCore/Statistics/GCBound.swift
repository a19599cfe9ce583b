import Foundation

/// What tuning GOGC and GOMEMLIMIT can win at most, known before the search: the GC's share of
/// the service's CPU at the Go default. No setting removes more than all of the collector's
/// work, so no setting returns more than that share of the service's CPU; on a service whose
/// throughput is bound by its CPU, throughput can rise by at most share / (1 − share).
public struct GCBound: Sendable, Equatable {
    /// Mean GC share of the service's CPU over the default's runs, 0...1.
    public var share: Double
    /// 95 % interval of the mean share (Student t over the runs), 0...1.
    public var low: Double
    public var high: Double
    /// Runs the share was measured in.
    public var runs: Int

    /// The bound from the default's per-run shares (0...1); nil with fewer than two.
    public init?(shares: [Double]) {
        guard shares.count >= 2, let mean = Statistics.mean(shares), let sd = Statistics.standardDeviation(shares) else { return nil }
        let half = Statistics.studentT975(degreesOfFreedom: shares.count - 1) * sd / Double(shares.count).squareRoot()
        share = mean
        low = max(mean - half, 0)
        high = min(mean + half, 1)
        runs = shares.count
    }

    /// The largest relative throughput gain any setting can bring on a CPU-bound service, at the
    /// interval's upper end: high / (1 − high).
    public var throughputGainBound: Double { high >= 1 ? .infinity : high / (1 - high) }

    /// The largest relative change of `metric` that removing all GC work could bring (at the
    /// interval's upper end), or nil for a metric the bound says nothing about.
    public func reachableChange(of metric: Metric) -> Double? {
        switch metric {
        case .throughputOpsPerSecond: return throughputGainBound
        case .cpuPerOpMicros: return high
        case .gcCPUSharePercent: return 1
        default: return nil
        }
    }
}
