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
