import Foundation
import TunerCore

/// Produces one trial's sample for a setting: by running the service (`TrialRunner`) or by
/// replaying recorded measurements (`ReplayEvaluator`).
public protocol TrialEvaluator: Sendable {
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample
}
