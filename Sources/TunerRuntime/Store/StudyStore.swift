import Foundation
import TunerCore

/// Where a study's trials are kept. Each finished trial is durable before the next starts.
///
/// Every running trial and process group carries its owner (host, tuner pid, the pid's start
/// time), so a store shared by several tuners (`PostgresStudyStore`, one study worked on by many
/// machines) reaps and reruns only what a dead owner left. Within one machine, one writer at a
/// time is enforced by `StudyLock` before a local store is opened for writing.
public protocol StudyStore: Sendable {
    /// The tuner process writing through this store.
    var owner: StudyOwner { get }
    /// Marks a trial as running (so a crash leaves a trace that resume can find). `phase` is the
    /// trial's (`search`, `noise-check`, `confirm …`): a shared store keeps it, so workers leave a
    /// deciding run's confirmation trials to that run.
    func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, phase: String?) throws
    /// Remembers a process group the running trial started, for reaping after a crash.
    /// - Parameter startTicks: the group leader's start time (``Launcher/startTicks(of:)``), so a
    ///   reused pid is never taken for it; 0 when unknown.
    func recordProcess(group: Int32, startTicks: Int, role: String, setting: GCSetting, repeatIndex: Int) throws
    /// Records one finished trial durably (replacing its running mark).
    func append(_ sample: TrialSample) throws
    /// Every finished trial, in trial order.
    func samples() throws -> [TrialSample]
    /// Every trial marked running, whoever marked it.
    func runningTrials() throws -> [RunningTrial]
    /// Process groups recorded for running trials: (pgid, role).
    func recordedProcessGroups() throws -> [(group: Int32, role: String)]
    /// Forgets the process records whose owner is gone and returns them, for the launcher to
    /// reap (``Launcher/reap(_:)``); a live owner's records are kept. The store kills nothing.
    func takeLeftovers() throws -> [ProcessRecord]
    /// The spec fingerprint the study was started with (nil for a new study), and its setter.
    func storedFingerprint() throws -> [String: String]?
    func saveFingerprint(_ fingerprint: [String: String]) throws
    /// Whether the study holds any trial at all (finished, failed or running).
    func isEmpty() throws -> Bool
    /// Stores the study's one decision (rule, candidate, confirmation), replacing any earlier one;
    /// every output renders it.
    func saveDecision(_ decision: StudyDecision) throws
    /// The stored decision, or nil when the study has not decided (it stopped before deciding).
    func decision() throws -> StudyDecision?
    /// Records one finished run of `tuner verify` durably. Verification runs are kept apart
    /// from the study's trials: they never enter its frontier or its decision.
    func appendVerificationTrial(_ trial: VerificationTrial) throws
    /// Every recorded verification run, in the order recorded.
    func verificationTrials() throws -> [VerificationTrial]
    /// Stores the verification of the decision, replacing any earlier one.
    func saveVerification(_ verification: Verification) throws
    /// The stored verification, or nil when the decision was not verified.
    func verification() throws -> Verification?
    /// Forgets every verification run and the stored verification (a new decision, `--fresh`).
    func clearVerification() throws
    /// Whether an owner still works on the study: by its pid on this host (a local store's
    /// only kind of owner); a shared store judges an owner on another host by its heartbeat.
    func isAlive(_ owner: StudyOwner) throws -> Bool
}
extension StudyStore {
    public func isAlive(_ owner: StudyOwner) throws -> Bool { owner.isAlive }

    /// Marks a trial as running, its phase unsaid.
    public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws {
        try begin(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, phase: nil)
    }

    /// Trials left running by a tuner that is gone (a live owner's trial is not interrupted).
    public func interruptedTrials() throws -> [RunningTrial] {
        try runningTrials().filter { try !$0.owner.isSameProcess(as: owner) && !isAlive($0.owner) }
    }
}
