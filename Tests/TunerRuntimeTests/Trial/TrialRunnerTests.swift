import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// `TrialRunner` driven entirely by fakes: no process starts, nothing races a sleep, every
/// fault path is reached by a script.
@Suite struct TrialRunnerTests {
    static let twoCycles = """
        gc 1 @0.100s 1%: 0.50+1.0+0.25 ms clock, 1+0.1/0.2/0.3+0.5 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P
        gc 2 @0.200s 1%: 0.40+1.0+0.20 ms clock, 1+0.1/0.2/0.3+0.5 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P
        """

    func target(
        _ command: [String] = ["bin/server", "-addr", "127.0.0.1:{port}", "-monitor", "{port:monitor}"],
        ready: ReadinessProbe.Kind = .tcp(port: "{port}")
    ) -> TargetSpec {
        var target = TargetSpec(
            name: "test", workdir: "/srv", build: nil, command: command, environment: ["TUNER_TEST": "1"],
            readiness: ReadinessProbe(kind: ready, timeoutSeconds: 0.2), stopGraceSeconds: 1,
            maxRSSBytes: 1 << 30)
        target.stopSignal = StopSignal(name: "INT", number: SIGINT)
        return target
    }

    func runner(
        _ target: TargetSpec, launcher: FakeLauncher, load: FakeLoadDriver = FakeLoadDriver(),
        pauses: PauseSource = FakePauseSource(gctrace: twoCycles), warmup: Double = 1
    ) -> TrialRunner {
        TrialRunner(
            target: target, launcher: launcher, load: load, pauses: pauses, logDirectory: "/logs",
            warmupSeconds: warmup, durationSeconds: 2)
    }

    @Test func measuredTrialCarriesLoadMemoryPausesAndTheTargetsGo() throws {
        var server = FakeProcessScript()
        server.rssBytes = [40 << 20, 60 << 20, 55 << 20]
        server.executablePath = "/srv/bin/server"
        let launcher = FakeLauncher(scripts: ["server": [server]])
        launcher.buildInfo = GoBuildInfo(goVersion: "go1.27.3", mainModule: "example.com/server", experiments: [], defaultGODEBUG: nil)
        let sample = runner(target(), launcher: launcher).run(
            setting: GCSetting(gogc: 50, memoryLimitBytes: 64 << 20), trialIndex: 3, repeatIndex: 1, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
        #expect(sample.load?.throughputOpsPerSecond == 1000)
        #expect(sample.pauses?.count == 4)
        #expect(sample.gc?.pausesMillis == [0.5, 0.25, 0.4, 0.2])
        #expect(sample.memory?.peakBytes == 60 << 20)
        #expect(sample.readySeconds != nil)
        #expect(sample.targetBuild?.goVersion == "go1.27.3")
        #expect(sample.targetBuild?.greenTeaCollector == true)
    }

    @Test func theServicesCPUIsReadAroundTheMeasuredRunOnlyAndTheGCShareComesFromItsTrace() throws {
        var server = FakeProcessScript()
        // Read before and after the measured run: 5 s of start-up and warm-up are not counted.
        server.cpuSecondsReadings = [5.0, 7.5]
        let launcher = FakeLauncher(scripts: ["server": [server]])
        let sample = runner(target(), launcher: launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let cpu = try #require(sample.serviceCPU)
        #expect(cpu.cpuSeconds == 2.5)
        // Two cycles of 1 + 0.1/0.2/0.3 + 0.5 ms cpu: 2.1 ms each, idle-time marking included.
        #expect(abs((cpu.gcCPUSeconds ?? 0) - 0.0042) < 1e-12)
        #expect(cpu.gcSource == .gctrace)
        #expect(abs((Metric.gcCPUSharePercent.value(of: sample) ?? 0) - 0.0042 / 2.5 * 100) < 1e-9)
        #expect(Metric.cpuPerOpMicros.value(of: sample) == 2.5 * 1e6 / 1000, "1000 operations in the window")
    }

    @Test func everyNamedPortGetsItsOwnFreePortInTheCommand() throws {
        let launcher = FakeLauncher()
        _ = runner(target(), launcher: launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let server = try #require(launcher.requests.first { $0.role == "server" })
        let client = server.arguments[2].split(separator: ":").last.flatMap { Int($0) }
        let monitor = Int(server.arguments[4])
        #expect(client != nil && monitor != nil && client != monitor, "\(server.arguments)")
        #expect(!server.arguments.joined().contains("{port"))
        #expect(server.environment["GODEBUG"]?.hasSuffix("gctrace=1") == true)
    }

    @Test func warmUpIsASeparateUnmeasuredRunAndPausesCoverOnlyTheMeasuredOne() throws {
        let load = FakeLoadDriver()
        let pauses = FakePauseSource(gctrace: Self.twoCycles)
        let sample = runner(target(), launcher: FakeLauncher(), load: load, pauses: pauses)
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 9)
        #expect(sample.isMeasured)
        #expect(load.invocations.map(\.measured) == [false, true])
        #expect(load.invocations.map(\.durationSeconds) == [1, 2])
        #expect(load.invocations[0].logPrefix != load.invocations[1].logPrefix, "warm-up and window write different files")
        #expect(pauses.events == ["begin", "end"])
    }

    @Test func theServerIsStoppedWithTheSpecsSignal() throws {
        let launcher = FakeLauncher()
        _ = runner(target(), launcher: launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let server = try #require(launcher.processes.first { $0.role == "server" })
        #expect(server.stoppedWith == SIGINT)
    }

    @Test func serverThatExitsAtStartFailsTheTrialWithItsOutput() throws {
        var crash = FakeProcessScript()
        crash.exitsAtStart = 3
        crash.standardError = "panic: cannot open database\n"
        let sample = runner(target(), launcher: FakeLauncher(scripts: ["server": [crash]]))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("exited with status 3 at start"))
        #expect(reason.contains("panic: cannot open database"))
    }

    @Test func aMissingCommandIsAFailureNamingTheKey() throws {
        let launcher = FakeLauncher()
        launcher.missingPrograms = ["bin/server"]
        let sample = runner(target(), launcher: launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(
            sample.outcome.failureReason?.contains("server could not start (target.command): bin/server is not on PATH") == true,
            "\(sample.outcome)")
    }

    @Test(arguments: [
        (ReadinessProbe.Kind.tcp(port: "{port:monitor}"), "target.ready.tcp: nothing accepted connections on 127.0.0.1:"),
        (.http(url: "http://127.0.0.1:{port}/healthz"), "target.ready.http: GET http://127.0.0.1:"),
        (.log(pattern: "listening on"), "target.ready.log: no output line matched 'listening on'"),
    ])
    func readinessThatNeverComesNamesItsKey(probe: ReadinessProbe.Kind, message: String) throws {
        var silent = FakeProcessScript()
        silent.probesBeforeReady = Int.max
        let sample = runner(target(ready: probe), launcher: FakeLauncher(scripts: ["server": [silent]]))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("did not become ready within 200ms"), "\(reason)")
        #expect(reason.contains(message), "\(reason)")
    }

    @Test func logReadinessPassesOnceTheLineIsPrinted() throws {
        var server = FakeProcessScript()
        server.standardError = "booting\nserver: listening on 127.0.0.1:4222\n"
        let sample = runner(target(ready: .log(pattern: "listening on [0-9.:]+")), launcher: FakeLauncher(scripts: ["server": [server]]))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
    }

    @Test func portTakenAtStartIsRetriedOnNewPortsWithItsOwnLogFiles() throws {
        var busy = FakeProcessScript()
        busy.exitsAtStart = 1
        busy.standardError = "listen tcp 127.0.0.1:40001: bind: address already in use\n"
        let launcher = FakeLauncher(scripts: ["server": [busy, FakeProcessScript()]])
        let sample = runner(target(), launcher: launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
        let servers = launcher.requests.filter { $0.role == "server" }
        #expect(servers.count == 2)
        #expect(servers[0].stderrPath != servers[1].stderrPath)
        #expect(servers.allSatisfy { $0.exclusiveOutput })
        #expect(servers[0].arguments != servers[1].arguments, "new ports on the retry")
    }

    @Test func failingLoadFailsTheTrialWithTheToolsReason() throws {
        let load = FakeLoadDriver(outcomes: [
            .success(FakeLoadDriver.result()), .failure(TrialFailure("wrk exited with status 1: unable to connect")),
        ])
        let sample = runner(target(), launcher: FakeLauncher(), load: load).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.outcome.failureReason == "wrk exited with status 1: unable to connect")
    }

    @Test func serverKilledUnderLoadFailsTheTrialWithTheSignal() throws {
        var dying = FakeProcessScript()
        dying.diesBySignal = SIGKILL
        dying.diesAfterPolls = 1  // alive through readiness, dead once the load has run
        dying.standardError = "fatal error: runtime: out of memory\n"
        let sample = runner(target(), launcher: FakeLauncher(scripts: ["server": [dying]]), warmup: 0)
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("server was killed by signal 9 (SIGKILL) during the trial"), "\(reason)")
        #expect(reason.contains("out of memory"))
    }

    @Test func serverPastTheRSSCapFailsTheTrial() throws {
        var hog = FakeProcessScript()
        hog.rssBytes = [100 << 20, 2 << 30]
        var spec = target()
        spec.maxRSSBytes = 1 << 30
        let sample = runner(spec, launcher: FakeLauncher(scripts: ["server": [hog]]))
            .run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("max_rss") || reason.contains("signal 9"), "\(reason)")
    }

    @Test func errorsAboveTheMaxErrorRateFailTheTrialAndBelowItDoNot() throws {
        var noisy = FakeLoadDriver.result(errors: 30, requests: 1000)
        noisy.errorBreakdown = ["status 500": 30]
        var trial = runner(target(), launcher: FakeLauncher(), load: FakeLoadDriver(outcomes: [.success(noisy)]))
        trial.maxErrorRate = 0.01
        let failed = trial.run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(
            failed.outcome.failureReason?.contains(
                "30 failed request(s) in the window (3.00 %: status 500 30), above load.max_error_rate 1.00 %") == true, "\(failed.outcome)"
        )
        trial.maxErrorRate = 0.05
        #expect(trial.run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1).isMeasured)
    }

    @Test func serverEnvironmentAddsOnlyTheSettingAndGCTrace() {
        var trial = runner(target(), launcher: FakeLauncher())
        trial.baseEnvironment = ["PATH": "/bin", "GODEBUG": "madvdontneed=1,gctrace=2", "GOGC": "5"]
        let environment = trial.serverEnvironment(for: GCSetting(gogc: 200, memoryLimitBytes: 512 << 20))
        #expect(
            environment == [
                "PATH": "/bin", "TUNER_TEST": "1", "GOGC": "200", "GOMEMLIMIT": "512MiB",
                "GODEBUG": "madvdontneed=1,gctrace=1",
            ])
    }

    func reading(_ gc: GCObservation) -> PauseReading { PauseReading(summary: PauseSummary(gctrace: gc), gc: gc) }

    @Test func unreadableTraceLinesFailAGCTraceTrial() throws {
        let observation = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 2, cyclesInRun: 5)
        #expect(throws: TrialFailure.self) {
            try TrialRunner.check(reading(observation), source: .gctrace, setting: .goDefault, logPrefix: "x")
        }
        // Another source does not depend on the trace.
        try TrialRunner.check(reading(observation), source: .prometheus, setting: .goDefault, logPrefix: "x")
    }

    @Test func missingTraceFailsUnlessTheSettingNeverCollects() throws {
        let silent = GCObservation(cycles: [], windowSeconds: 1, processors: nil, malformedLines: 0, cyclesInRun: 0)
        #expect(throws: TrialFailure.self) { try TrialRunner.check(reading(silent), source: .gctrace, setting: .goDefault, logPrefix: "x") }
        #expect(throws: TrialFailure.self) {
            try TrialRunner.check(
                reading(silent), source: .gctrace, setting: GCSetting(gogc: nil, memoryLimitBytes: 64 << 20), logPrefix: "x")
        }
        // GOGC=off with a limit collects only at the limit: below it, zero cycles is the truth;
        // at or above it (or with no reading of RSS) a silent trace is still a fault.
        try TrialRunner.check(
            reading(silent), source: .gctrace, setting: GCSetting(gogc: nil, memoryLimitBytes: 1 << 30),
            peakRSSBytes: 60 << 20, logPrefix: "x")
        #expect(throws: TrialFailure.self) {
            try TrialRunner.check(
                reading(silent), source: .gctrace, setting: GCSetting(gogc: nil, memoryLimitBytes: 64 << 20),
                peakRSSBytes: 70 << 20, logPrefix: "x")
        }
        #expect(throws: TrialFailure.self) {
            try TrialRunner.check(
                reading(silent), source: .gctrace, setting: GCSetting(gogc: 100, memoryLimitBytes: 1 << 30),
                peakRSSBytes: 60 << 20, logPrefix: "x")
        }
        // GOGC=off with no limit never collects: zero cycles is the truth, not a fault.
        try TrialRunner.check(reading(silent), source: .gctrace, setting: GCSetting(gogc: nil, memoryLimitBytes: nil), logPrefix: "x")
        // Cycles before the window but none inside it are a measurement (pauses 0), not a fault.
        let quietWindow = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 0, cyclesInRun: 4)
        try TrialRunner.check(reading(quietWindow), source: .gctrace, setting: .goDefault, logPrefix: "x")
    }
}
