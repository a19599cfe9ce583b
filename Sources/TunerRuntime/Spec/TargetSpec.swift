import Foundation
import TunerCore

/// How to build, start, probe and stop the service under test: any program.
public struct TargetSpec: Sendable {
    public var name: String
    /// Working directory for build, server and load, absolute.
    public var workdir: String
    /// Command run once before the first trial (nil: nothing to build).
    public var build: [String]?
    /// Server command; `{port}` and `{port:NAME}` become free loopback ports chosen per trial.
    public var command: [String]
    /// Extra environment for the server (GOGC, GOMEMLIMIT and GODEBUG are tuner's).
    public var environment: [String: String]
    public var readiness: ReadinessProbe
    /// Signal sent to the server's process group to stop it (SIGKILL follows after the grace).
    public var stopSignal: StopSignal = .term
    /// Seconds between the stop signal and SIGKILL when stopping the server's process group.
    public var stopGraceSeconds: Double
    /// Safety cap on server RSS in bytes: a trial above it is stopped and marked failed.
    public var maxRSSBytes: Int64
    /// CPUs the server is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
    /// Where the trial's GC pauses come from (gctrace by default).
    public var pauses: PauseSourceSpec = PauseSourceSpec()

    public init(
        name: String, workdir: String, build: [String]?, command: [String], environment: [String: String],
        readiness: ReadinessProbe, stopGraceSeconds: Double, maxRSSBytes: Int64
    ) {
        self.name = name
        self.workdir = workdir
        self.build = build
        self.command = command
        self.environment = environment
        self.readiness = readiness
        self.stopGraceSeconds = stopGraceSeconds
        self.maxRSSBytes = maxRSSBytes
    }

    /// Port names the server command binds: "" for `{port}`, "monitor" for `{port:monitor}`.
    public var boundPortNames: [String] { PortPlaceholders.names(in: command) }
}
