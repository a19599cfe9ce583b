import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// Load drivers on real tools (wrk, hey, a script posing as a command or as sync-bench) against
/// a real loopback HTTP server, and the fake; one contract for all, then each kind's faults.
@Suite(.serialized) struct LoadDriverTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-loads-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func script(_ name: String, _ body: String) throws -> String {
        let path = "\(directory)/\(name)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    var tool: ToolRunner { ToolRunner(launcher: PosixLauncher(), workingDirectory: directory, cpus: nil) }

    /// Runs `body` with a Python HTTP server answering 200 on 127.0.0.1:PORT.
    func withHTTPServer(_ body: (Int) throws -> Void) throws {
        let launcher = PosixLauncher()
        let port = try launcher.freePort()
        let server = try launcher.launch(
            LaunchRequest(
                arguments: ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"],
                workingDirectory: directory, environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/http.out", stderrPath: "\(directory)/http.err"))
        defer { server.stop(graceSeconds: 1) }
        let deadline = monotonicSeconds() + 10
        while !Loopback.tcpOpen(port: port) && monotonicSeconds() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try body(port)
    }

    func invocation(_ port: Int, seconds: Double = 1) -> LoadInvocation {
        LoadInvocation(ports: ["": port], durationSeconds: seconds, seed: 1, logPrefix: "\(directory)/\(UUID().uuidString)", measured: true)
    }

    /// What every driver's result must satisfy.
    func checkContract(_ result: LoadResult, _ name: String) {
        #expect(result.windowEndUnixNanos > result.windowStartUnixNanos, "\(name)")
        #expect(result.throughputOpsPerSecond > 0 && result.operations > 0, "\(name)")
        #expect(
            result.latencyP50Millis <= result.latencyP99Millis && result.latencyP99Millis <= result.latencyMaxMillis, "\(name): \(result)")
        #expect(result.tool != nil, "\(name)")
    }

    static func commandSpec(out: Bool) -> CommandLoad {
        var output = CommandOutputSpec(throughput: .json(path: "$.rps"))
        output.latencyP50 = .json(path: "$.lat.p50")
        output.latencyP99 = .regex(pattern: "p99 ([0-9.]+)")
        output.latencyMax = .json(path: "$.lat.max")
        output.errors = .json(path: "$.errors")
        return CommandLoad(command: ["./bench.sh", "{port}", "{duration}", out ? "{out}" : "-"], output: output)
    }

    @Test func everyDriverMeetsTheContract() throws {
        try withHTTPServer { port in
            let url = "http://127.0.0.1:{port}/"
            var wrk = WrkLoad(url: url)
            wrk.connections = 2
            var hey = HeyLoad(url: url)
            hey.concurrency = 2
            _ = try script(
                "bench.sh",
                #"""
                line='{"rps": 812.5, "lat": {"p50": 1.5, "max": 9.5}, "errors": 0}'
                if [ "$3" = "-" ]; then echo "latency p99 4.25 ms"; echo "$line"; else printf 'latency p99 4.25 ms\n%s\n' "$line" > "$3"; fi
                """#)
            let drivers: [(String, LoadDriver)] = [
                ("wrk", WrkDriver(spec: wrk, tool: tool)), ("hey", HeyDriver(spec: hey, tool: tool)),
                ("command", CommandDriver(spec: Self.commandSpec(out: true), tool: tool)),
                ("fake", FakeLoadDriver()),
            ]
            for (name, driver) in drivers {
                checkContract(try driver.run(invocation(port)), name)
            }
            let command = try CommandDriver(spec: Self.commandSpec(out: false), tool: tool).run(invocation(port))
            #expect(command.throughputOpsPerSecond == 812.5 && command.latencyP99Millis == 4.25 && command.latencyMaxMillis == 9.5)
        }
    }

    @Test func aCommandsPlaceholdersAreFilledIn() {
        let driver = CommandDriver(spec: Self.commandSpec(out: true), tool: tool)
        let arguments = driver.arguments(
            LoadInvocation(ports: ["": 4222], durationSeconds: 6, seed: 9, logPrefix: "/l/t", measured: true), resultPath: "/l/t.load.out")
        #expect(arguments == ["./bench.sh", "4222", "6s", "/l/t.load.out"])
    }

    @Test func wrkAgainstNothingFailsWithItsOwnWords() throws {
        let port = try PosixLauncher().freePort()
        #expect(throws: TrialFailure.self) {
            try WrkDriver(spec: WrkLoad(url: "http://127.0.0.1:{port}/"), tool: tool).run(invocation(port))
        }
        do { _ = try WrkDriver(spec: WrkLoad(url: "http://127.0.0.1:{port}/"), tool: tool).run(invocation(port)) } catch {
            #expect("\(error)".contains("wrk"), "\(error)")
        }
    }

    @Test func heyCountsNon2xxAnswersAsErrors() throws {
        try withHTTPServer { port in
            var hey = HeyLoad(url: "http://127.0.0.1:{port}/no-such-file")
            hey.concurrency = 2
            let result = try HeyDriver(spec: hey, tool: tool).run(invocation(port))
            #expect(result.errors > 0 && result.errorRate > 0.9, "\(result)")
            #expect(result.errorBreakdown?.keys.contains { $0.contains("404") } == true, "\(result.errorBreakdown ?? [:])")
        }
    }

    @Test func unparseableCommandOutputFailsShowingTheLinesItCouldNotRead() throws {
        _ = try script("bench.sh", "echo 'done in 6s, all good'")
        let driver = CommandDriver(spec: Self.commandSpec(out: false), tool: tool)
        do {
            _ = try driver.run(invocation(1))
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("load.command output could not be read"), "\(error)")
            #expect("\(error)".contains("done in 6s, all good"), "the unread line is shown: \(error)")
        }
    }

    @Test func divergentSyncBenchClientsFailTheTrialLoudly() throws {
        let binary = try script(
            "diverge.sh",
            """
            while [ "$1" != "-out" ]; do shift; done
            echo '{"operations":1,"throughput_ops_per_sec":1,"latency_ms":{"p50":1,"p90":1,"p99":1,"max":1},"errors":0,"converged":false,"divergent_clients":2,"window_start_unix_nano":1,"window_end_unix_nano":2}' > "$2"
            exit 3
            """)
        let load = SyncBenchLoad(binary: binary, mode: .closed, clients: 1, rateHz: 1, docs: 1, docSizeBytes: 1024, extraArguments: [])
        #expect(throws: TrialFailure.self) { try SyncBenchDriver(spec: load, tool: tool).run(invocation(1)) }
        do { _ = try SyncBenchDriver(spec: load, tool: tool).run(invocation(1)) } catch {
            #expect("\(error)".contains("CONVERGENCE CHECK FAILED: 2 client(s)"))
        }
    }

    @Test func aHungToolIsKilledAtItsDeadline() throws {
        let binary = try script("hang.sh", "exec sleep 60")
        var runner = tool
        runner.slackSeconds = 0.5
        var output = CommandOutputSpec(throughput: .json(path: "$.rps"))
        output.latencyP99 = .json(path: "$.p99")
        let driver = CommandDriver(spec: CommandLoad(command: [binary], output: output), tool: runner)
        do {
            _ = try driver.run(invocation(1, seconds: 0.5))
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("load.command did not finish within 1s (server hung?)"), "\(error)")
        }
    }
}
