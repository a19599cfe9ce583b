import Foundation
import TunerCore

extension LoadResult {
    /// A parsed tool output as a trial's load result, over the run [start, end] (Unix ns).
    /// - Throws: `TrialFailure` when the output lacks what every trial needs (throughput and a p99).
    init(_ measurement: LoadMeasurement, tool: String, startUnixNanos: Int64, endUnixNanos: Int64, what: String) throws {
        guard let p99 = measurement.p99Millis else {
            throw TrialFailure("\(what) reported no 99th-percentile latency; \(tool == "command" ? "give load.latency_p99_ms" : "tuner needs its latency distribution")")
        }
        self.init(operations: measurement.operations, throughputOpsPerSecond: measurement.throughputPerSecond,
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
private func measure(_ finished: ToolRunner.Finished, what: String, logPrefix: String,
                     parse: (String) throws -> LoadMeasurement) throws -> LoadMeasurement {
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
    func measuredRun(_ arguments: [String], _ invocation: LoadInvocation, tool: String,
                     parse: (String) throws -> LoadMeasurement) throws -> LoadResult {
        let finished = try run(arguments, durationSeconds: invocation.durationSeconds, logPrefix: invocation.logPrefix, what: tool)
        let measurement = try measure(finished, what: tool, logPrefix: invocation.logPrefix, parse: parse)
        return try LoadResult(measurement, tool: tool, startUnixNanos: finished.startedUnixNanos,
                              endUnixNanos: finished.endedUnixNanos, what: tool)
    }
}

/// `load.kind: wrk`: `wrk --latency -t T -c C -d Ds --timeout S URL`.
public struct WrkDriver: LoadDriver {
    public let spec: WrkLoad
    public let tool: ToolRunner
    public var kindName: String { "wrk" }

    public init(spec: WrkLoad, tool: ToolRunner) {
        self.spec = spec
        self.tool = tool
    }

    public func arguments(url: String, durationSeconds: Double) -> [String] {
        [spec.binary, "--latency", "-t", String(spec.threads), "-c", String(spec.connections),
         "-d", "\(max(1, Int(durationSeconds.rounded())))s", "--timeout", "\(max(1, Int(spec.timeoutSeconds.rounded(.up))))s"]
            + spec.extraArguments + [url]
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        let url = PortPlaceholders.substitute(spec.url, ports: invocation.ports)
        return try tool.measuredRun(arguments(url: url, durationSeconds: invocation.durationSeconds), invocation, tool: kindName) {
            try WrkOutput.parse($0).measurement
        }
    }
}

/// `load.kind: hey`: `hey -z Ds -c C [-q R] [-m M -d BODY] URL`.
public struct HeyDriver: LoadDriver {
    public let spec: HeyLoad
    public let tool: ToolRunner
    public var kindName: String { "hey" }

    public init(spec: HeyLoad, tool: ToolRunner) {
        self.spec = spec
        self.tool = tool
    }

    public func arguments(url: String, durationSeconds: Double) -> [String] {
        var arguments = [spec.binary, "-z", "\(Int((durationSeconds * 1000).rounded()))ms", "-c", String(spec.concurrency), "-m", spec.method]
        if let rate = spec.rateHz { arguments += ["-q", String(rate)] }
        if let body = spec.body { arguments += ["-d", body] }
        return arguments + spec.extraArguments + [url]
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        let url = PortPlaceholders.substitute(spec.url, ports: invocation.ports)
        return try tool.measuredRun(arguments(url: url, durationSeconds: invocation.durationSeconds), invocation, tool: kindName) {
            try HeyOutput.parse($0).measurement
        }
    }
}

/// `load.kind: command`: any load tool; its output is read through the spec's JSON paths or
/// regular expressions.
public struct CommandDriver: LoadDriver {
    public let spec: CommandLoad
    public let tool: ToolRunner
    public var kindName: String { "command" }

    public init(spec: CommandLoad, tool: ToolRunner) {
        self.spec = spec
        self.tool = tool
    }

    /// The command with every placeholder filled in; `resultPath` replaces `{out}`.
    public func arguments(_ invocation: LoadInvocation, resultPath: String) -> [String] {
        let duration = DurationText.format(invocation.durationSeconds).replacingOccurrences(of: " ", with: "")
        return spec.command.map { argument in
            PortPlaceholders.substitute(argument, ports: invocation.ports)
                .replacingOccurrences(of: "{duration}", with: duration)
                .replacingOccurrences(of: "{duration_s}", with: formatFixed(invocation.durationSeconds, decimals: 3))
                .replacingOccurrences(of: "{seed}", with: String(invocation.seed))
                .replacingOccurrences(of: "{out}", with: resultPath)
        }
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        let resultPath = "\(invocation.logPrefix).load.out"
        let writesFile = spec.command.contains { $0.contains("{out}") }
        let finished = try tool.run(arguments(invocation, resultPath: resultPath),
                                    durationSeconds: invocation.durationSeconds, logPrefix: invocation.logPrefix, what: "load.command")
        let measurement = try measure(finished, what: "load.command", logPrefix: invocation.logPrefix) { stdout in
            let text: String
            if writesFile {
                guard let data = FileManager.default.contents(atPath: resultPath) else {
                    throw TrialFailure("load.command wrote nothing to {out} (\(resultPath))")
                }
                text = String(decoding: data, as: UTF8.self)
            } else {
                text = stdout
            }
            return try spec.output.measure(output: text, elapsedSeconds: Double(finished.endedUnixNanos - finished.startedUnixNanos) / 1e9)
        }
        return try LoadResult(measurement, tool: kindName, startUnixNanos: finished.startedUnixNanos,
                              endUnixNanos: finished.endedUnixNanos, what: "load.command")
    }
}
