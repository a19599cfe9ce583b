import Foundation
import TunerCore

/// Everything a trial does to the operating system: start processes in their own group, find
/// free loopback ports, probe readiness. The real one spawns (`PosixLauncher`); the fake one
/// (`FakeLauncher`) starts nothing, so `TrialRunner` and the study can be tested without a
/// process.
public protocol Launcher: Sendable {
    func launch(_ request: LaunchRequest) throws -> RunningProcess
    /// A TCP port on 127.0.0.1 that was free a moment ago.
    func freePort() throws -> Int
    /// One readiness check of `process`, now: true when it passes.
    func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool
    /// The Go build info of an executable (`go version -m`), nil when it is not a Go binary.
    func goBuildInfo(executable: String) -> GoBuildInfo?
    /// The path `launch` would run for `program`: relative to `workingDirectory` when it has a
    /// slash, else found on PATH. Throws `LaunchError` saying which when there is none.
    func resolveExecutable(_ program: String, workingDirectory: String) throws -> String
    /// The start time of process `pid` (clock ticks since boot), which tells it apart from a later
    /// process that reuses its pid; 0 when unknown.
    func startTicks(of pid: Int32) -> Int
    /// Kills a process group that a gone tuner left (``StudyStore/takeLeftovers()``), when it
    /// still runs and is still the recorded one (same start time). Returns whether it killed it.
    func reap(_ leftover: ProcessRecord) -> Bool
    /// Kills every process group this launcher started that still runs (an abort).
    func stopAll()
}

/// Why a launch failed.
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
