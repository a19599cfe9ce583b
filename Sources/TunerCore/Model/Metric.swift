/// A figure of merit read from one measured trial. Names are the spec's keys.
public enum Metric: String, Sendable, Codable, CaseIterable {
    /// Median stop-the-world pause in the window, ms (0 when no GC ran).
    case pauseP50Millis = "pause_p50_ms"
    /// 99th-percentile stop-the-world pause in the window, ms (0 when no GC ran).
    case pauseP99Millis = "pause_p99_ms"
    /// Longest stop-the-world pause in the window, ms.
    case pauseMaxMillis = "pause_max_ms"
    /// Total pause per second of window, ms/s.
    case pauseMillisPerSecond = "pause_ms_per_s"
    /// Load throughput, operations per second.
    case throughputOpsPerSecond = "throughput_ops_per_sec"
    case latencyP50Millis = "latency_p50_ms"
    case latencyP99Millis = "latency_p99_ms"
    case latencyMaxMillis = "latency_max_ms"
    /// Peak resident set size of the server, bytes.
    case rssPeakBytes = "rss_peak"
    /// RSS change from the window's start to its end, percent of its start (after start-up,
    /// mostly the heap filling to its goal: not a leak signal).
    case rssGrowthPercent = "rss_growth_pct"
    /// RSS trend over the second half of the window, percent of its mean per minute (see
    /// `MemoryObservation.steadyTrendPercentPerMinute`).
    case rssTrendPercentPerMinute = "rss_trend_pct_per_min"
    /// GC cycles in the window.
    case gcCount = "gc_count"
    /// GC CPU share of available CPU in the window, percent.
    case gcCPUPercent = "gc_cpu_pct"
    /// The service's CPU (user + system, every process of its group) over the measured window
    /// per operation of the window, microseconds: what a setting costs in cores, precise where
    /// throughput is noisy, and the figure an open-loop service can move at all.
    case cpuPerOpMicros = "cpu_per_op_us"
    /// The GC's share of the service's CPU over the measured window, percent (``ServiceCPU``).
    case gcCPUSharePercent = "gc_cpu_share_pct"
    /// The largest live heap a GC cycle marked in the window, bytes (gctrace): what a
    /// GOMEMLIMIT must leave room above.
    case liveHeapPeakBytes = "live_heap_peak"

    /// The direction that is better when the metric is an objective.
    public var naturalDirection: ObjectiveDirection {
        self == .throughputOpsPerSecond ? .maximize : .minimize
    }

    /// Whether values are byte counts (spec values may then use Go's size syntax).
    public var isBytes: Bool { self == .rssPeakBytes || self == .liveHeapPeakBytes }

    /// Column heading / label with its unit.
    public var label: String {
        switch self {
        case .pauseP50Millis: return "pause p50 (ms)"
        case .pauseP99Millis: return "pause p99 (ms)"
        case .pauseMaxMillis: return "pause max (ms)"
        case .pauseMillisPerSecond: return "pause (ms/s)"
        case .throughputOpsPerSecond: return "throughput (ops/s)"
        case .latencyP50Millis: return "latency p50 (ms)"
        case .latencyP99Millis: return "latency p99 (ms)"
        case .latencyMaxMillis: return "latency max (ms)"
        case .rssPeakBytes: return "peak RSS"
        case .rssGrowthPercent: return "RSS change over the window (%)"
        case .rssTrendPercentPerMinute: return "RSS trend, 2nd half of the window (%/min)"
        case .gcCount: return "GC count"
        case .gcCPUPercent: return "GC CPU (%)"
        case .cpuPerOpMicros: return "CPU per op (µs)"
        case .gcCPUSharePercent: return "GC share of CPU (%)"
        case .liveHeapPeakBytes: return "peak live heap"
        }
    }

    /// The metric's value for a measured trial; nil when the trial has no such figure. On a copy
    /// that ``HostNormalisation`` put on another host's scale, the measured figure times the
    /// factor for this metric.
    public func value(of sample: TrialSample) -> Double? {
        guard let measured = measuredValue(of: sample) else { return nil }
        guard let factor = sample.hostScale?[self] else { return measured }
        return measured * factor
    }

    /// The figure as the trial measured it, whatever scale a copy was put on.
    public func measuredValue(of sample: TrialSample) -> Double? {
        switch self {
        case .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis:
            let p = self == .pauseP50Millis ? 0.5 : (self == .pauseP99Millis ? 0.99 : 1)
            if let pauses = sample.pauses {
                // A summary source (client_golang's go_gc_duration_seconds) has no window quantiles.
                if pauses.count == 0 && pauses.resolution != .summary { return 0 }
                return pauses.quantileMillis(p)?.estimate
            }
            guard let gc = sample.gc else { return nil }
            let pauses = gc.pausesMillis
            if pauses.isEmpty { return 0 }
            return Statistics.quantile(pauses, p)
        case .pauseMillisPerSecond:
            if let pauses = sample.pauses, let seconds = sample.gc?.windowSeconds ?? sample.load?.windowSeconds, seconds > 0 {
                return pauses.totalMillis / seconds
            }
            return sample.gc?.pauseMillisPerSecond
        case .throughputOpsPerSecond: return sample.load?.throughputOpsPerSecond
        case .latencyP50Millis: return sample.load?.latencyP50Millis
        case .latencyP99Millis: return sample.load?.latencyP99Millis
        case .latencyMaxMillis: return sample.load?.latencyMaxMillis
        case .rssPeakBytes: return sample.memory.map { Double($0.peakBytes) }
        case .rssGrowthPercent: return sample.memory.map { $0.growthFraction * 100 }
        case .rssTrendPercentPerMinute: return sample.memory?.steadyTrendPercentPerMinute
        case .gcCount:
            if let cycles = sample.pauses?.gcCycles { return Double(cycles) }
            return sample.gc.map { Double($0.cycles.count) }
        case .gcCPUPercent: return sample.gc?.cpuFraction.map { $0 * 100 }
        case .cpuPerOpMicros:
            guard let cpu = sample.serviceCPU, let operations = sample.load?.operations, operations > 0 else { return nil }
            return cpu.cpuSeconds * 1e6 / Double(operations)
        case .gcCPUSharePercent: return sample.serviceCPU?.gcShare.map { $0 * 100 }
        case .liveHeapPeakBytes: return sample.gc?.cycles.compactMap(\.liveHeapMiB).max().map { Double($0) * 1_048_576 }
        }
    }

    /// The value formatted for a table (bytes as MiB/GiB).
    public func format(_ value: Double) -> String {
        switch self {
        case .rssPeakBytes, .liveHeapPeakBytes: return ByteSize.human(value)
        case .throughputOpsPerSecond: return formatFixed(value, decimals: 0)
        case .gcCount: return formatFixed(value, decimals: 0)
        case .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis:
            return formatFixed(value, decimals: value < 10 ? 3 : 1)
        default: return formatFixed(value, decimals: value < 10 ? 2 : 1)
        }
    }
}
