import Foundation
import TunerCore

/// What the live status line knows, built from `StudyEvent`s; no terminal I/O. Times are
/// monotonic seconds (`monotonicSeconds()`), passed in so tests fix the clock.
public struct ProgressState: Sendable, Equatable {
    /// When the display started (the study's elapsed time counts from here).
    public var startedAt: Double
    /// The running trial and when it started; nil between trials.
    public var current: TrialStart?
    public var currentStartedAt: Double?
    /// Trials finished in this run (not earlier runs' trials), the first start and last finish.
    public var finishedTrials = 0
    public var firstTrialStartedAt: Double?
    public var lastFinishedAt: Double?
    /// The last finished trial.
    public var last: TrialSample?

    public init(startedAt: Double) { self.startedAt = startedAt }

    /// Takes one event, seen at `now`.
    public mutating func apply(_ event: StudyEvent, at now: Double) {
        switch event {
        case .trialStarted(let start):
            current = start
            currentStartedAt = now
            if firstTrialStartedAt == nil { firstTrialStartedAt = now }
        case .trialFinished(let sample, _):
            finishedTrials += 1
            lastFinishedAt = now
            last = sample
            current = nil
            currentStartedAt = nil
        case .message, .warning:
            break
        }
    }

    /// Mean wall seconds per trial finished in this run, the work between trials (exports,
    /// the surrogate's fit) included: from the first trial's start to the last one's finish,
    /// over their count. The display's own clock, so it is what the ETA extrapolates.
    public var meanTrialSeconds: Double? {
        guard finishedTrials > 0, let first = firstTrialStartedAt, let last = lastFinishedAt else { return nil }
        return max(last - first, 0) / Double(finishedTrials)
    }

    /// Seconds until the study's planned trials are done: the mean wall time per finished
    /// trial times the trials left, the running one counted as the mean minus what it has
    /// already taken (never below zero). nil before any trial finished, and between trials.
    public func etaSeconds(at now: Double) -> Double? {
        guard let mean = meanTrialSeconds, let current else { return nil }
        let after = max(current.plannedTrials - (current.trialIndex + 1), 0)
        let running = max(mean - (now - (currentStartedAt ?? now)), 0)
        return running + mean * Double(after)
    }
}

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
        let line = String(String.UnicodeScalarView(parts.joined(separator: " · ").unicodeScalars.map {
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
