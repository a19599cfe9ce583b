import Foundation
import TunerCore

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
        [
            spec.binary, "--latency", "-t", String(spec.threads), "-c", String(spec.connections),
            "-d", "\(max(1, Int(durationSeconds.rounded())))s", "--timeout", "\(max(1, Int(spec.timeoutSeconds.rounded(.up))))s",
        ]
            + spec.extraArguments + [url]
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        let url = PortPlaceholders.substitute(spec.url, ports: invocation.ports)
        return try tool.measuredRun(arguments(url: url, durationSeconds: invocation.durationSeconds), invocation, tool: kindName) {
            try WrkOutput.parse($0).measurement
        }
    }
}

extension WrkLoad {
    func driver(tool: ToolRunner) -> LoadDriver { WrkDriver(spec: self, tool: tool) }
}
