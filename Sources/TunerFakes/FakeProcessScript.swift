import Foundation
import TunerCore
import TunerRuntime

/// What a fake process does, in the order a trial sees it. Times are not simulated: a fake
/// process answers at once, so tests run in microseconds and never race a sleep.
public struct FakeProcessScript: Sendable {
    /// Exits with this status before becoming ready (nil: starts fine).
    public var exitsAtStart: Int32? = nil
    /// Readiness probes that fail before one passes (`Int.max`: never ready).
    public var probesBeforeReady: Int = 0
    /// Text on stderr (e.g. captured gctrace lines) and stdout.
    public var standardError: String = ""
    public var standardOutput: String = ""
    /// RSS readings the memory watch reports, bytes; the first above the cap trips it.
    public var rssBytes: [Int64] = [64 << 20]
    /// Dies by this signal once its `poll` has been asked `diesAfterPolls` times (nil: runs until stopped).
    public var diesBySignal: Int32? = nil
    public var diesAfterPolls: Int = 0
    /// For a load tool: exits with this status after `wait` (0 = success).
    public var exitStatus: Int32 = 0
    public var executablePath: String? = nil
    /// Images of the processes the fake starts under it (a wrapper's child), listener first.
    public var groupExecutablePaths: [String] = []
    /// What successive reads of the group's CPU seconds return; the last repeats (empty: nil).
    public var cpuSecondsReadings: [Double] = []

    public init() {}
}
