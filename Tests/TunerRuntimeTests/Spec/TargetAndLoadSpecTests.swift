import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// `target:` for any program and `load:` of every kind, and each misconfiguration's message.
@Suite struct TargetAndLoadSpecTests {
    func parse(_ target: String, _ load: String) throws(SpecError) -> StudySpec {
        try SpecLoader.parse(
            yaml: """
                study: any
                target:
                \(target.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                load:
                \(load.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                parameters: {gogc: {values: [50, 100]}}
                budget: {settings: 2, duration: 2s}
                """, file: "any.yml", absolutePath: "/srv/any.yml")
    }

    func failure(_ target: String, _ load: String) -> SpecError? {
        do {
            _ = try parse(target, load)
            Issue.record("expected an error")
            return nil
        } catch { return error }
    }

    static let twoPorts = """
        command: [/opt/app/server, --listen, "127.0.0.1:{port}", --metrics, "127.0.0.1:{port:monitor}"]
        """

    @Test func anyProgramWithTwoNamedPortsLogReadinessAStopSignalAndAPauseSource() throws {
        let spec = try parse(
            Self.twoPorts + """

                env: {APP_MODE: bench}
                ready: {log: "listening on .*", timeout: 20s}
                stop_signal: SIGINT
                pauses: {source: prometheus, url: "http://127.0.0.1:{port:monitor}/metrics", interval: 250ms}
                """, "kind: wrk\nurl: \"http://127.0.0.1:{port}/items\"\nconnections: 64\nthreads: 2")
        #expect(spec.target.boundPortNames == ["", "monitor"])
        #expect(spec.target.readiness.kind == .log(pattern: "listening on .*"))
        #expect(spec.target.stopSignal.number == SIGINT)
        #expect(
            spec.target.pauses == PauseSourceSpec(kind: .prometheus, url: "http://127.0.0.1:{port:monitor}/metrics", intervalSeconds: 0.25))
        guard case .wrk(let wrk) = spec.load.kind else {
            Issue.record("expected wrk")
            return
        }
        #expect(wrk.connections == 64 && wrk.threads == 2 && wrk.binary == "wrk")
        #expect(spec.load.maxErrorRate == 0.01)
    }

    @Test func theDefaultReadinessIsATCPConnectToTheFirstPort() throws {
        let spec = try parse(Self.twoPorts, "kind: hey\nurl: \"http://127.0.0.1:{port}/\"\nconcurrency: 4\nrate_hz: 50")
        #expect(spec.target.readiness.kind == .tcp(port: "{port}"))
        guard case .hey(let hey) = spec.load.kind else {
            Issue.record("expected hey")
            return
        }
        #expect(hey.concurrency == 4 && hey.rateHz == 50 && hey.method == "GET")
    }

    @Test func aCommandLoadReadsItsFiguresByJSONPathOrRegex() throws {
        let spec = try parse(
            Self.twoPorts,
            """
            kind: command
            command: [bin/bench, -addr, "127.0.0.1:{port}", -d, "{duration}", -out, "{out}"]
            throughput: {json: "$.summary.rps"}
            latency_p99_ms: {regex: "p99=([0-9.]+)"}
            latency_unit: us
            errors: {json: "$.errors"}
            """)
        guard case .command(let command) = spec.load.kind else {
            Issue.record("expected command")
            return
        }
        #expect(command.command[0] == "/srv/bin/bench", "relative to target.workdir")
        #expect(command.output.throughput == .json(path: "$.summary.rps"))
        #expect(command.output.latencyP99 == .regex(pattern: "p99=([0-9.]+)"))
        #expect(command.output.latencyMillisPerUnit == 0.001)
    }

    @Test(arguments: [
        ("ready: {tcp: \"{port:admin}\"}", "target.ready.tcp", "uses {port:admin}, but the service is never given it"),
        (
            "pauses: {source: expvar, url: \"http://127.0.0.1:{port:debug}/debug/vars\"}", "target.pauses.url",
            "uses {port:debug}, but the service is never given it"
        ),
        ("pauses: {source: expvar}", "target.pauses.url", "give its url"),
        ("pauses: {source: statsd}", "target.pauses.source", "is not a pause source"),
        ("ready: {log: \"([unclosed\"}", "target.ready.log", "is not a regular expression"),
        ("ready: {http: \"http://10.0.0.5:{port}/\"}", "target.ready.http", "must be a loopback"),
        ("ready: {tcp: \"{port}\", log: \"up\"}", "target.ready", "give one of http, tcp or log"),
        ("stop_signal: SIGSTOP", "target.stop_signal", "is not a signal tuner sends"),
    ])
    func aTargetMisconfigurationNamesItsKey(extra: String, key: String, message: String) throws {
        let error = try #require(failure(Self.twoPorts + "\n" + extra, "kind: wrk\nurl: \"http://127.0.0.1:{port}/\""))
        #expect(error.keyPath == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test(arguments: [
        ("kind: wrk\nurl: \"http://127.0.0.1:{port:web}/\"", "load.url", "uses {port:web}, but the service is never given it"),
        ("kind: wrk", "load.url", "missing key"),
        (
            "kind: wrk\nurl: \"http://127.0.0.1:{port}/\"\nthreads: 8\nconnections: 4", "load.connections",
            "at least one connection per thread"
        ),
        ("kind: gatling", "load.kind", "is not a load kind"),
        ("kind: hey\nurl: \"http://127.0.0.1:{port}/\"\nmethod: BREW", "load.method", "is not an HTTP method"),
        ("kind: command\ncommand: [b]\nthroughput: {json: \"$..rps\"}", "load.throughput.json", "recursive descent"),
        ("kind: command\ncommand: [b]\nthroughput: {regex: \"no group\"}", "load.throughput.regex", "has no capture group"),
        ("kind: command\ncommand: [b]", "load.throughput", "missing key"),
        ("kind: command\ncommand: [b, \"{port:x}\"]\nthroughput: {json: \"$.a\"}", "load.command", "uses {port:x}"),
        ("kind: command\ncommand: [b]\nthroughput: {json: \"$.a\"}\nlatency_unit: fortnights", "load.latency_unit", "is not a unit"),
        ("kind: wrk\nurl: \"http://127.0.0.1:{port}/\"\nclients: 3", "load.clients", "unknown key"),
    ])
    func aLoadMisconfigurationNamesItsKey(load: String, key: String, message: String) throws {
        let error = try #require(failure(Self.twoPorts, load))
        #expect(error.keyPath == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func aCommandWithNoPortNeedsLogReadiness() throws {
        let error = try #require(failure("command: [/opt/app/worker]", "kind: command\ncommand: [b]\nthroughput: {json: \"$.a\"}"))
        #expect(error.keyPath == "target.ready")
        #expect(error.message.contains("is given no {port}"))
        _ = try parse("command: [/opt/app/worker]\nready: {log: \"started\"}", "kind: command\ncommand: [b]\nthroughput: {json: \"$.a\"}")
    }
}

/// The checks before the first trial, on a fake launcher's build info.
@Suite struct PreflightTests {
    func runner(goVersion: String, gomemlimit: String) throws -> StudyRunner {
        let spec = try SpecLoader.parse(
            yaml: """
                study: pre
                target: {command: [/bin/sh, "{port}"]}
                load: {kind: wrk, binary: /bin/sh, url: "http://127.0.0.1:{port}/"}
                parameters: {gogc: {values: [50, 100]}, gomemlimit: {values: [\(gomemlimit)]}}
                budget: {settings: 2, duration: 2s}
                """, file: "pre.yml", absolutePath: "/tmp/pre.yml")
        let launcher = FakeLauncher()
        launcher.buildInfo = GoBuildInfo(goVersion: goVersion, mainModule: nil, experiments: [], defaultGODEBUG: "madvdontneed=1")
        var runner = StudyRunner(spec: spec, store: InMemoryStudyStore(), trialRunner: ReplayEvaluator(samples: []), log: { _ in })
        runner.launcher = launcher
        return runner
    }

    @Test func aGOMEMLIMITDomainOnATargetBuiltBeforeGo119IsRefusedWithItsVersion() throws {
        let old = try runner(goVersion: "go1.18.10", gomemlimit: "off, 256MiB")
        do {
            _ = try old.preflight()
            Issue.record("expected a refusal")
        } catch {
            #expect(
                "\(error)".contains("parameters.gomemlimit: the target is built with go1.18.10, and GOMEMLIMIT exists only from Go 1.19"),
                "\(error)")
        }
        // GOGC alone is fine on the same binary; its GC-related GODEBUG default is a warning.
        let warnings = try runner(goVersion: "go1.18.10", gomemlimit: "off").preflight()
        #expect(warnings.contains { $0.contains("madvdontneed=1") }, "\(warnings)")
    }
}
