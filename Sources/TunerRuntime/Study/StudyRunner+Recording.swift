import Foundation
import TunerCore

/// Running one trial and making it durable: the store first, then the exports, then the
/// failure policy.
extension StudyRunner {
    /// Runs one trial, records it in the store before anything else happens, renders the
    /// exports, reports it, and applies the failure policy.
    @discardableResult
    func runOne(_ setting: GCSetting, repeatIndex: Int, index: Int, total: Int, phase: String, _ state: inout RunState) throws
        -> TrialSample
    {
        let seed = spec.seed &+ UInt64(index) &* 7919
        try store.begin(trialIndex: index, setting: setting, repeatIndex: repeatIndex, phase: phase)
        recordingLauncher?.setCurrentTrial((setting, repeatIndex))
        events(
            .trialStarted(
                TrialStart(
                    trialIndex: index, plannedTrials: plannedTrials(phase: phase, total: total, state),
                    setting: setting, repeatIndex: repeatIndex, phase: phase,
                    expectedSeconds: expectedTrialSeconds(state))))
        // Confirmation runs are profiled when the spec names the service's pprof (verify.pprof).
        let evaluator = phase.hasPrefix("confirm ") ? (confirmationEvaluator ?? trialRunner) : trialRunner
        var sample = evaluator.run(setting: setting, trialIndex: index, repeatIndex: repeatIndex, seed: seed)
        recordingLauncher?.setCurrentTrial(nil)
        sample.phase = phase
        sample.host = host
        try store.append(sample)
        let isLast = state.samples.allSatisfy { $0.trialIndex < sample.trialIndex }
        let before = state.samples.count
        state.samples.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        let replaced = state.samples.count < before
        state.samples.append(sample)
        exports?.trialRecorded(sample, samples: state.samples, appendable: !replaced && isLast)
        events(.trialFinished(sample, total: total))
        try state.failures.record(sample, samples: state.samples)
        return sample
    }
}
