import Foundation
import TunerCore

/// Runs one trial: start the server under a setting, wait until ready, drive the load, stop
/// the server, and turn what was observed into a `TrialSample`. While the load runs, the tuner
/// only waits on the load process and reads /proc five times a second.
/// Produces one trial's sample for a setting: by running the service (`TrialRunner`) or by
/// replaying recorded measurements (`ReplayEvaluator`).
public protocol TrialEvaluator: Sendable {
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample
}

public struct TrialRunner: TrialEvaluator {
    public let target: TargetSpec
    public let launcher: Launcher
    public let load: LoadDriver
    public let pauses: PauseSource
    /// Directory for per-trial logs (server stderr with the gctrace, load output).
    public let logDirectory: String
    public let warmupSeconds: Double
    public let durationSeconds: Double
    /// Environment the server inherits before tuner's own variables are applied.
    public var baseEnvironment: [String: String] = ProcessInfo.processInfo.environment
    /// Names this tuner run in log file names (`trial-007-RUN-a1.server.stderr`), so no two
    /// trials of any run, nor two attempts of one trial, share a file.
    public var runID: String = TrialRunner.newRunID()

    /// Eight random hex digits.
    public static func newRunID() -> String {
        String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    public init(target: TargetSpec, launcher: Launcher, load: LoadDriver, pauses: PauseSource,
                logDirectory: String, warmupSeconds: Double, durationSeconds: Double) {
        self.target = target
        self.launcher = launcher
        self.load = load
        self.pauses = pauses
        self.logDirectory = logDirectory
        self.warmupSeconds = warmupSeconds
        self.durationSeconds = durationSeconds
    }

    /// The server's environment: inherited, plus target.env, plus the setting and gctrace.
    public func serverEnvironment(for setting: GCSetting) -> [String: String] {
        var environment = baseEnvironment
        for (key, value) in target.environment { environment[key] = value }
        for (key, value) in setting.environment { environment[key] = value }
        if let godebug = environment["GODEBUG"], !godebug.isEmpty {
            environment["GODEBUG"] = godebug.split(separator: ",").filter { !$0.hasPrefix("gctrace=") }.joined(separator: ",") + ",gctrace=1"
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
        var sample = TrialSample(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex,
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
        // start is retried on a new port (twice at most).
        var attempt = 0
        while true {
            do {
                try measure(setting: setting, name: "\(name)-a\(attempt + 1)", seed: seed, port: try Loopback.freePort(), into: &sample)
                return
            } catch let failure as TrialFailure where failure.portTaken && attempt < 2 {
                attempt += 1
            }
        }
    }

    private func measure(setting: GCSetting, name: String, seed: UInt64, port: Int, into sample: inout TrialSample) throws {
        let command = target.command.map { $0.replacingOccurrences(of: "{port}", with: String(port)) }
        let stderrPath = "\(logDirectory)/\(name).server.stderr"
        let request = LaunchRequest(arguments: command, workingDirectory: target.workdir,
                                    environment: serverEnvironment(for: setting),
                                    stdoutPath: "\(logDirectory)/\(name).server.stdout", stderrPath: stderrPath,
                                    role: "server", cpus: target.cpus, exclusiveOutput: true)
        let launchNanos = unixNanos()
        let server: RunningProcess
        do { server = try launcher.launch(request) } catch {
            throw TrialFailure("server could not start: \(error)")
        }
        let memory = MemorySampler(pid: server.pid, capBytes: target.maxRSSBytes)
        var stopped = false
        func stopServer() -> ProcessExit {
            stopped = true
            return server.stop(graceSeconds: target.stopGraceSeconds)
        }
        defer {
            if !stopped { _ = stopServer() }
            _ = memory.finish()
        }

        let launchMonotonic = monotonicSeconds()
        try waitUntilReady(server: server, port: port, stderrPath: stderrPath)
        sample.readySeconds = monotonicSeconds() - launchMonotonic

        let loadResult: LoadResult
        let cpuBeforeLoad = ownCPUSeconds()
        let loadStarted = monotonicSeconds()
        defer {
            sample.tunerCPUSecondsDuringLoad = ownCPUSeconds() - cpuBeforeLoad
            sample.loadWallSeconds = monotonicSeconds() - loadStarted
        }
        do {
            loadResult = try load.run(port: port, warmupSeconds: warmupSeconds, durationSeconds: durationSeconds,
                                      seed: seed, logDirectory: logDirectory, trialName: name)
        } catch let failure as TrialFailure {
            if let exit = server.poll() {
                throw TrialFailure("server \(exit) under load: \(lastLines(of: stderrPath)) (load: \(failure.description))")
            }
            throw failure
        }
        if let exit = server.poll() {
            throw TrialFailure("server \(exit) during the trial: \(lastLines(of: stderrPath))")
        }
        let readings = memory.finish()
        _ = stopServer()
        if readings.exceededCap {
            throw TrialFailure("server RSS passed target.max_rss (\(ByteSize.goSyntax(target.maxRSSBytes))); stopped")
        }
        sample.load = loadResult
        sample.memory = MemorySampler.observation(readings: readings.readings, peakBytes: readings.peakBytes,
                                                  windowStart: loadResult.windowStartUnixNanos,
                                                  windowEnd: loadResult.windowEndUnixNanos)
        let gc = try pauses.observe(stderrPath: stderrPath, launchUnixNanos: launchNanos,
                                    windowStart: loadResult.windowStartUnixNanos,
                                    windowEnd: loadResult.windowEndUnixNanos)
        sample.gc = gc
        try Self.check(gc, setting: setting, stderrPath: stderrPath)
        if loadResult.errors > 0 {
            throw TrialFailure("load saw \(loadResult.errors) failed request(s) in the window; see \(logDirectory)/\(name).load.stderr")
        }
    }

    /// Refuses GC observations that cannot be trusted: unreadable trace lines (pauses would be
    /// missing), or no trace at all from a setting that collects (the trace is not reaching
    /// stderr). GOGC=off without a limit legitimately never collects.
    static func check(_ gc: GCObservation, setting: GCSetting, stderrPath: String) throws {
        if gc.malformedLines > 0 {
            throw TrialFailure("\(gc.malformedLines) gctrace line(s) in \(stderrPath) could not be read; their pauses would be missing, so the trial is not counted")
        }
        let collects = setting.gogc != nil || setting.memoryLimitBytes != nil
        if collects && gc.cyclesInRun == 0 {
            throw TrialFailure("the server printed no gctrace line (GODEBUG=gctrace=1) to stderr during the whole trial: does it reset GODEBUG or redirect stderr? see \(stderrPath)")
        }
    }

    private func waitUntilReady(server: RunningProcess, port: Int, stderrPath: String) throws {
        let deadline = monotonicSeconds() + target.readiness.timeoutSeconds
        while true {
            if let exit = server.poll() {
                let output = lastLines(of: stderrPath)
                var failure = TrialFailure("server \(exit) at start: \(output)")
                failure.portTaken = output.lowercased().contains("address already in use")
                throw failure
            }
            let ready: Bool
            switch target.readiness.kind {
            case .http(let url): ready = Loopback.httpOK(url: url.replacingOccurrences(of: "{port}", with: String(port)))
            case .tcp: ready = Loopback.tcpOpen(port: port)
            }
            if ready { return }
            if monotonicSeconds() >= deadline {
                throw TrialFailure("server did not become ready within \(DurationText.format(target.readiness.timeoutSeconds)) (target.ready); last output: \(lastLines(of: stderrPath))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
