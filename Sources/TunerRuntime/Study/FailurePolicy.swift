import TunerCore

/// When a study gives up on failing trials: the first three trials all failing (the target or
/// the load is broken, so nothing will measure), or five failures in a row at any point.
struct FailurePolicy {
    /// Failed trials in a row, up to the latest.
    private(set) var consecutiveFailures = 0

    /// Counts `sample` and throws `StudyError.tooManyFailures` when the study must stop.
    /// - Parameter samples: every trial of the study so far, `sample` included.
    mutating func record(_ sample: TrialSample, samples: [TrialSample]) throws {
        consecutiveFailures = sample.isMeasured ? 0 : consecutiveFailures + 1
        let reason = sample.outcome.failureReason ?? ""
        if consecutiveFailures >= 3 && samples.allSatisfy({ !$0.isMeasured }) {
            throw StudyError.tooManyFailures("the first \(consecutiveFailures) trials all failed; last: \(reason)")
        }
        if consecutiveFailures >= 5 {
            throw StudyError.tooManyFailures("\(consecutiveFailures) trials in a row failed; last: \(reason)")
        }
    }
}
