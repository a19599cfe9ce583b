import Foundation
import TunerCore

/// The figures the progress display shows: how many trials the study expects and how long the
/// next one should take.
extension StudyRunner {
    /// The study's expected trial count for the progress display: the search budget plus the
    /// confirmation trials; within a confirmation, the trials so far plus the pairs it still runs.
    func plannedTrials(phase: String, total: Int, _ state: RunState) -> Int {
        let confirmTrials = 2 * spec.budget.confirmPairs
        if phase.hasPrefix("confirm") {
            let done = state.samples.filter { $0.phase == phase }.count
            return state.nextIndex + max(confirmTrials - done, 1)
        }
        let search = phase == "search" ? total : trialBudget(sampler())
        return max(search + confirmTrials, state.nextIndex + 1)
    }

    /// Warm-up + window + the median overhead (launch, readiness, stop, parsing) of the trials
    /// recorded so far, or 1 s of overhead before any: what the next trial should take, seconds.
    func expectedTrialSeconds(_ state: RunState) -> Double {
        let load = spec.budget.warmupSeconds + spec.budget.durationSeconds
        let overheads = state.samples.filter(\.isMeasured).map { max($0.wallSeconds - load, 0) }
        return load + (Statistics.median(overheads) ?? 1)
    }
}
