import Foundation
import TunerCore

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
        var arguments = [
            spec.binary, "-z", "\(Int((durationSeconds * 1000).rounded()))ms", "-c", String(spec.concurrency), "-m", spec.method,
        ]
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

extension HeyLoad {
    func driver(tool: ToolRunner) -> LoadDriver { HeyDriver(spec: self, tool: tool) }
}
