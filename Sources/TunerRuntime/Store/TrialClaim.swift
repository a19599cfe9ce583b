import TunerCore

/// What a worker's claim on a shared study got (``PostgresStudyStore/claimNext(propose:)``).
public enum TrialClaim: Sendable, Equatable {
    /// The trial is this worker's to run. `takenOverFrom` names the dead owner whose trial this
    /// was (it runs again here); `reason` is the sampler's, for a new trial.
    case claimed(trialIndex: Int, setting: GCSetting, repeatIndex: Int, takenOverFrom: StudyOwner?, reason: String = "")
    /// Nothing to claim now, but other workers' trials are running: one may die and come back.
    case wait(reason: String, pending: Int)
    /// The study's search is over: nothing runs and the sampler stops.
    case done(reason: String)
}
