import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who is running a study: a tuner process on a host. A pid alone is not an identity (pids are
/// reused), so the process's start time in clock ticks since boot goes with it.
public struct StudyOwner: Sendable, Equatable, Codable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    /// `/proc/PID/stat` field 22 of the owner; 0 when unknown.
    public var startTicks: Int
    /// Unix time the owner took the study, seconds.
    public var sinceUnixSeconds: Double

    public init(host: String, pid: Int32, startTicks: Int, sinceUnixSeconds: Double) {
        self.host = host
        self.pid = pid
        self.startTicks = startTicks
        self.sinceUnixSeconds = sinceUnixSeconds
    }

    /// This tuner process.
    public static let current = StudyOwner(
        host: ProcessInfo.processInfo.hostName, pid: getpid(),
        startTicks: ProcessTable.startTicks(of: getpid()) ?? 0, sinceUnixSeconds: Date().timeIntervalSince1970)

    /// Whether both name the same process (host, pid and start time; `since` aside).
    public func isSameProcess(as other: StudyOwner) -> Bool {
        host == other.host && pid == other.pid && startTicks == other.startTicks
    }

    /// Whether the owner process still runs on this host. An owner on another host cannot be
    /// judged from here and counts as alive (the PostgreSQL store will need heartbeats for it).
    public var isAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
        guard pid > 0, ProcessTable.isAlive(pid) else { return false }
        if startTicks != 0, let ticks = ProcessTable.startTicks(of: pid), ticks != startTicks { return false }
        return true
    }

    public var description: String {
        let since = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: sinceUnixSeconds))
        return "pid \(pid) on \(host), running since \(since)"
    }
}
