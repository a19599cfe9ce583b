import Foundation
import TunerCore

/// A trial marked `running`, with the tuner that marked it.
public struct RunningTrial: Sendable {
    public var trialIndex: Int
    public var gogc: String
    public var gomemlimit: String
    public var repeatIndex: Int
    public var owner: StudyOwner
    public var startedAtUnixSeconds: Double
}
