import Foundation
import TunerCore
import TunerRuntime

/// A launcher that starts no process: each launch takes the next script for the request's role
/// (`server`, `load`, …) and records the request, so tests can see what a real launch would
/// have run. Ports come from a counter; probes pass as the script says.
public final class FakeLauncher: Launcher, @unchecked Sendable {
    private let lock = NSLock()
    private var scripts: [String: [FakeProcessScript]]
    private var nextPort = 40_000
    /// Every request, in launch order.
    public private(set) var requests: [LaunchRequest] = []
    /// Every process it handed out, in launch order.
    public private(set) var processes: [FakeProcess] = []
    /// What `goBuildInfo` answers.
    public var buildInfo: GoBuildInfo? = nil
    /// Launches of programs named here throw, like a missing executable.
    public var missingPrograms: Set<String> = []

    /// - Parameter scripts: per role, the scripts of successive launches; the last one repeats.
    public init(scripts: [String: [FakeProcessScript]] = [:]) {
        self.scripts = scripts
    }

    public func launch(_ request: LaunchRequest) throws -> RunningProcess {
        _ = try resolveExecutable(request.arguments.first ?? "", workingDirectory: request.workingDirectory)
        lock.lock()
        defer { lock.unlock() }
        requests.append(request)
        var queue = scripts[request.role] ?? [FakeProcessScript()]
        let script = queue.count > 1 ? queue.removeFirst() : (queue.first ?? FakeProcessScript())
        scripts[request.role] = queue
        let process = FakeProcess(pid: Int32(90_000 + processes.count), script: script, role: request.role)
        processes.append(process)
        return process
    }

    public func freePort() throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextPort += 1
        return nextPort
    }

    public func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool {
        guard let fake = process as? FakeProcess else { return false }
        return fake.probe(check)
    }

    /// What `goBuildInfo` answers for particular executables (else ``buildInfo``).
    public var buildInfoByExecutable: [String: GoBuildInfo] = [:]

    public func goBuildInfo(executable: String) -> GoBuildInfo? { buildInfoByExecutable[executable] ?? buildInfo }

    /// Process groups that count as still running for ``reap(_:)``.
    public var liveGroups: Set<Int32> = []
    /// Every leftover handed to ``reap(_:)``, in order.
    public private(set) var reaped: [ProcessRecord] = []
    /// How many times ``stopAll()`` was called.
    public private(set) var stopAllCount = 0

    /// The pid itself, so a test can tell which start time a record carries.
    public func startTicks(of pid: Int32) -> Int { Int(pid) }

    /// Kills (forgets) a leftover when it is among ``liveGroups`` with the recorded start time.
    public func reap(_ leftover: ProcessRecord) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        reaped.append(leftover)
        guard liveGroups.contains(leftover.group), leftover.startTicks == 0 || leftover.startTicks == Int(leftover.group) else {
            return false
        }
        liveGroups.remove(leftover.group)
        return true
    }

    public func stopAll() {
        lock.lock()
        stopAllCount += 1
        lock.unlock()
        for process in processes { process.stop(signal: SIGKILL, graceSeconds: 0) }
    }

    /// Every program exists (at its own name, or under `/fake/bin/`) except `missingPrograms`.
    public func resolveExecutable(_ program: String, workingDirectory: String) throws -> String {
        if missingPrograms.contains(program) { throw LaunchError(description: "\(program) is not on PATH") }
        return program.contains("/") ? program : "/fake/bin/\(program)"
    }
}
