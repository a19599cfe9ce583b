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

    public init(arguments: [String], workingDirectory: String, environment: [String: String],
                stdoutPath: String, stderrPath: String, role: String = "process", cpus: String? = nil,
                exclusiveOutput: Bool = false) {
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

/// How a process ended.
public enum ProcessExit: Sendable, Equatable, CustomStringConvertible {
    case exited(code: Int32)
    case signalled(signal: Int32)

    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGTERM ? " (SIGTERM)" : "")"
        }
    }

    public var succeeded: Bool { self == .exited(code: 0) }
}

/// A started process, leader of its own process group.
public protocol RunningProcess: AnyObject, Sendable {
    var pid: Int32 { get }
    /// Non-blocking: the exit if the process has ended (it is then reaped), else nil.
    func poll() -> ProcessExit?
    /// Blocks until the process ends or `timeoutSeconds` pass; nil on timeout.
    func wait(timeoutSeconds: Double) -> ProcessExit?
    /// Ends the whole process group: SIGTERM, then SIGKILL after `graceSeconds`. Idempotent.
    @discardableResult
    func stop(graceSeconds: Double) -> ProcessExit
}

/// Starts processes. The real one spawns; tests substitute their own.
public protocol Launcher: Sendable {
    func launch(_ request: LaunchRequest) throws -> RunningProcess
}

/// Why a launch failed.
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
}

/// A launcher that tells the study store about every process group a trial starts, so a
/// later run can reap them if this tuner dies.
public final class RecordingLauncher: Launcher, @unchecked Sendable {
    private let base: Launcher
    private let store: StudyStore
    private let lock = NSLock()
    private var current: (setting: GCSetting, repeatIndex: Int)?

    public init(base: Launcher, store: StudyStore) {
        self.base = base
        self.store = store
    }

    /// The trial whose processes are being started now (nil between trials).
    public func setCurrentTrial(_ trial: (setting: GCSetting, repeatIndex: Int)?) {
        lock.lock(); current = trial; lock.unlock()
    }

    public func launch(_ request: LaunchRequest) throws -> RunningProcess {
        let process = try base.launch(request)
        lock.lock()
        let trial = current
        lock.unlock()
        if let trial {
            try? store.recordProcess(group: process.pid, role: request.role, setting: trial.setting, repeatIndex: trial.repeatIndex)
        }
        return process
    }
}
