import Foundation
import TunerCore

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
        let finished = try tool.run(
            arguments(invocation, resultPath: resultPath),
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
        return try LoadResult(
            measurement, tool: kindName, startUnixNanos: finished.startedUnixNanos,
            endUnixNanos: finished.endedUnixNanos, what: "load.command")
    }
}

extension CommandLoad {
    func driver(tool: ToolRunner) -> LoadDriver { CommandDriver(spec: self, tool: tool) }
}
