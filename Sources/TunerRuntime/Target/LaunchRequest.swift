import Foundation
import TunerCore

/// What to start: a command, its directory, its environment and where its output goes.
public struct LaunchRequest: Sendable {
    /// argv; `executable[0]` is resolved against `workingDirectory`, then PATH.
    public var arguments: [String]
    public var workingDirectory: String
    /// Complete environment of the child.
    public var environment: [String: String]
    /// Files that receive the child's stdout and stderr (created or truncated).
    public var stdoutPath: String
    public var stderrPath: String
    /// What the process is to the study (`server`, `load`, `build`), for records and reaping.
    public var role: String
    /// CPUs to pin the process to (taskset syntax, e.g. `1` or `0,2-3`); nil = any.
    public var cpus: String?
    /// Refuse to start when the output files exist already (trial logs: a trial must never
    /// read a file another trial wrote), instead of truncating them.
    public var exclusiveOutput: Bool
    /// The child writes both its stdout and its stderr to the tuner's own stderr (a tool whose
    /// progress the user watches); `stdoutPath` and `stderrPath` are then not used.
    public var writesToTunerStderr = false

    public init(
        arguments: [String], workingDirectory: String, environment: [String: String],
        stdoutPath: String, stderrPath: String, role: String = "process", cpus: String? = nil,
        exclusiveOutput: Bool = false, writesToTunerStderr: Bool = false
    ) {
        self.writesToTunerStderr = writesToTunerStderr
        self.role = role
        self.cpus = cpus
        self.exclusiveOutput = exclusiveOutput
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }
}
