import Foundation
import TunerCore

#if canImport(Glibc)
    import Glibc
#endif

/// A child spawned by `PosixLauncher`; its pid is also its process-group id.
public final class SpawnedProcess: RunningProcess, @unchecked Sendable {
    public let pid: Int32
    private let stdoutPath: String
    private let stderrPath: String
    private let lock = NSLock()
    private var exit: ProcessExit?

    init(pid: Int32, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    public func watchMemory(capBytes: Int64) -> MemoryWatch { MemorySampler(pid: pid, capBytes: capBytes) }

    public func standardOutput() -> String { Self.read(stdoutPath) }
    public func standardError() -> String { Self.read(stderrPath) }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The image the process runs, through `/proc/PID/exe`; under `setpriv` and `taskset`
    /// wrappers the exec has replaced them by the time this is read after readiness.
    public var executablePath: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }

    public func groupCPUSeconds() -> Double? {
        let members = ProcessTable.liveMembers(ofGroup: pid)
        let seconds = members.compactMap(ProcessTable.cpuSeconds(of:))
        return seconds.isEmpty ? nil : seconds.reduce(0, +)
    }

    public func groupExecutablePaths(listeningOn port: Int?) -> [String] {
        let members = ProcessTable.liveMembers(ofGroup: pid)
        var ordered: [Int32] = []
        if let port { ordered += ProcessTable.listeners(onPort: port, among: members) }
        ordered += [pid] + members.sorted()
        var paths: [String] = []
        for member in ordered {
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(member)/exe"), !paths.contains(path) {
                paths.append(path)
            }
        }
        return paths
    }

    public func poll() -> ProcessExit? {
        lock.lock()
        defer { lock.unlock() }
        if let exit { return exit }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else {
            if result < 0 && errno == ECHILD { exit = .exited(code: -1) }
            return exit
        }
        exit = Self.decode(status)
        PosixLauncher.registry.remove(pid)
        return exit
    }

    public func wait(timeoutSeconds: Double) -> ProcessExit? {
        let deadline = monotonicSeconds() + timeoutSeconds
        var interval = 0.002
        while true {
            if let exit = poll() { return exit }
            if monotonicSeconds() >= deadline { return nil }
            Thread.sleep(forTimeInterval: interval)
            interval = min(interval * 2, 0.05)
        }
    }

    @discardableResult
    public func stop(signal: Int32, graceSeconds: Double) -> ProcessExit {
        if poll() == nil {
            kill(-pid, signal)
            if let exit = wait(timeoutSeconds: graceSeconds) {
                kill(-pid, SIGKILL)  // anything left in the group
                return exit
            }
            kill(-pid, SIGKILL)
            if let exit = wait(timeoutSeconds: 5) { return exit }
        }
        kill(-pid, SIGKILL)
        return poll() ?? .signalled(signal: SIGKILL)
    }

    private static func decode(_ status: Int32) -> ProcessExit {
        let signal = status & 0x7f
        if signal == 0 { return .exited(code: (status >> 8) & 0xff) }
        return .signalled(signal: signal)
    }
}
