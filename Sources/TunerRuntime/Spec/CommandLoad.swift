import Foundation
import TunerCore
import Yams

/// `load.kind: command`: any load tool. Its command may use `{port}`, `{port:NAME}`,
/// `{duration}` (Go syntax, e.g. `6s`), `{duration_s}` (seconds), `{seed}` and `{out}` (a file
/// it writes its result to; without `{out}` its stdout is read).
public struct CommandLoad: Sendable {
    public var command: [String]
    /// How throughput, latency, operations and errors are read from the output.
    public var output: CommandOutputSpec

    public init(command: [String], output: CommandOutputSpec) {
        self.command = command
        self.output = output
    }
}

extension CommandLoad: LoadKindSpec {
    static var kindName: String { "command" }
    static var keys: [String] {
        [
            "command", "throughput", "operations", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_max_ms",
            "latency_unit", "errors", "requests",
        ]
    }
    var kind: LoadSpec.Kind { .command(self) }

    static func read(_ entries: [String: Node], in node: Node, reader: NodeReader, target: TargetSpec) throws(SpecError) -> CommandLoad {
        let commandNode = try reader.required(entries, "command", "load", in: node)
        var command = try reader.stringList(commandNode, "load.command")
        if command[0].contains("/") { command[0] = reader.resolve(command[0], against: target.workdir) }
        try reader.requireBound([(command.joined(separator: " "), "load.command", commandNode)], bound: target.boundPortNames)
        func field(_ key: String) throws(SpecError) -> OutputField? {
            try entries[key].map { n throws(SpecError) in try reader.outputField(n, "load.\(key)") }
        }
        var output = CommandOutputSpec(
            throughput: try reader.outputField(try reader.required(entries, "throughput", "load", in: node), "load.throughput"))
        output.operations = try field("operations")
        output.latencyP50 = try field("latency_p50_ms")
        output.latencyP90 = try field("latency_p90_ms")
        output.latencyP99 = try field("latency_p99_ms")
        output.latencyMax = try field("latency_max_ms")
        output.errors = try field("errors")
        output.attempted = try field("requests")
        if let unitNode = entries["latency_unit"] {
            let units: [String: Double] = ["ms": 1, "s": 1000, "us": 0.001, "µs": 0.001, "ns": 0.000_001]
            let text = try reader.string(unitNode, "load.latency_unit")
            guard let scale = units[text] else {
                throw reader.error(
                    unitNode, "load.latency_unit",
                    "'\(text)' is not a unit; use ms, s, us or ns (the unit the command prints latencies in)")
            }
            output.latencyMillisPerUnit = scale
        }
        return CommandLoad(command: command, output: output)
    }

    var programs: [(program: String, key: String, hint: String)] { [(command[0], "load.command", "fix load.command or target.build")] }

    var fingerprint: [String: String] { ["load": "command \(command.joined(separator: " "))"] }
}
