import Foundation
import TunerCore

/// One run of a load tool against a started service.
public struct LoadInvocation: Sendable {
    /// The trial's loopback ports by placeholder name ("" for `{port}`).
    public var ports: [String: Int]
    /// How long the tool drives load, seconds.
    public var durationSeconds: Double
    /// The load's random stream.
    public var seed: UInt64
    /// Path prefix for the tool's own output files (`PREFIX.load.stdout`, …); unique per run.
    public var logPrefix: String
    /// false for the warm-up: the same tool, run first and not counted.
    public var measured: Bool

    public init(ports: [String: Int], durationSeconds: Double, seed: UInt64, logPrefix: String, measured: Bool) {
        self.ports = ports
        self.durationSeconds = durationSeconds
        self.seed = seed
        self.logPrefix = logPrefix
        self.measured = measured
    }
}

/// Drives load at a started service: one kind per conformer (sync-bench, wrk, hey, command),
/// made by `LoadDrivers.make`. A trial runs the tool once unmeasured for the warm-up, then once
/// for the measured window; the measured window is the tool's own run.
public protocol LoadDriver: Sendable {
    /// The spec's name for the kind (`sync-bench`, `wrk`, …).
    var kindName: String { get }
    /// Runs the tool once and returns what it measured.
    /// - Throws: `TrialFailure` with a reason a user can act on (naming the spec key).
    func run(_ invocation: LoadInvocation) throws -> LoadResult
}

/// Why a trial produced no sample. The study records it and goes on.
public struct TrialFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The server could not bind its port (someone took it first): worth one more try.
    public var portTaken = false
    public init(_ description: String) { self.description = description }
}

/// The one factory of load drivers: adding a kind touches `LoadSpec.Kind`, its spec struct,
/// its driver and this switch.
public enum LoadDrivers {
    public static func make(_ spec: LoadSpec, launcher: Launcher, workingDirectory: String) -> LoadDriver {
        let runner = ToolRunner(launcher: launcher, workingDirectory: workingDirectory, cpus: spec.cpus)
        switch spec.kind {
        case .syncBench(let load): return SyncBenchDriver(spec: load, tool: runner)
        case .wrk(let load): return WrkDriver(spec: load, tool: runner)
        case .hey(let load): return HeyDriver(spec: load, tool: runner)
        case .command(let load): return CommandDriver(spec: load, tool: runner)
        }
    }
}

/// Starts a load tool through the launcher, bounds its run, and hands back what it printed.
public struct ToolRunner: Sendable {
    public let launcher: Launcher
    public let workingDirectory: String
    public let cpus: String?
    /// Extra seconds past the run's duration before the tool is declared hung.
    public var slackSeconds: Double = 30

    public init(launcher: Launcher, workingDirectory: String, cpus: String?) {
        self.launcher = launcher
        self.workingDirectory = workingDirectory
        self.cpus = cpus
    }

    /// What one run of a tool left behind.
    public struct Finished: Sendable {
        public var exit: ProcessExit
        public var stdout: String
        public var stderr: String
        /// Unix ns just before the spawn and just after the exit.
        public var startedUnixNanos: Int64
        public var endedUnixNanos: Int64
    }

    /// Runs `arguments` for about `durationSeconds`, killing it past the slack.
    /// - Parameter what: the tool's name in messages (`wrk`, `load.command`, …).
    public func run(_ arguments: [String], durationSeconds: Double, logPrefix: String, what: String) throws -> Finished {
        let request = LaunchRequest(arguments: arguments, workingDirectory: workingDirectory,
                                    environment: ProcessInfo.processInfo.environment,
                                    stdoutPath: "\(logPrefix).load.stdout", stderrPath: "\(logPrefix).load.stderr",
                                    role: "load", cpus: cpus, exclusiveOutput: true)
        let started = unixNanos()
        let process: RunningProcess
        do { process = try launcher.launch(request) } catch {
            throw TrialFailure("\(what) could not start: \(error)")
        }
        let deadline = durationSeconds + slackSeconds
        guard let exit = process.wait(timeoutSeconds: deadline) else {
            process.stop(graceSeconds: 1)
            throw TrialFailure("\(what) did not finish within \(DurationText.format(deadline)) (server hung?); see \(logPrefix).load.stderr")
        }
        return Finished(exit: exit, stdout: process.standardOutput(), stderr: process.standardError(),
                        startedUnixNanos: started, endedUnixNanos: unixNanos())
    }
}

/// The bundled `sync-bench` load generator (experiments/workload/cmd/sync-bench). It reports
/// its own window (after its clients have connected) and checks that every client converged.
public struct SyncBenchDriver: LoadDriver {
    public let spec: SyncBenchLoad
    public let tool: ToolRunner
    public var kindName: String { "sync-bench" }

    public init(spec: SyncBenchLoad, tool: ToolRunner) {
        self.spec = spec
        self.tool = tool
    }

    /// sync-bench's JSON result (field names as it writes them).
    struct Output: Decodable {
        struct Latency: Decodable { var p50: Double; var p90: Double; var p99: Double; var max: Double }
        var operations: Int
        var throughput_ops_per_sec: Double
        var latency_ms: Latency
        var errors: Int
        var error_samples: [String]?
        var converged: Bool
        var divergent_clients: Int?
        var window_start_unix_nano: Int64
        var window_end_unix_nano: Int64
    }

    public func arguments(port: Int, durationSeconds: Double, seed: UInt64, resultPath: String) -> [String] {
        [spec.binary,
         "-url", "http://127.0.0.1:\(port)",
         "-mode", spec.mode.rawValue,
         "-clients", String(spec.clients),
         "-rate", String(spec.rateHz),
         "-docs", String(spec.docs),
         "-doc-size", String(spec.docSizeBytes),
         "-warmup", "0ms",
         "-duration", "\(Int((durationSeconds * 1000).rounded()))ms",
         "-seed", String(seed),
         "-out", resultPath] + spec.extraArguments
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        guard let port = invocation.ports[""] else {
            throw TrialFailure("load.kind sync-bench talks to {port}, but target.command binds no {port}")
        }
        let resultPath = "\(invocation.logPrefix).load.json"
        let finished = try tool.run(arguments(port: port, durationSeconds: invocation.durationSeconds, seed: invocation.seed, resultPath: resultPath),
                                    durationSeconds: invocation.durationSeconds, logPrefix: invocation.logPrefix, what: "load generator")
        let output = FileManager.default.contents(atPath: resultPath).flatMap { try? JSONDecoder().decode(Output.self, from: $0) }
        if let output, !output.converged {
            throw TrialFailure("CONVERGENCE CHECK FAILED: \(output.divergent_clients ?? -1) client(s) ended with a text different from the server's; see \(invocation.logPrefix).load.stderr")
        }
        guard finished.exit.succeeded else {
            throw TrialFailure("load generator \(finished.exit): \(lastLines(of: finished.stderr))")
        }
        guard let output else {
            throw TrialFailure("load generator wrote no readable result to \(resultPath)")
        }
        var result = LoadResult(
            operations: output.operations, throughputOpsPerSecond: output.throughput_ops_per_sec,
            latencyP50Millis: output.latency_ms.p50, latencyP90Millis: output.latency_ms.p90,
            latencyP99Millis: output.latency_ms.p99, latencyMaxMillis: output.latency_ms.max,
            errors: output.errors, converged: output.converged,
            windowStartUnixNanos: output.window_start_unix_nano, windowEndUnixNanos: output.window_end_unix_nano)
        result.tool = kindName
        return result
    }
}
