import Foundation
import TunerCore
import Yams

/// `load.kind: wrk`: closed-loop HTTP load from wrk's connections.
public struct WrkLoad: Sendable {
    /// wrk's executable (PATH lookup when it has no slash).
    public var binary: String = "wrk"
    /// Loopback URL; port placeholders allowed.
    public var url: String
    public var threads: Int = 1
    public var connections: Int = 16
    /// wrk's per-request timeout (`--timeout`), seconds.
    public var timeoutSeconds: Double = 2
    /// Extra arguments (e.g. `[-s, post.lua]`), passed before the URL.
    public var extraArguments: [String] = []

    public init(url: String) { self.url = url }
}

extension WrkLoad: LoadKindSpec {
    static var kindName: String { "wrk" }
    static var keys: [String] { ["binary", "url", "threads", "connections", "timeout", "args"] }
    var kind: LoadSpec.Kind { .wrk(self) }

    static func read(_ entries: [String: Node], in node: Node, reader: NodeReader, target: TargetSpec) throws(SpecError) -> WrkLoad {
        var wrk = WrkLoad(url: try reader.loadURL(entries, in: node, target: target))
        if let n = entries["binary"] { wrk.binary = try reader.executable(n, "load.binary", workdir: target.workdir) }
        if let n = entries["threads"] { wrk.threads = try reader.integer(n, "load.threads", range: 1...256) }
        if let n = entries["connections"] { wrk.connections = try reader.integer(n, "load.connections", range: 1...100_000) }
        guard wrk.connections >= wrk.threads else {
            throw reader.error(
                entries["connections"] ?? node, "load.connections",
                "wrk needs at least one connection per thread (\(wrk.threads) threads); raise load.connections or lower load.threads")
        }
        if let n = entries["timeout"] { wrk.timeoutSeconds = try reader.seconds(n, "load.timeout", range: 0.001...600) }
        if let n = entries["args"] { wrk.extraArguments = try reader.stringList(n, "load.args") }
        return wrk
    }

    var programs: [(program: String, key: String, hint: String)] {
        [(binary, "load.binary", "install it (apt-get install wrk) or give load.binary")]
    }

    var fingerprint: [String: String] {
        [
            "load":
                "wrk \(binary) \(url) -t \(threads) -c \(connections) --timeout \(timeoutSeconds) \(extraArguments.joined(separator: " "))"
        ]
    }
}
