import Foundation
import TunerCore

/// One run of a load tool against a started service.
public struct LoadInvocation: Sendable {
    /// The trial's loopback ports by placeholder name ("" for `{port}`).
    public var ports: [String: Int]
    /// How long the tool drives load, seconds.
    public var durationSeconds: Double
    /// The load's random stream.
    public var seed: UInt64
    /// Path prefix for the tool's own output files (`PREFIX.load.stdout`, …); unique per run.
    public var logPrefix: String
    /// false for the warm-up: the same tool, run first and not counted.
    public var measured: Bool

    public init(ports: [String: Int], durationSeconds: Double, seed: UInt64, logPrefix: String, measured: Bool) {
        self.ports = ports
        self.durationSeconds = durationSeconds
        self.seed = seed
        self.logPrefix = logPrefix
        self.measured = measured
    }
}

/// Drives load at a started service: one kind per conformer (sync-bench, wrk, hey, command),
/// made by `LoadDrivers.make`. A trial runs the tool once unmeasured for the warm-up, then once
/// for the measured window; the measured window is the tool's own run.
public protocol LoadDriver: Sendable {
    /// The spec's name for the kind (`sync-bench`, `wrk`, …).
    var kindName: String { get }
    /// Runs the tool once and returns what it measured.
    /// - Throws: `TrialFailure` with a reason a user can act on (naming the spec key).
    func run(_ invocation: LoadInvocation) throws -> LoadResult
}
