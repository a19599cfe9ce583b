import Foundation
import TunerCore

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
        struct Latency: Decodable {
            var p50: Double
            var p90: Double
            var p99: Double
            var max: Double
        }
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
        [
            spec.binary,
            "-url", "http://127.0.0.1:\(port)",
            "-mode", spec.mode.rawValue,
            "-clients", String(spec.clients),
            "-rate", String(spec.rateHz),
            "-docs", String(spec.docs),
            "-doc-size", String(spec.docSizeBytes),
            "-warmup", "0ms",
            "-duration", "\(Int((durationSeconds * 1000).rounded()))ms",
            "-seed", String(seed),
            "-out", resultPath,
        ] + spec.extraArguments
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        guard let port = invocation.ports[""] else {
            throw TrialFailure("load.kind sync-bench talks to {port}, but target.command binds no {port}")
        }
        let resultPath = "\(invocation.logPrefix).load.json"
        let finished = try tool.run(
            arguments(port: port, durationSeconds: invocation.durationSeconds, seed: invocation.seed, resultPath: resultPath),
            durationSeconds: invocation.durationSeconds, logPrefix: invocation.logPrefix, what: "load generator")
        let output = FileManager.default.contents(atPath: resultPath).flatMap { try? JSONDecoder().decode(Output.self, from: $0) }
        if let output, !output.converged {
            throw TrialFailure(
                "CONVERGENCE CHECK FAILED: \(output.divergent_clients ?? -1) client(s) ended with a text different from the server's; see \(invocation.logPrefix).load.stderr"
            )
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

extension SyncBenchLoad {
    func driver(tool: ToolRunner) -> LoadDriver { SyncBenchDriver(spec: self, tool: tool) }
}
