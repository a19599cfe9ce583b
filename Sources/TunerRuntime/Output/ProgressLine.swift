import Foundation
import TunerCore

/// The text of the live status line:
/// `trial 3/14 · search · GOGC=25 GOMEMLIMIT=off rep 1 · 4s of ~9s · elapsed 1m12s · ETA 2m30s · last: 5210 ops/s, pause p99 0.412 ms, RSS 61.2 MiB`.
/// Never any escape code: the display adds the `\r` and clear-to-end-of-line around it.
public enum ProgressLine {
    /// The line at `now`, cut to `width` columns (one less, so the cursor never wraps), or nil
    /// between trials (no line is shown then).
    public static func render(_ state: ProgressState, now: Double, width: Int? = nil) -> String? {
        guard let trial = state.current else { return nil }
        let inTrial = now - (state.currentStartedAt ?? now)
        var parts = [
            "trial \(trial.trialIndex + 1)/\(trial.plannedTrials)",
            trial.phase,
            "\(trial.setting) rep \(trial.repeatIndex + 1)",
            "\(duration(inTrial)) of ~\(duration(trial.expectedSeconds))",
            "elapsed \(duration(now - state.startedAt))",
            state.etaSeconds(at: now).map { "ETA \(duration($0))" } ?? "ETA ?",
        ]
        if let last = state.last { parts.append("last: \(lastSample(last))") }
        // A failure reason quotes the service's output: no control character may reach the terminal.
        let line = String(
            String.UnicodeScalarView(
                parts.joined(separator: " · ").unicodeScalars.map {
                    $0.properties.generalCategory == .control ? " " : $0
                }))
        guard let width, width > 1, line.count > width - 1 else { return line }
        return String(line.prefix(width - 2)) + "…"
    }

    /// The last sample in brief: throughput, pause p99 and peak RSS, or why it failed.
    public static func lastSample(_ sample: TrialSample) -> String {
        guard sample.isMeasured, let load = sample.load else {
            return "FAILED (\(sample.outcome.failureReason ?? "unknown"))"
        }
        let unit = load.tool == nil || load.tool == "sync-bench" ? "ops/s" : "/s"
        let p99 = Metric.pauseP99Millis.value(of: sample).map { "\(formatFixed($0, decimals: 3)) ms" } ?? "?"
        let rss = sample.memory.map { ByteSize.human(Double($0.peakBytes)) } ?? "?"
        return "\(formatFixed(load.throughputOpsPerSecond, decimals: 0)) \(unit), pause p99 \(p99), RSS \(rss)"
    }

    /// Whole seconds as `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(max(seconds, 0).rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(pad(total % 60))s" }
        return "\(total / 3600)h\(pad(total % 3600 / 60))m"
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
