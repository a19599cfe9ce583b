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

    public init(arguments: [String], workingDirectory: String, environment: [String: String],
                stdoutPath: String, stderrPath: String, role: String = "process", cpus: String? = nil,
                exclusiveOutput: Bool = false, writesToTunerStderr: Bool = false) {
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
    /// Ends the whole process group: `signal`, then SIGKILL after `graceSeconds`. Idempotent.
    @discardableResult
    func stop(signal: Int32, graceSeconds: Double) -> ProcessExit
    /// Starts reading the process's resident set size a few times a second; above `capBytes`
    /// the group is killed and the watch says so.
    func watchMemory(capBytes: Int64) -> MemoryWatch
    /// What the process has written to stdout / stderr so far.
    func standardOutput() -> String
    func standardError() -> String
    /// The program image the process runs (for its Go build info); nil when unknown.
    var executablePath: String? { get }
}

extension RunningProcess {
    @discardableResult
    public func stop(graceSeconds: Double) -> ProcessExit { stop(signal: SIGTERM, graceSeconds: graceSeconds) }

    /// The last `count` non-empty lines of stderr that are not gctrace, joined with " | ".
    public func lastErrorLines(_ count: Int = 3) -> String {
        lastLines(of: standardError(), count: count)
    }
}

/// The last `count` non-empty lines of `text` that are not gctrace, joined with " | ".
public func lastLines(of text: String, count: Int = 3) -> String {
    let lines = text.split(separator: "\n").filter { !$0.hasPrefix("gc ") }.suffix(count)
    return lines.isEmpty ? "(no output)" : lines.joined(separator: " | ")
}

/// RSS readings of one process over a trial.
public protocol MemoryWatch: AnyObject, Sendable {
    /// Takes a last reading, stops watching and returns everything seen. Idempotent.
    func finish() -> MemoryReadings
}

/// What a `MemoryWatch` saw.
public struct MemoryReadings: Sendable {
    /// One RSS reading: Unix time (ns) and bytes.
    public struct Reading: Sendable, Equatable {
        public var unixNanos: Int64
        public var bytes: Int64
        public init(unixNanos: Int64, bytes: Int64) { self.unixNanos = unixNanos; self.bytes = bytes }
    }
    public var readings: [Reading]
    /// Largest RSS seen, kernel high-water mark included, bytes.
    public var peakBytes: Int64
    public var exceededCap: Bool

    public init(readings: [Reading], peakBytes: Int64, exceededCap: Bool) {
        self.readings = readings
        self.peakBytes = peakBytes
        self.exceededCap = exceededCap
    }

    /// Summarises readings for a window [start, end] in Unix ns.
    public func observation(windowStart: Int64, windowEnd: Int64) -> MemoryObservation? {
        guard !readings.isEmpty else { return nil }
        func nearest(_ time: Int64) -> Int64 {
            readings.min { abs($0.unixNanos - time) < abs($1.unixNanos - time) }!.bytes
        }
        var observation = MemoryObservation(peakBytes: peakBytes, windowStartBytes: nearest(windowStart),
                                            windowEndBytes: nearest(windowEnd), sampleCount: readings.count)
        let middle = windowStart + (windowEnd - windowStart) / 2
        observation.fitSteadyTrend(readings.filter { $0.unixNanos >= middle && $0.unixNanos <= windowEnd }
            .map { (Double($0.unixNanos - middle) / 1e9, Double($0.bytes)) })
        return observation
    }
}

/// A readiness check with its ports filled in.
public enum ReadinessCheck: Sendable, Equatable {
    case http(url: String)
    case tcp(port: Int)
    /// A line of the process's stdout or stderr matches this regular expression.
    case log(pattern: String)

    /// Whether a line of `texts` matches `pattern` (the `log` check on output already read).
    public static func anyLine(of texts: [String], matches pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return texts.contains { text in
            text.split(separator: "\n").contains { line in
                let line = String(line)
                return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
            }
        }
    }
}

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

/// A launcher that tells the study store about every process group a trial starts, so a
/// later run can reap them if this tuner dies.
public final class RecordingLauncher: Launcher, @unchecked Sendable {
    public func freePort() throws -> Int { try base.freePort() }
    public func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool { base.probe(check, of: process) }
    public func goBuildInfo(executable: String) -> GoBuildInfo? { base.goBuildInfo(executable: executable) }
    public func resolveExecutable(_ program: String, workingDirectory: String) throws -> String {
        try base.resolveExecutable(program, workingDirectory: workingDirectory)
    }
    public func startTicks(of pid: Int32) -> Int { base.startTicks(of: pid) }
    public func reap(_ leftover: ProcessRecord) -> Bool { base.reap(leftover) }
    public func stopAll() { base.stopAll() }

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
            try? store.recordProcess(group: process.pid, startTicks: base.startTicks(of: process.pid), role: request.role,
                                     setting: trial.setting, repeatIndex: trial.repeatIndex)
        }
        return process
    }
}
