import Foundation
import TunerCore

/// Produces one trial's sample for a setting: by running the service (`TrialRunner`) or by
/// replaying recorded measurements (`ReplayEvaluator`).
public protocol TrialEvaluator: Sendable {
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample
    /// Starts the service once, unmeasured, to read the Go build info of the process that serves
    /// (behind a wrapper command); nil when no process of it is a Go binary, or nothing runs.
    /// - Throws: `TrialFailure` when the service does not start.
    func startOnceForBuildInfo() throws -> (path: String, info: GoBuildInfo)?
}

extension TrialEvaluator {
    /// A replay starts nothing.
    public func startOnceForBuildInfo() throws -> (path: String, info: GoBuildInfo)? { nil }
}
