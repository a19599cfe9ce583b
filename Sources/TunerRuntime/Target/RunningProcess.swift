import Foundation
import TunerCore

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
    /// The program images of every live process in its group, the one listening on TCP `port`
    /// (when given and found) first, then the group leader, then the others; no repeats. Where a
    /// wrapper (a shell, a version-manager shim) starts the real service, the service is here.
    func groupExecutablePaths(listeningOn port: Int?) -> [String]
    /// User + system CPU seconds used so far by the live processes of its group (nil when it
    /// cannot be read).
    func groupCPUSeconds() -> Double?
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
