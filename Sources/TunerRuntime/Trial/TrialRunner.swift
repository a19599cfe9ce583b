import Foundation
import TunerCore

/// Runs one trial: free ports, start the server under a setting, wait until ready, warm up
/// with one unmeasured run of the load, read pauses over one measured run, stop the server,
/// and turn what was observed into a `TrialSample`. Everything that touches the operating
/// system goes through the `Launcher`, the `LoadDriver` and the `PauseSource`, so fakes of the
/// three drive it with no process at all. While the load runs, the tuner only waits on the load
/// process and reads /proc five times a second.
public struct TrialRunner: TrialEvaluator {
    public let target: TargetSpec
    public let launcher: Launcher
    public let load: LoadDriver
    public let pauses: PauseSource
    /// Directory for per-trial logs (server stdout/stderr with the gctrace, load output).
    public let logDirectory: String
    public let warmupSeconds: Double
    public let durationSeconds: Double
    /// A trial whose load errors exceed this share of its requests fails (0: any error fails).
    public var maxErrorRate: Double = 0
    /// Environment the server inherits before tuner's own variables are applied.
    public var baseEnvironment: [String: String] = ProcessInfo.processInfo.environment
    /// Names this tuner run in log file names (`trial-007-RUN-a1.server.stderr`), so no two
    /// trials of any run, nor two attempts of one trial, share a file.
    public var runID: String = TrialRunner.newRunID()
    /// Reads the target's Go build info once per executable.
    public let buildInfo = BuildInfoCache()
    /// Where each trial attempt gets its own scratch folder (`{scratch}`, rendered
    /// `target.files`), `data/<study>/scratch/`; a temporary folder when nil.
    public var scratchRoot: String?
    /// Scratch folders of failed trials that are kept for a look, the newest; older ones go.
    public var keptFailedScratch = 3
    /// When set, a CPU profile of the service is taken over each measured window (`tuner verify`).
    public var cpuProfiles: CPUProfiles?

    public init(
        target: TargetSpec, launcher: Launcher, load: LoadDriver, pauses: PauseSource,
        logDirectory: String, warmupSeconds: Double, durationSeconds: Double
    ) {
        self.target = target
        self.launcher = launcher
        self.load = load
        self.pauses = pauses
        self.logDirectory = logDirectory
        self.warmupSeconds = warmupSeconds
        self.durationSeconds = durationSeconds
    }

    /// Eight random hex digits.
    public static func newRunID() -> String {
        String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    /// The server's environment: inherited, plus target.env (placeholders filled in), plus the
    /// setting and gctrace. The trace is always on (it costs one line per cycle): whatever the
    /// pause source, its heap figures feed the search's heap-goal model.
    public func serverEnvironment(for setting: GCSetting, placeholders: TrialPlaceholders = TrialPlaceholders(ports: [:])) -> [String:
        String]
    {
        var environment = baseEnvironment
        for (key, value) in target.environment { environment[key] = placeholders.expand(value) }
        for (key, value) in setting.environment { environment[key] = value }
        if let godebug = environment["GODEBUG"], !godebug.isEmpty {
            environment["GODEBUG"] =
                godebug.split(separator: ",").filter { !$0.hasPrefix("gctrace=") }.joined(separator: ",") + ",gctrace=1"
        } else {
            environment["GODEBUG"] = "gctrace=1"
        }
        return environment
    }

    /// Runs the trial. Never throws: failures become samples with a reason.
    public func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        let startedAt = Date().timeIntervalSince1970
        let startMonotonic = monotonicSeconds()
        let cpuBefore = ownCPUSeconds()
        let name = String(format: "trial-%03d-", trialIndex) + runID
        var sample = TrialSample(
            trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex,
            outcome: .measured, startedAtUnixSeconds: startedAt, wallSeconds: 0,
            readySeconds: nil, tunerCPUSeconds: 0, load: nil, gc: nil, memory: nil)
        do {
            try measure(setting: setting, name: name, seed: seed, into: &sample)
        } catch let failure as TrialFailure {
            sample.outcome = .failed(reason: failure.description)
        } catch {
            sample.outcome = .failed(reason: "\(error)")
        }
        sample.wallSeconds = monotonicSeconds() - startMonotonic
        sample.tunerCPUSeconds = ownCPUSeconds() - cpuBefore
        return sample
    }

    private func measure(setting: GCSetting, name: String, seed: UInt64, into sample: inout TrialSample) throws {
        // A port found free can be taken by someone else before the server binds it; such a
        // start is retried on new ports (twice at most).
        var attempt = 0
        while true {
            let attemptName = "\(name)-a\(attempt + 1)"
            let scratch = try makeScratch(attemptName)
            do {
                let placeholders = TrialPlaceholders(ports: try freePorts(), scratch: scratch)
                try measure(setting: setting, name: attemptName, seed: seed, placeholders: placeholders, into: &sample)
                if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
                return
            } catch var failure as TrialFailure {
                if let scratch { failure.description += keep(scratch) }
                guard failure.portTaken && attempt < 2 else { throw failure }
                attempt += 1
            } catch {
                throw TrialFailure("\(error)" + (scratch.map(keep) ?? ""))
            }
        }
    }

    public func startOnceForBuildInfo() throws -> (path: String, info: GoBuildInfo)? {
        let name = "preflight-\(runID)"
        let scratch = try makeScratch(name)
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let placeholders = TrialPlaceholders(ports: try freePorts(), scratch: scratch)
        let server = try startServer(setting: .goDefault, placeholders: placeholders, logPrefix: "\(logDirectory)/\(name)").process
        defer { server.stop(signal: target.stopSignal.number, graceSeconds: target.stopGraceSeconds) }
        try waitUntilReady(server: server, ports: placeholders.ports)
        return buildInfo.info(for: server, launcher: launcher, port: servicePort(placeholders.ports), binary: target.binary)
    }

    /// Renders `target.files`, runs `target.reset`, then starts the server under `setting` with
    /// the attempt's placeholders filled in: what a trial and the preflight's start share.
    /// Returns the server and the Unix ns just before its launch (gctrace counts from there).
    func startServer(
        setting: GCSetting, placeholders: TrialPlaceholders, logPrefix: String
    ) throws -> (process: RunningProcess, launchUnixNanos: Int64) {
        try renderFiles(placeholders)
        try reset(placeholders, logPrefix: logPrefix)
        let launchNanos = unixNanos()
        do {
            return try (
                launcher.launch(
                    LaunchRequest(
                        arguments: target.command.map(placeholders.expand), workingDirectory: target.workdir,
                        environment: serverEnvironment(for: setting, placeholders: placeholders),
                        stdoutPath: "\(logPrefix).server.stdout", stderrPath: "\(logPrefix).server.stderr",
                        role: "server", cpus: target.cpus, exclusiveOutput: true)), launchNanos
            )
        } catch {
            throw TrialFailure("server could not start (target.command): \(error)")
        }
    }

    // MARK: - Scratch folders

    /// A new, empty folder for one trial attempt when the target uses one (`{scratch}` or
    /// `target.files`), else nil.
    /// - Throws: `TrialFailure` naming the folder when it cannot be created.
    func makeScratch(_ name: String) throws -> String? {
        guard target.usesScratch else { return nil }
        let root = scratchRoot ?? NSTemporaryDirectory() + "tuner-scratch"
        let path = "\(root)/\(name)"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw TrialFailure(
                "cannot create the trial's scratch folder \(path) ({scratch}): \((error as NSError).localizedFailureReason ?? error.localizedDescription); make \(root) writable or point output.data_dir elsewhere"
            )
        }
        return path
    }

    /// Keeps a failed attempt's scratch folder for a look, removes all but the newest
    /// `keptFailedScratch` kept ones, and says where it is and how large.
    func keep(_ scratch: String) -> String {
        let root = (scratch as NSString).deletingLastPathComponent
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).map { "\(root)/\($0)" }
            .filter { $0 != scratch }
            .sorted { (modified($0) ?? .distantPast) > (modified($1) ?? .distantPast) }
        for old in kept.dropFirst(max(keptFailedScratch - 1, 0)) { try? FileManager.default.removeItem(atPath: old) }
        return "; its scratch folder is kept: \(scratch) (\(ByteSize.goSyntax(Self.size(of: scratch))))"
    }

    private func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Bytes of every regular file under `path`.
    static func size(of path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        for case let relative as String in walker {
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(path)/\(relative)")
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? Int64) ?? 0 }
        }
        return total
    }

    /// Writes `target.files` into the attempt's scratch folder, placeholders filled in.
    func renderFiles(_ placeholders: TrialPlaceholders) throws {
        guard let scratch = placeholders.scratch else { return }
        for (name, template) in target.files.sorted(by: { $0.key < $1.key }) {
            do {
                try placeholders.expand(template).write(toFile: "\(scratch)/\(name)", atomically: true, encoding: .utf8)
            } catch {
                throw TrialFailure("cannot write target.files.\(name) to \(scratch)/\(name): \(error.localizedDescription)")
            }
        }
    }

    /// Runs `target.reset`, if any, to completion before the server starts.
    func reset(_ placeholders: TrialPlaceholders, logPrefix: String) throws {
        guard let reset = target.reset else { return }
        let process: RunningProcess
        do {
            process = try launcher.launch(
                LaunchRequest(
                    arguments: reset.map(placeholders.expand), workingDirectory: target.workdir,
                    environment: serverEnvironment(for: .goDefault, placeholders: placeholders),
                    stdoutPath: "\(logPrefix).reset.stdout", stderrPath: "\(logPrefix).reset.stderr", role: "reset",
                    exclusiveOutput: true))
        } catch {
            throw TrialFailure("target.reset could not start: \(error)")
        }
        guard let exit = process.wait(timeoutSeconds: 120) else {
            process.stop(graceSeconds: 1)
            throw TrialFailure("target.reset did not finish within 2 minutes; see \(logPrefix).reset.stderr")
        }
        guard exit.succeeded else {
            throw TrialFailure("target.reset \(exit): \(process.lastErrorLines()); see \(logPrefix).reset.stderr")
        }
    }

    /// One distinct free port per name the server command binds.
    func freePorts() throws -> [String: Int] {
        var ports: [String: Int] = [:]
        for name in target.boundPortNames {
            var port = try launcher.freePort()
            var tries = 0
            while ports.values.contains(port) && tries < 20 {
                port = try launcher.freePort()
                tries += 1
            }
            ports[name] = port
        }
        return ports
    }

    private func measure(
        setting: GCSetting, name: String, seed: UInt64, placeholders: TrialPlaceholders, into sample: inout TrialSample
    ) throws {
        let ports = placeholders.ports
        let logPrefix = "\(logDirectory)/\(name)"
        let (server, launchNanos) = try startServer(setting: setting, placeholders: placeholders, logPrefix: logPrefix)
        let memory = server.watchMemory(capBytes: target.maxRSSBytes)
        var stopped = false
        func stopServer() {
            stopped = true
            server.stop(signal: target.stopSignal.number, graceSeconds: target.stopGraceSeconds)
        }
        defer {
            if !stopped { stopServer() }
            _ = memory.finish()
        }

        let launchMonotonic = monotonicSeconds()
        // gctrace counts from the Go runtime's start: a wrapper that works before it execs the
        // service (a shell loop, a version manager resolving a version) starts that clock late.
        let execNanos = try waitUntilReady(server: server, ports: ports)
        sample.readySeconds = monotonicSeconds() - launchMonotonic
        sample.targetBuild = buildInfo.info(for: server, launcher: launcher, port: servicePort(ports), binary: target.binary)?.info

        let cpuBeforeLoad = ownCPUSeconds()
        let loadStarted = monotonicSeconds()
        defer {
            sample.tunerCPUSecondsDuringLoad = ownCPUSeconds() - cpuBeforeLoad
            sample.loadWallSeconds = monotonicSeconds() - loadStarted
        }
        if warmupSeconds > 0 {
            try underLoad(server) {
                _ = try load.run(
                    LoadInvocation(
                        ports: ports, durationSeconds: warmupSeconds, seed: seed &+ 1,
                        logPrefix: "\(logPrefix).warmup", measured: false))
            }
        }
        var context = PauseContext(
            server: server, ports: ports, launchUnixNanos: execNanos ?? launchNanos,
            windowSeconds: durationSeconds, logPrefix: logPrefix)
        context.setting = setting
        let session = try pauses.begin(context)
        // The service's CPU is read right around the measured run: start-up and warm-up are
        // not counted.
        let cpuBefore = server.groupCPUSeconds()
        let cpuWallBefore = monotonicSeconds()
        let profile = cpuProfiles?.begin(ports: ports, seconds: durationSeconds, name: name)
        let loadResult = try underLoad(server) {
            try load.run(
                LoadInvocation(
                    ports: ports, durationSeconds: durationSeconds, seed: seed,
                    logPrefix: logPrefix, measured: true))
        }
        let cpuAfter = server.groupCPUSeconds()
        let cpuWall = monotonicSeconds() - cpuWallBefore
        let profileCapture = profile?.end()
        if let exit = server.poll() {
            throw TrialFailure("server \(exit) during the trial: \(server.lastErrorLines())")
        }
        let reading = try session.end(windowStart: loadResult.windowStartUnixNanos, windowEnd: loadResult.windowEndUnixNanos)
        let readings = memory.finish()
        stopServer()
        if let profileCapture {
            sample.cpuProfile = cpuProfiles?.analyse(profileCapture, launcher: launcher, workingDirectory: target.workdir)
        }
        if readings.exceededCap {
            throw TrialFailure("server RSS passed target.max_rss (\(ByteSize.goSyntax(target.maxRSSBytes))); stopped")
        }
        sample.load = loadResult
        sample.memory = readings.observation(windowStart: loadResult.windowStartUnixNanos, windowEnd: loadResult.windowEndUnixNanos)
        sample.gc = reading.gc
        sample.pauses = reading.summary
        sample.gctracePauses = reading.gctraceOverSpan
        if let cpuBefore, let cpuAfter, cpuAfter >= cpuBefore {
            sample.serviceCPU = Self.serviceCPU(seconds: cpuAfter - cpuBefore, wallSeconds: cpuWall, reading: reading)
        }
        try Self.check(reading, source: pauses.kind, setting: setting, peakRSSBytes: readings.peakBytes, logPrefix: logPrefix)
        if loadResult.errors > 0 && loadResult.errorRate > maxErrorRate {
            let breakdown = (loadResult.errorBreakdown ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", ")
            let share = formatFixed(loadResult.errorRate * 100, decimals: 2)
            throw TrialFailure(
                "load saw \(loadResult.errors) failed request(s) in the window (\(share) %\(breakdown.isEmpty ? "" : ": \(breakdown)")), above load.max_error_rate \(formatFixed(maxErrorRate * 100, decimals: 2)) %; see \(logPrefix).load.stdout"
            )
        }
    }

    /// Runs a load step; a failure while the server has died names the server's exit first.
    private func underLoad<T>(_ server: RunningProcess, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as TrialFailure {
            if let exit = server.poll() {
                throw TrialFailure("server \(exit) under load: \(server.lastErrorLines()) (load: \(failure.description))")
            }
            throw failure
        }
    }

    /// Refuses GC observations that cannot be trusted: with the gctrace source, unreadable trace
    /// lines (pauses would be missing), or no trace at all from a setting that collects (the
    /// trace is not reaching stderr). GOGC=off without a limit legitimately never collects, and
    /// so does GOGC=off with a limit the process never came near: the runtime collects only when
    /// its memory reaches the limit, so a run whose peak RSS (`peakRSSBytes`, bytes, over the whole
    /// run) stayed below it owes no trace line. (nats-server's 8 MiB live heap under
    /// `GOGC=off GOMEMLIMIT=1GiB` ran 8 s without a collection and failed here before.)
    static func check(
        _ reading: PauseReading, source: PauseSourceKind, setting: GCSetting, peakRSSBytes: Int64? = nil,
        logPrefix: String
    ) throws {
        guard source == .gctrace, let gc = reading.gc else { return }
        if gc.malformedLines > 0 {
            throw TrialFailure(
                "\(gc.malformedLines) gctrace line(s) in \(logPrefix).server.stderr could not be read; their pauses would be missing, so the trial is not counted"
            )
        }
        var collects = setting.gogc != nil || setting.memoryLimitBytes != nil
        if setting.gogc == nil, let limit = setting.memoryLimitBytes, let peak = peakRSSBytes, peak > 0, peak < limit {
            collects = false
        }
        if collects && gc.cyclesInRun == 0 {
            throw TrialFailure(
                "the server printed no gctrace line (GODEBUG=gctrace=1) to stderr during the whole trial: does it reset GODEBUG or redirect stderr? Choose another target.pauses.source (runtime-metrics, expvar, prometheus or trace) if so; see \(logPrefix).server.stderr"
            )
        }
    }

    /// The service's CPU over the window and the GC's share of it: from the runtime's own CPU
    /// classes when the pause source read them, else from gctrace's cycles in the window.
    static func serviceCPU(seconds: Double, wallSeconds: Double, reading: PauseReading) -> ServiceCPU {
        var cpu = ServiceCPU(cpuSeconds: seconds, wallSeconds: wallSeconds)
        if let share = reading.runtimeGCShare {
            cpu.gcShare = share
            cpu.gcCPUSeconds = share * seconds
            cpu.gcSource = .runtimeMetrics
        } else if let cycles = reading.gc?.cycles, seconds > 0, let gc = ServiceCPU.gctraceGCSeconds(cycles) {
            cpu.gcCPUSeconds = gc
            cpu.gcShare = gc / seconds
            cpu.gcSource = .gctrace
        }
        return cpu
    }

    /// The port the service is probed on (its readiness port), else its first bound port: where a
    /// wrapper's Go child listens.
    func servicePort(_ ports: [String: Int]) -> Int? {
        if case .tcp(let port) = target.readiness.kind, let number = Int(PortPlaceholders.substitute(port, ports: ports)) { return number }
        if case .http(let url) = target.readiness.kind,
            let port = URLComponents(string: PortPlaceholders.substitute(url, ports: ports))?.port
        {
            return port
        }
        return target.boundPortNames.first.flatMap { ports[$0] }
    }

    /// The readiness check with this trial's ports.
    func readinessCheck(ports: [String: Int]) -> ReadinessCheck {
        switch target.readiness.kind {
        case .http(let url): return .http(url: PortPlaceholders.substitute(url, ports: ports))
        case .tcp(let port): return .tcp(port: Int(PortPlaceholders.substitute(port, ports: ports)) ?? 0)
        case .log(let pattern): return .log(pattern: pattern)
        }
    }

    /// Probes until the server is ready. Returns when its process image last changed, Unix ns,
    /// when that was more than 0.2 s after the launch (a wrapper exec'd the service late: the
    /// Go runtime's clock starts there, not at the launch), else nil.
    @discardableResult
    func waitUntilReady(server: RunningProcess, ports: [String: Int]) throws -> Int64? {
        let check = readinessCheck(ports: ports)
        let started = monotonicSeconds()
        let deadline = started + target.readiness.timeoutSeconds
        var image = server.executablePath
        var imageChangedNanos: Int64?
        while true {
            let current = server.executablePath
            if current != image {
                image = current
                // Between the previous poll and this one: half the polling interval back.
                imageChangedNanos = monotonicSeconds() - started > 0.2 ? unixNanos() - 25_000_000 : nil
            }
            if let exit = server.poll() {
                let output = server.lastErrorLines()
                var failure = TrialFailure("server \(exit) at start: \(output)")
                failure.portTaken = server.standardError().lowercased().contains("address already in use")
                throw failure
            }
            if launcher.probe(check, of: server) { return imageChangedNanos }
            if monotonicSeconds() >= deadline {
                let what: String
                switch target.readiness.kind {
                case .http(let url): what = "target.ready.http: GET \(PortPlaceholders.substitute(url, ports: ports)) never answered 2xx"
                case .tcp(let port):
                    what = "target.ready.tcp: nothing accepted connections on 127.0.0.1:\(PortPlaceholders.substitute(port, ports: ports))"
                case .log(let pattern): what = "target.ready.log: no output line matched '\(pattern)'"
                }
                throw TrialFailure(
                    "server did not become ready within \(DurationText.format(target.readiness.timeoutSeconds)) (\(what)); last output: \(server.lastErrorLines())"
                )
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// The target's Go build info, read through the launcher once per executable: the server's own
/// image, or, behind a wrapper, the Go process it started (the one listening on the service's
/// port first), or `target.binary` when the spec names it.
public final class BuildInfoCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: GoBuildInfo?] = [:]

    public init() {}

    /// The first Go image among the candidates, with its build info; nil when none is Go.
    func info(for process: RunningProcess, launcher: Launcher, port: Int?, binary: String?) -> (path: String, info: GoBuildInfo)? {
        let candidates = binary.map { [$0] } ?? process.groupExecutablePaths(listeningOn: port)
        for path in candidates {
            if let info = info(of: path, launcher: launcher) { return (path, info) }
        }
        return nil
    }

    private func info(of path: String, launcher: Launcher) -> GoBuildInfo? {
        lock.lock()
        if let known = cache[path] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let info = launcher.goBuildInfo(executable: path)
        lock.lock()
        cache[path] = info
        lock.unlock()
        return info
    }
}
