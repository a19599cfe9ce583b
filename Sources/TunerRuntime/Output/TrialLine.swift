import TunerCore

/// The one line a finished trial prints (live, in `tuner show`, and in the run log).
public enum TrialLine {
    /// `[k/total] SETTING rep r: throughput, latency p99, GCs, pause p99, peak RSS, tuner CPU, wall`,
    /// or the failure's reason.
    public static func text(_ sample: TrialSample, total: Int) -> String {
        let head = "[\(sample.trialIndex + 1)/\(total)] \(sample.setting) rep \(sample.repeatIndex + 1)"
        guard sample.isMeasured, let load = sample.load else {
            return "\(head): FAILED: \(sample.outcome.failureReason ?? "unknown")"
        }
        let p99 = Metric.pauseP99Millis.value(of: sample) ?? 0
        let rss = sample.memory.map { ByteSize.human(Double($0.peakBytes)) } ?? "?"
        let gcCount = Metric.gcCount.value(of: sample)
        let cycles = gcCount.map { formatFixed($0, decimals: 0) } ?? "?"
        let unit = load.tool == nil || load.tool == "sync-bench" ? "ops/s" : "/s"
        let noGC = gcCount == 0
        let throughput = formatFixed(load.throughputOpsPerSecond, decimals: 0)
        return "\(head): \(throughput) \(unit), latency p99 \(formatFixed(load.latencyP99Millis, decimals: 1)) ms, "
            + "\(cycles) GCs, pause p99 \(formatFixed(p99, decimals: 3)) ms, peak RSS \(rss), "
            + "tuner CPU \(formatFixed(sample.tunerCPUSeconds, decimals: 3)) s, \(formatFixed(sample.wallSeconds, decimals: 1)) s"
            + (noGC ? " (no GC in the window: pause figures are 0)" : "")
    }
}
