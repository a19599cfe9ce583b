import Foundation
import TunerCore

/// What a fake process does, in the order a trial sees it. Times are not simulated: a fake
/// process answers at once, so tests run in microseconds and never race a sleep.
public struct FakeProcessScript: Sendable {
    /// Exits with this status before becoming ready (nil: starts fine).
    public var exitsAtStart: Int32? = nil
    /// Readiness probes that fail before one passes (`Int.max`: never ready).
    public var probesBeforeReady: Int = 0
    /// Text on stderr (e.g. captured gctrace lines) and stdout.
    public var standardError: String = ""
    public var standardOutput: String = ""
    /// RSS readings the memory watch reports, bytes; the first above the cap trips it.
    public var rssBytes: [Int64] = [64 << 20]
    /// Dies by this signal once its `poll` has been asked `diesAfterPolls` times (nil: runs until stopped).
    public var diesBySignal: Int32? = nil
    public var diesAfterPolls: Int = 0
    /// For a load tool: exits with this status after `wait` (0 = success).
    public var exitStatus: Int32 = 0
    public var executablePath: String? = nil

    public init() {}
}

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
        lock.lock(); defer { lock.unlock() }
        requests.append(request)
        var queue = scripts[request.role] ?? [FakeProcessScript()]
        let script = queue.count > 1 ? queue.removeFirst() : (queue.first ?? FakeProcessScript())
        scripts[request.role] = queue
        let process = FakeProcess(pid: Int32(90_000 + processes.count), script: script, role: request.role)
        processes.append(process)
        return process
    }

    public func freePort() throws -> Int {
        lock.lock(); defer { lock.unlock() }
        nextPort += 1
        return nextPort
    }

    public func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool {
        guard let fake = process as? FakeProcess else { return false }
        return fake.probe(check)
    }

    public func goBuildInfo(executable: String) -> GoBuildInfo? { buildInfo }

    /// Every program exists (at its own name, or under `/fake/bin/`) except `missingPrograms`.
    public func resolveExecutable(_ program: String, workingDirectory: String) throws -> String {
        if missingPrograms.contains(program) { throw LaunchError(description: "\(program) is not on PATH") }
        return program.contains("/") ? program : "/fake/bin/\(program)"
    }
}

/// A process that exists only as a script.
public final class FakeProcess: RunningProcess, @unchecked Sendable {
    public let pid: Int32
    public let role: String
    private let script: FakeProcessScript
    private let lock = NSLock()
    private var polls = 0
    private var probes = 0
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
        lock.lock(); defer { lock.unlock() }
        if exit == nil, let signal = script.diesBySignal {
            polls += 1
            if polls > script.diesAfterPolls { exit = .signalled(signal: signal) }
        }
        return exit
    }

    public func wait(timeoutSeconds: Double) -> ProcessExit? {
        lock.lock(); defer { lock.unlock() }
        if exit == nil { exit = .exited(code: script.exitStatus) }
        return exit
    }

    @discardableResult
    public func stop(signal: Int32, graceSeconds: Double) -> ProcessExit {
        lock.lock(); defer { lock.unlock() }
        if exit == nil {
            stoppedWith = signal
            exit = .signalled(signal: signal)
        }
        return exit!
    }

    func probe(_ check: ReadinessCheck) -> Bool {
        lock.lock(); defer { lock.unlock() }
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
    fileprivate func killedForMemory() {
        lock.lock(); defer { lock.unlock() }
        if exit == nil { exit = .signalled(signal: SIGKILL) }
    }

    public func standardOutput() -> String { script.standardOutput }
    public func standardError() -> String { script.standardError }
    public var executablePath: String? { script.executablePath }
}

/// Replays scripted RSS readings, one per second of a made-up clock.
final class FakeMemoryWatch: MemoryWatch, @unchecked Sendable {
    private let result: MemoryReadings

    init(readings bytes: [Int64], capBytes: Int64, owner: FakeProcess) {
        let start = unixNanos()
        let readings = bytes.enumerated().map { MemoryReadings.Reading(unixNanos: start + Int64($0.offset) * 1_000_000_000, bytes: $0.element) }
        let exceeded = bytes.contains { $0 > capBytes }
        if exceeded { owner.killedForMemory() }
        result = MemoryReadings(readings: readings, peakBytes: bytes.max() ?? 0, exceededCap: exceeded)
    }

    func finish() -> MemoryReadings { result }
}

/// A load driver that returns what it is given, or fails, and records its invocations.
public final class FakeLoadDriver: LoadDriver, @unchecked Sendable {
    public var kindName: String { "fake" }
    private let lock = NSLock()
    /// Results of successive runs (warm-up included); the last one repeats. A `String` fails.
    private var outcomes: [Result<LoadResult, TrialFailure>]
    public private(set) var invocations: [LoadInvocation] = []

    public init(outcomes: [Result<LoadResult, TrialFailure>] = [.success(FakeLoadDriver.result())]) {
        self.outcomes = outcomes
    }

    /// A plausible measured window of `seconds` ending now.
    public static func result(throughput: Double = 1000, errors: Int = 0, requests: Int? = nil, seconds: Double = 1) -> LoadResult {
        let end = unixNanos()
        var result = LoadResult(operations: Int(throughput * seconds), throughputOpsPerSecond: throughput,
                                latencyP50Millis: 1, latencyP90Millis: 2, latencyP99Millis: 3, latencyMaxMillis: 4,
                                errors: errors, converged: nil,
                                windowStartUnixNanos: end - Int64(seconds * 1e9), windowEndUnixNanos: end)
        result.tool = "fake"
        result.requests = requests
        return result
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        lock.lock(); defer { lock.unlock() }
        invocations.append(invocation)
        let outcome = outcomes.count > 1 ? outcomes.removeFirst() : outcomes[0]
        return try outcome.get()
    }
}

/// A pause source that returns a fixed reading and records when its sessions began and ended.
public final class FakePauseSource: PauseSource, @unchecked Sendable {
    public let kind: PauseSourceKind
    private let reading: PauseReading
    private let lock = NSLock()
    /// "begin" and "end" in the order they happened, with the load invocations seen meanwhile.
    public private(set) var events: [String] = []

    public init(kind: PauseSourceKind = .gctrace, reading: PauseReading) {
        self.kind = kind
        self.reading = reading
    }

    /// A reading of `pausesMillis` from `cycles` gctrace cycles.
    public convenience init(kind: PauseSourceKind = .gctrace, gctrace: String) {
        let parsed = GCTraceParser.parse(text: gctrace)
        let gc = GCObservation(cycles: parsed.cycles, windowSeconds: 1, processors: parsed.cycles.last?.processors,
                               malformedLines: parsed.malformed.count)
        self.init(kind: kind, reading: PauseReading(summary: PauseSummary(gctrace: gc), gc: gc))
    }

    public func begin(_ context: PauseContext) throws -> PauseSession {
        lock.lock(); events.append("begin"); lock.unlock()
        return Session(source: self)
    }

    final class Session: PauseSession, @unchecked Sendable {
        let source: FakePauseSource
        init(source: FakePauseSource) { self.source = source }
        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            source.lock.lock(); source.events.append("end"); source.lock.unlock()
            return source.reading
        }
    }
}
