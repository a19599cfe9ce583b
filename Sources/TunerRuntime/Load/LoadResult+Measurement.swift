import Foundation
import TunerCore

extension LoadResult {
    /// A parsed tool output as a trial's load result, over the run [start, end] (Unix ns).
    /// - Throws: `TrialFailure` when the output lacks what every trial needs (throughput and a p99).
    init(_ measurement: LoadMeasurement, tool: String, startUnixNanos: Int64, endUnixNanos: Int64, what: String) throws {
        guard let p99 = measurement.p99Millis else {
            throw TrialFailure(
                "\(what) reported no 99th-percentile latency; \(tool == "command" ? "give load.latency_p99_ms" : "tuner needs its latency distribution")"
            )
        }
        self.init(
            operations: measurement.operations, throughputOpsPerSecond: measurement.throughputPerSecond,
            latencyP50Millis: measurement.p50Millis ?? p99, latencyP90Millis: measurement.p90Millis ?? p99,
            latencyP99Millis: p99, latencyMaxMillis: measurement.maxMillis ?? p99,
            errors: measurement.errors, converged: nil,
            windowStartUnixNanos: startUnixNanos, windowEndUnixNanos: endUnixNanos)
        self.tool = tool
        self.requests = measurement.attempted
        self.errorBreakdown = measurement.errorBreakdown.isEmpty ? nil : measurement.errorBreakdown
    }
}

/// Parses a finished run's output with `parse`, turning a parse error into a failed trial that
/// shows the lines it could not read.
func measure(
    _ finished: ToolRunner.Finished, what: String, logPrefix: String,
    parse: (String) throws -> LoadMeasurement
) throws -> LoadMeasurement {
    guard finished.exit.succeeded else {
        throw TrialFailure("\(what) \(finished.exit): \(lastLines(of: finished.stderr.isEmpty ? finished.stdout : finished.stderr))")
    }
    do {
        return try parse(finished.stdout)
    } catch {
        throw TrialFailure("\(what) output could not be read: \(error) (see \(logPrefix).load.stdout)")
    }
}

extension ToolRunner {
    /// Runs a tool that reports on its stdout for the invocation's duration, parses its output
    /// and makes it the trial's load result over the run's span.
    func measuredRun(
        _ arguments: [String], _ invocation: LoadInvocation, tool: String,
        parse: (String) throws -> LoadMeasurement
    ) throws -> LoadResult {
        let finished = try run(arguments, durationSeconds: invocation.durationSeconds, logPrefix: invocation.logPrefix, what: tool)
        let measurement = try measure(finished, what: tool, logPrefix: invocation.logPrefix, parse: parse)
        return try LoadResult(
            measurement, tool: tool, startUnixNanos: finished.startedUnixNanos,
            endUnixNanos: finished.endedUnixNanos, what: tool)
    }
}
