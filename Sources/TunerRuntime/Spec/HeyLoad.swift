import Foundation
import TunerCore
import Yams

/// `load.kind: hey`: HTTP load from hey's workers, closed loop or rate-limited per worker.
public struct HeyLoad: Sendable {
    public var binary: String = "hey"
    public var url: String
    /// Concurrent workers (`-c`).
    public var concurrency: Int = 16
    /// Per-worker rate limit in requests per second (`-q`); nil: as fast as answers return.
    public var rateHz: Double? = nil
    public var method: String = "GET"
    /// Request body (`-d`).
    public var body: String? = nil
    public var extraArguments: [String] = []

    public init(url: String) { self.url = url }
}

extension HeyLoad: LoadKindSpec {
    static var kindName: String { "hey" }
    static var keys: [String] { ["binary", "url", "concurrency", "rate_hz", "method", "body", "args"] }
    var kind: LoadSpec.Kind { .hey(self) }

    static func read(_ entries: [String: Node], in node: Node, reader: NodeReader, target: TargetSpec) throws(SpecError) -> HeyLoad {
        var hey = HeyLoad(url: try reader.loadURL(entries, in: node, target: target))
        if let n = entries["binary"] { hey.binary = try reader.executable(n, "load.binary", workdir: target.workdir) }
        if let n = entries["concurrency"] { hey.concurrency = try reader.integer(n, "load.concurrency", range: 1...100_000) }
        if let n = entries["rate_hz"] { hey.rateHz = try reader.number(n, "load.rate_hz", range: 0.01...1_000_000) }
        if let n = entries["method"] {
            let method = try reader.string(n, "load.method").uppercased()
            guard ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"].contains(method) else {
                throw reader.error(
                    n, "load.method", "'\(method)' is not an HTTP method hey sends; use GET, POST, PUT, DELETE, HEAD or PATCH")
            }
            hey.method = method
        }
        if let n = entries["body"] { hey.body = try reader.string(n, "load.body") }
        if let n = entries["args"] { hey.extraArguments = try reader.stringList(n, "load.args") }
        return hey
    }

    var programs: [(program: String, key: String, hint: String)] {
        [(binary, "load.binary", "install it (apt-get install hey) or give load.binary")]
    }

    var fingerprint: [String: String] {
        let rate = rateHz.map { String($0) } ?? "-"
        return [
            "load": "hey \(binary) \(method) \(url) -c \(concurrency) -q \(rate) \(body ?? "") \(extraArguments.joined(separator: " "))"
        ]
    }
}
