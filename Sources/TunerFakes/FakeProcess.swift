import Foundation
import TunerCore
import TunerRuntime

/// A process that exists only as a script.
public final class FakeProcess: RunningProcess, @unchecked Sendable {
    public let pid: Int32
    public let role: String
    private let script: FakeProcessScript
    private let lock = NSLock()
    private var polls = 0
    private var probes = 0
    private var cpuReads = 0
    private var exit: ProcessExit?
    /// The signal `stop` sent first, if it was stopped.
    public private(set) var stoppedWith: Int32?

    init(pid: Int32, script: FakeProcessScript, role: String) {
        self.pid = pid
        self.script = script
        self.role = role
        if let code = script.exitsAtStart { exit = .exited(code: code) }
    }

    public func poll() -> ProcessExit? {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil, let signal = script.diesBySignal {
            polls += 1
            if polls > script.diesAfterPolls { exit = .signalled(signal: signal) }
        }
        return exit
    }

    public func wait(timeoutSeconds: Double) -> ProcessExit? {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil { exit = .exited(code: script.exitStatus) }
        return exit
    }

    @discardableResult
    public func stop(signal: Int32, graceSeconds: Double) -> ProcessExit {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil {
            stoppedWith = signal
            exit = .signalled(signal: signal)
        }
        return exit!
    }

    func probe(_ check: ReadinessCheck) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        probes += 1
        if case .log(let pattern) = check {
            return ReadinessCheck.anyLine(of: [script.standardOutput, script.standardError], matches: pattern)
        }
        return script.probesBeforeReady != Int.max && probes > script.probesBeforeReady
    }

    public func watchMemory(capBytes: Int64) -> MemoryWatch {
        FakeMemoryWatch(readings: script.rssBytes, capBytes: capBytes, owner: self)
    }

    /// Called by the memory watch when a reading passes the cap (the real sampler kills the group).
    func killedForMemory() {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil { exit = .signalled(signal: SIGKILL) }
    }

    public func standardOutput() -> String { script.standardOutput }
    public func standardError() -> String { script.standardError }
    public var executablePath: String? { script.executablePath }

    public func groupCPUSeconds() -> Double? {
        lock.lock()
        defer { lock.unlock() }
        guard !script.cpuSecondsReadings.isEmpty else { return nil }
        let reading = script.cpuSecondsReadings[min(cpuReads, script.cpuSecondsReadings.count - 1)]
        cpuReads += 1
        return reading
    }

    public func groupExecutablePaths(listeningOn port: Int?) -> [String] {
        var paths = script.groupExecutablePaths
        if let leader = script.executablePath, !paths.contains(leader) { paths.insert(leader, at: min(1, paths.count)) }
        return paths
    }
}
