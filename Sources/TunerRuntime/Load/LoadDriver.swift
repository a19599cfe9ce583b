import Foundation
import TunerCore

/// Drives load at a started service for a warm-up and a measured window.
public protocol LoadDriver: Sendable {
    /// Runs the load against 127.0.0.1:`port` and returns what it measured.
    /// - Parameters:
    ///   - warmupSeconds: load before the window; not counted.
    ///   - durationSeconds: the measured window.
    ///   - seed: the load's random stream.
    ///   - logDirectory: where to keep the driver's own output.
    ///   - trialName: prefix for files in `logDirectory`.
    /// - Throws: `TrialFailure` with a reason a user can act on.
    func run(port: Int, warmupSeconds: Double, durationSeconds: Double, seed: UInt64,
             logDirectory: String, trialName: String) throws -> LoadResult
}

/// Why a trial produced no sample. The study records it and goes on.
public struct TrialFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The server could not bind its port (someone took it first): worth one more try.
    public var portTaken = false
    public init(_ description: String) { self.description = description }
}

/// The bundled `sync-bench` load generator (experiments/workload/cmd/sync-bench).
public struct SyncBenchDriver: LoadDriver {
    public let spec: LoadSpec
    public let launcher: Launcher
    public let workingDirectory: String
    /// Extra seconds past warm-up + duration before the load is declared hung.
    public var slackSeconds: Double = 30

    public init(spec: LoadSpec, launcher: Launcher, workingDirectory: String) {
        self.spec = spec
        self.launcher = launcher
        self.workingDirectory = workingDirectory
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

    public func arguments(port: Int, warmupSeconds: Double, durationSeconds: Double, seed: UInt64, resultPath: String) -> [String] {
        [spec.binary,
         "-url", "http://127.0.0.1:\(port)",
         "-mode", spec.mode.rawValue,
         "-clients", String(spec.clients),
         "-rate", String(spec.rateHz),
         "-docs", String(spec.docs),
         "-doc-size", String(spec.docSizeBytes),
         "-warmup", "\(Int((warmupSeconds * 1000).rounded()))ms",
         "-duration", "\(Int((durationSeconds * 1000).rounded()))ms",
         "-seed", String(seed),
         "-out", resultPath] + spec.extraArguments
    }

    public func run(port: Int, warmupSeconds: Double, durationSeconds: Double, seed: UInt64,
                    logDirectory: String, trialName: String) throws -> LoadResult {
        let resultPath = "\(logDirectory)/\(trialName).load.json"
        let stderrPath = "\(logDirectory)/\(trialName).load.stderr"
        try? FileManager.default.removeItem(atPath: resultPath)
        let request = LaunchRequest(
            arguments: arguments(port: port, warmupSeconds: warmupSeconds, durationSeconds: durationSeconds, seed: seed, resultPath: resultPath),
            workingDirectory: workingDirectory,
            environment: ProcessInfo.processInfo.environment,
            stdoutPath: "\(logDirectory)/\(trialName).load.stdout", stderrPath: stderrPath, role: "load", cpus: spec.cpus,
            exclusiveOutput: true)
        let process: RunningProcess
        do { process = try launcher.launch(request) } catch {
            throw TrialFailure("load generator could not start: \(error)")
        }
        let deadline = warmupSeconds + durationSeconds + slackSeconds
        guard let exit = process.wait(timeoutSeconds: deadline) else {
            process.stop(graceSeconds: 1)
            throw TrialFailure("load generator did not finish within \(DurationText.format(deadline)) (server hung?); see \(stderrPath)")
        }
        let output = readOutput(resultPath)
        if let output, !output.converged {
            throw TrialFailure("CONVERGENCE CHECK FAILED: \(output.divergent_clients ?? -1) client(s) ended with a text different from the server's; see \(stderrPath)")
        }
        guard exit.succeeded else {
            throw TrialFailure("load generator \(exit): \(lastLines(of: stderrPath))")
        }
        guard let output else {
            throw TrialFailure("load generator wrote no readable result to \(resultPath)")
        }
        return LoadResult(
            operations: output.operations, throughputOpsPerSecond: output.throughput_ops_per_sec,
            latencyP50Millis: output.latency_ms.p50, latencyP90Millis: output.latency_ms.p90,
            latencyP99Millis: output.latency_ms.p99, latencyMaxMillis: output.latency_ms.max,
            errors: output.errors, converged: output.converged,
            windowStartUnixNanos: output.window_start_unix_nano, windowEndUnixNanos: output.window_end_unix_nano)
    }

    private func readOutput(_ path: String) -> Output? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Output.self, from: data)
    }
}

/// The last `count` non-empty lines of a text file, joined with " | " (for error messages).
public func lastLines(of path: String, count: Int = 3) -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no output)" }
    let lines = text.split(separator: "\n").filter { !$0.hasPrefix("gc ") }.suffix(count)
    return lines.isEmpty ? "(no output)" : lines.joined(separator: " | ")
}
