import Foundation
import TunerCore

/// A trial about to run, as the progress line shows it.
public struct TrialStart: Sendable, Equatable {
    /// Position in the study, 0-based (the finished line shows `trialIndex + 1`).
    public var trialIndex: Int
    /// Trials the whole study is expected to run, earlier runs' included: the search budget
    /// plus the confirmation pairs still planned. An estimate: a confirmation that is not
    /// needed, or a refuted candidate's successor, changes it.
    public var plannedTrials: Int
    public var setting: GCSetting
    /// Which repeat of this setting, 0-based.
    public var repeatIndex: Int
    /// `noise-check`, `search` or `confirm <candidate>`.
    public var phase: String
    /// Seconds the trial should take: warm-up + measured window + the typical overhead
    /// (start, readiness, stop) of the trials finished so far.
    public var expectedSeconds: Double

    public init(trialIndex: Int, plannedTrials: Int, setting: GCSetting, repeatIndex: Int, phase: String, expectedSeconds: Double) {
        self.trialIndex = trialIndex
        self.plannedTrials = plannedTrials
        self.setting = setting
        self.repeatIndex = repeatIndex
        self.phase = phase
        self.expectedSeconds = expectedSeconds
    }
}
