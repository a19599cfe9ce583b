import Foundation
import TunerCore

/// The recommendation and its confirmation against the Go default on the real service.
extension StudyRunner {
    /// The candidate to confirm: the surrogate's posterior optimum after a surrogate search,
    /// otherwise the rule's pick among measured settings; then the alternating confirmation runs.
    /// A refuted candidate gets one successor: the best measured setting by the rule, confirmed
    /// the same way, so the setting finally recommended is never a single unconfirmed trial.
    public func recommendAndConfirm(samples: inout [TrialSample], shouldStop: () -> Bool) throws -> StudyDecision {
        if let reason = stoppedBeforeSearch {
            return StudyDecision(
                surrogate: nil, confirmation: nil, trialCount: samples.count, decidedAtUnixSeconds: Date().timeIntervalSince1970,
                keptDefaultBecause: reason)
        }
        let (surrogate, candidate) = spec.candidate(after: samples)
        if let surrogate {
            log("surrogate's choice: \(surrogate.setting) (\(surrogate.explanation))")
            if let region = surrogate.region { log("plateau: \(region.summary)") }
        }
        func decided(_ confirmation: Confirmation?) -> StudyDecision {
            StudyDecision(
                surrogate: surrogate, confirmation: confirmation, trialCount: samples.count,
                decidedAtUnixSeconds: Date().timeIntervalSince1970)
        }
        guard let candidate else { return decided(nil) }
        let confirmation = try confirm(candidate: candidate, samples: &samples, shouldStop: shouldStop)
        if let confirmation, !confirmation.confirmed, !shouldStop(),
            let fallback = report(samples: samples).recommendation?.setting,
            fallback != candidate, !fallback.isGoDefault
        {
            log("confirmation failed (\(confirmation.verdict)); confirming the best measured setting \(fallback) instead")
            if let second = try confirm(candidate: fallback, samples: &samples, shouldStop: shouldStop) {
                return decided(second)
            }
        }
        return decided(confirmation)
    }

    /// Confirms a recommendation on the real service: the default and the candidate alternate
    /// (default first in each pair) for `budget.confirm` pairs; pairs already recorded by an
    /// earlier run count. Returns the analysis, or nil when there is nothing to confirm.
    public func confirm(candidate: GCSetting, samples: inout [TrialSample], shouldStop: () -> Bool = { false }) throws -> Confirmation? {
        let pairsWanted = spec.budget.confirmPairs
        guard pairsWanted > 0, !candidate.isGoDefault else { return nil }
        var state = RunState(samples: samples)
        let tag = "confirm \(candidate)"
        func confirmTrials(_ setting: GCSetting) -> [TrialSample] {
            // Each confirmation has its own pairs: a later candidate never reuses an earlier
            // candidate's default runs, so every pair was run back to back.
            state.samples.filter { $0.phase == tag && $0.setting == setting }.sorted { $0.trialIndex < $1.trialIndex }
        }
        log("confirmation: \(candidate) against the Go default, \(pairsWanted) alternating pairs (ABAB…)")
        // The line of each trial reads k of the last trial this confirmation plans.
        let plannedTotal = state.nextIndex + max(2 * pairsWanted - confirmTrials(.goDefault).count - confirmTrials(candidate).count, 0)
        while min(confirmTrials(.goDefault).count, confirmTrials(candidate).count) < pairsWanted {
            if shouldStop() { break }
            for setting in [GCSetting.goDefault, candidate]
            where confirmTrials(setting).count < min(confirmTrials(.goDefault).count, confirmTrials(candidate).count) + 1 {
                try runOne(
                    setting, repeatIndex: state.nextRepeat(of: setting), index: state.nextIndex,
                    total: max(plannedTotal, state.nextIndex + 1), phase: tag,
                    &state)
            }
        }
        samples = state.samples.sorted { $0.trialIndex < $1.trialIndex }
        return Self.recordedConfirmation(of: candidate, in: samples, spec: spec)
    }

    /// The analysis of the confirmation pairs of `candidate` recorded in `samples` (phase
    /// `confirm <candidate>`, default and candidate alternating), or nil when none finished.
    public static func recordedConfirmation(of candidate: GCSetting, in samples: [TrialSample], spec: StudySpec) -> Confirmation? {
        let pairs = recordedPairs(of: candidate, in: samples)
        guard !pairs.isEmpty else { return nil }
        return Confirmation.analyse(
            candidate: candidate, pairs: pairs,
            objectives: spec.objectives.map { ($0.metric, $0.direction) },
            constraints: spec.constraints, decisive: spec.decisiveObjective, test: spec.budget.confirmTest, seed: spec.seed)
    }

    /// The measured (default, candidate) pairs of `candidate`'s confirmation, in the order they
    /// ran: the i-th default trial of phase `confirm <candidate>` with its i-th candidate trial.
    public static func recordedPairs(of candidate: GCSetting, in samples: [TrialSample]) -> [(
        baseline: TrialSample, candidate: TrialSample
    )] {
        let tag = "confirm \(candidate)"
        func confirmTrials(_ setting: GCSetting) -> [TrialSample] {
            samples.filter { $0.phase == tag && $0.setting == setting && $0.isMeasured }.sorted { $0.trialIndex < $1.trialIndex }
        }
        return zip(confirmTrials(.goDefault), confirmTrials(candidate)).map { ($0.0, $0.1) }
    }
}
