import Foundation
import Testing
@testable import TunerCore
@testable import TunerRuntime

/// Launches through PosixLauncher and remembers every process group it started.
final class SurvivorTrackingLauncher: Launcher, @unchecked Sendable {
    private let real = PosixLauncher()
    private let lock = NSLock()
    private(set) var groups: [Int32] = []

    func launch(_ request: LaunchRequest) throws -> RunningProcess {
        let process = try real.launch(request)
        lock.lock(); groups.append(process.pid); lock.unlock()
        return process
    }

    /// Process groups that still have a live member 2 s after the trial (zombies excluded).
    var survivors: [Int32] {
        ProcessTable.waitUntilGone(groups: groups, timeoutSeconds: 2)
    }
}

/// A load driver that returns a fixed result after an optional delay, or fails.
struct FakeLoadDriver: LoadDriver {
    var failure: String?
    var delaySeconds: Double = 0.3
    var converged = true

    func run(port: Int, warmupSeconds: Double, durationSeconds: Double, seed: UInt64,
             logDirectory: String, trialName: String) throws -> LoadResult {
        let start = unixNanos()
        Thread.sleep(forTimeInterval: delaySeconds)
        if let failure { throw TrialFailure(failure) }
        return LoadResult(operations: 100, throughputOpsPerSecond: 333, latencyP50Millis: 1, latencyP90Millis: 2,
                          latencyP99Millis: 3, latencyMaxMillis: 4, errors: 0, converged: converged,
                          windowStartUnixNanos: start, windowEndUnixNanos: unixNanos())
    }
}

/// Pauses from a fixed list of cycles (a replayed trace).
struct ReplayedPauseSource: PauseSource {
    var trace: String
    func observe(stderrPath: String, launchUnixNanos: Int64, windowStart: Int64, windowEnd: Int64) throws -> GCObservation {
        let parsed = GCTraceParser.parse(text: trace)
        return GCObservation(cycles: parsed.cycles, windowSeconds: Double(windowEnd - windowStart) / 1e9,
                             processors: parsed.cycles.last?.processors, malformedLines: parsed.malformed.count)
    }
}

@Suite(.serialized) struct TrialFaultTests {
    static let oneCycle = "gc 1 @0.1s 1%: 0.5+1.0+0.25 ms clock, 1+0.1/0.2/0.3+0.5 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-faults-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes an executable shell script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = "\(directory)/\(name)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func target(_ command: [String], ready: ReadinessProbe.Kind = .tcp, timeout: Double = 2) -> TargetSpec {
        TargetSpec(name: "test", workdir: directory, build: nil, command: command, environment: ["TUNER_TEST": "1"],
                   readiness: ReadinessProbe(kind: ready, timeoutSeconds: timeout), stopGraceSeconds: 1,
                   maxRSSBytes: 1 << 30)
    }

    func runner(_ target: TargetSpec, launcher: Launcher, load: LoadDriver) -> TrialRunner {
        TrialRunner(target: target, launcher: launcher, load: load,
                    pauses: ReplayedPauseSource(trace: Self.oneCycle), logDirectory: directory,
                    warmupSeconds: 0, durationSeconds: 0.3)
    }

    /// A loopback HTTP server that answers 200 on every path.
    var pythonServer: [String] {
        ["python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1"]
    }

    @Test func serverThatExitsAtStartFailsTheTrialWithItsOutput() throws {
        let launcher = SurvivorTrackingLauncher()
        let server = try script("crash.sh", "echo 'panic: cannot open database' >&2; exit 3")
        let sample = runner(target([server]), launcher: launcher, load: FakeLoadDriver())
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("exited with status 3 at start"))
        #expect(reason.contains("panic: cannot open database"))
        #expect(launcher.survivors.isEmpty)
    }

    @Test func serverThatNeverBecomesReadyIsStoppedAfterTheBoundedWait() throws {
        let launcher = SurvivorTrackingLauncher()
        let server = try script("silent.sh", "exec sleep 60")
        let started = monotonicSeconds()
        let sample = runner(target([server], timeout: 1), launcher: launcher, load: FakeLoadDriver())
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason?.contains("did not become ready within 1s") == true)
        #expect(monotonicSeconds() - started < 5)
        #expect(launcher.survivors.isEmpty)
    }

    @Test func failingLoadGeneratorFailsTheTrialAndStopsTheServerGroup() throws {
        let launcher = SurvivorTrackingLauncher()
        // The server also starts a background child in its group, which must die with it.
        let server = try script("server.sh", "sleep 120 &\nexec python3 -m http.server \"$1\" --bind 127.0.0.1")
        let loadBinary = try script("load.sh", "echo 'dial tcp: connection refused' >&2; exit 1")
        let load = LoadSpec(binary: loadBinary, mode: .closed, clients: 1, rateHz: 1, docs: 1, docSizeBytes: 1024, extraArguments: [])
        let sample = runner(target([server, "{port}"]), launcher: launcher,
                            load: SyncBenchDriver(spec: load, launcher: launcher, workingDirectory: directory))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("load generator exited with status 1"))
        #expect(reason.contains("connection refused"))
        #expect(launcher.survivors.isEmpty)
    }

    @Test func hungLoadGeneratorIsKilledAtItsDeadline() throws {
        let launcher = SurvivorTrackingLauncher()
        let loadBinary = try script("hang.sh", "exec sleep 60")
        let load = LoadSpec(binary: loadBinary, mode: .closed, clients: 1, rateHz: 1, docs: 1, docSizeBytes: 1024, extraArguments: [])
        var driver = SyncBenchDriver(spec: load, launcher: launcher, workingDirectory: directory)
        driver.slackSeconds = 1
        let sample = runner(target(pythonServer), launcher: launcher, load: driver)
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason?.contains("did not finish within") == true)
        #expect(launcher.survivors.isEmpty)
    }

    @Test func divergentClientsFailTheTrialLoudly() throws {
        let launcher = SurvivorTrackingLauncher()
        let loadBinary = try script("diverge.sh", """
            while [ "$1" != "-out" ]; do shift; done
            echo '{"operations":1,"throughput_ops_per_sec":1,"latency_ms":{"p50":1,"p90":1,"p99":1,"max":1},"errors":0,"converged":false,"divergent_clients":2,"window_start_unix_nano":1,"window_end_unix_nano":2}' > "$2"
            exit 3
            """)
        let load = LoadSpec(binary: loadBinary, mode: .closed, clients: 1, rateHz: 1, docs: 1, docSizeBytes: 1024, extraArguments: [])
        let sample = runner(target(pythonServer), launcher: launcher,
                            load: SyncBenchDriver(spec: load, launcher: launcher, workingDirectory: directory))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason?.contains("CONVERGENCE CHECK FAILED: 2 client(s)") == true)
        #expect(launcher.survivors.isEmpty)
    }

    @Test func measuredTrialCarriesLoadMemoryAndPauses() throws {
        let launcher = SurvivorTrackingLauncher()
        let trace = "gc 1 @0.1s 1%: 0.5+1.0+0.25 ms clock, 1+0.1/0.2/0.3+0.5 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"
        var trial = runner(target(pythonServer), launcher: launcher, load: FakeLoadDriver())
        trial = TrialRunner(target: trial.target, launcher: launcher, load: FakeLoadDriver(),
                            pauses: ReplayedPauseSource(trace: trace), logDirectory: directory,
                            warmupSeconds: 0, durationSeconds: 0.3)
        let sample = trial.run(setting: GCSetting(gogc: 50, memoryLimitBytes: 64 << 20), trialIndex: 3, repeatIndex: 1, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
        #expect(sample.load?.throughputOpsPerSecond == 333)
        #expect(sample.gc?.pausesMillis == [0.5, 0.25])
        let memory = try #require(sample.memory)
        #expect(memory.peakBytes > 1 << 20)
        #expect(memory.sampleCount >= 1)
        #expect(sample.readySeconds != nil)
        #expect(sample.tunerCPUSeconds < sample.wallSeconds)
        #expect(launcher.survivors.isEmpty)
    }

    @Test func serverEnvironmentAddsOnlyTheSettingAndGCTrace() {
        var trial = runner(target(["x"]), launcher: PosixLauncher(), load: FakeLoadDriver())
        trial.baseEnvironment = ["PATH": "/bin", "GODEBUG": "madvdontneed=1,gctrace=2", "GOGC": "5"]
        let environment = trial.serverEnvironment(for: GCSetting(gogc: 200, memoryLimitBytes: 512 << 20))
        #expect(environment == ["PATH": "/bin", "TUNER_TEST": "1", "GOGC": "200", "GOMEMLIMIT": "512MiB",
                                "GODEBUG": "madvdontneed=1,gctrace=1"])
    }

    @Test func serverKilledUnderLoadFailsTheTrialWithTheSignal() throws {
        let launcher = SurvivorTrackingLauncher()
        // The leader SIGKILLs itself 0.8 s in (as the OOM killer would), leaving its child.
        let server = try script("oom.sh", "python3 -m http.server \"$1\" --bind 127.0.0.1 &\nsleep 0.8\nkill -9 $$")
        let sample = runner(target([server, "{port}"]), launcher: launcher, load: FakeLoadDriver(delaySeconds: 1.5))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason?.contains("server was killed by signal 9 (SIGKILL)") == true, "\(sample.outcome)")
        #expect(launcher.survivors.isEmpty)
    }

    @Test func serverPastTheRSSCapIsKilledAndTheTrialFails() throws {
        let launcher = SurvivorTrackingLauncher()
        let server = try script("hog.sh", "exec python3 -c 'import http.server, sys; hog = bytearray(200 << 20); hog[::4096] = b\"x\" * len(hog[::4096]); http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=int(sys.argv[1]), bind=\"127.0.0.1\")' \"$1\"")
        var spec = target([server, "{port}"], timeout: 5)
        spec.maxRSSBytes = 64 << 20
        let sample = runner(spec, launcher: launcher, load: FakeLoadDriver(delaySeconds: 1.5))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("max_rss") || reason.contains("signal 9"), "\(reason)")
        #expect(launcher.survivors.isEmpty)
    }

    @Test func portTakenAtStartIsRetriedOnAnotherPort() throws {
        let launcher = SurvivorTrackingLauncher()
        let marker = "\(directory)/tried-once"
        let server = try script("busy.sh", """
            if [ ! -e \(marker) ]; then touch \(marker); echo "listen tcp 127.0.0.1:$1: bind: address already in use" >&2; exit 1; fi
            exec python3 -m http.server "$1" --bind 127.0.0.1
            """)
        let sample = runner(target([server, "{port}"]), launcher: launcher, load: FakeLoadDriver())
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
        #expect(launcher.groups.count == 2)
        #expect(launcher.survivors.isEmpty)
    }

    @Test func unreadableTraceLinesFailTheTrial() throws {
        let observation = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 2, cyclesInRun: 5)
        #expect(throws: TrialFailure.self) { try TrialRunner.check(observation, setting: .goDefault, stderrPath: "x") }
        let launcher = SurvivorTrackingLauncher()
        let trial = TrialRunner(target: target(pythonServer), launcher: launcher, load: FakeLoadDriver(),
                                pauses: ReplayedPauseSource(trace: "gc 3 @0.5s 2%: 0.1+0.2"), logDirectory: directory,
                                warmupSeconds: 0, durationSeconds: 0.3)
        let sample = trial.run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason?.contains("1 gctrace line(s)") == true, "\(sample.outcome)")
        #expect(launcher.survivors.isEmpty)
    }

    @Test func missingTraceFailsUnlessTheSettingNeverCollects() throws {
        let silent = GCObservation(cycles: [], windowSeconds: 1, processors: nil, malformedLines: 0, cyclesInRun: 0)
        #expect(throws: TrialFailure.self) { try TrialRunner.check(silent, setting: .goDefault, stderrPath: "x") }
        #expect(throws: TrialFailure.self) {
            try TrialRunner.check(silent, setting: GCSetting(gogc: nil, memoryLimitBytes: 64 << 20), stderrPath: "x")
        }
        // GOGC=off with no limit never collects: zero cycles is the truth, not a fault.
        try TrialRunner.check(silent, setting: GCSetting(gogc: nil, memoryLimitBytes: nil), stderrPath: "x")
        // Cycles before the window but none inside it are a measurement (pauses 0), not a fault.
        let quietWindow = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 0, cyclesInRun: 4)
        try TrialRunner.check(quietWindow, setting: .goDefault, stderrPath: "x")
    }
}
