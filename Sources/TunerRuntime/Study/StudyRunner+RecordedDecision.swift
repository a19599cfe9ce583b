import Foundation
import TunerCore

/// Rebuilding the decision of a study recorded before decisions were stored.
extension StudyRunner {
    /// The decision of a study recorded before decisions were stored: its last recorded
    /// confirmation, analysed again from its trials (the pairs and the seed fix the result).
    /// nil when the study ran no confirmation.
    public static func decisionFromRecordedTrials(_ samples: [TrialSample], spec: StudySpec) -> StudyDecision? {
        let confirmed = samples.sorted { $0.trialIndex < $1.trialIndex }.compactMap { sample -> GCSetting? in
            guard let phase = sample.phase, phase.hasPrefix("confirm "), !sample.setting.isGoDefault else { return nil }
            return sample.setting
        }
        guard let last = confirmed.last, let confirmation = recordedConfirmation(of: last, in: samples, spec: spec) else { return nil }
        return StudyDecision(
            surrogate: nil, confirmation: confirmation, trialCount: samples.count, decidedAtUnixSeconds: 0,
            candidateSource: "rebuilt from the study's recorded confirmation trials (it was run before decisions were stored)")
    }
}
