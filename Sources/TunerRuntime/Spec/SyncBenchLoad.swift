import Foundation
import TunerCore
import Yams

/// `load.kind: sync-bench`: the bundled load generator and its parameters.
public struct SyncBenchLoad: Sendable {
    public enum Mode: String, Sendable { case open, closed }
    /// Path of the sync-bench binary, absolute.
    public var binary: String
    public var mode: Mode
    public var clients: Int
    /// Per-client Poisson rate in Hz (open loop).
    public var rateHz: Double
    public var docs: Int
    public var docSizeBytes: Int64
    /// Extra arguments passed to the load generator as they are.
    public var extraArguments: [String]

    public init(binary: String, mode: Mode, clients: Int, rateHz: Double, docs: Int, docSizeBytes: Int64, extraArguments: [String]) {
        self.binary = binary
        self.mode = mode
        self.clients = clients
        self.rateHz = rateHz
        self.docs = docs
        self.docSizeBytes = docSizeBytes
        self.extraArguments = extraArguments
    }
}

extension SyncBenchLoad: LoadKindSpec {
    static var kindName: String { "sync-bench" }
    static var keys: [String] { ["binary", "mode", "clients", "rate_hz", "docs", "doc_size", "args"] }
    /// The bundled load checks convergence: any error fails the trial.
    static var defaultMaxErrorRate: Double { 0 }
    var kind: LoadSpec.Kind { .syncBench(self) }

    static func read(_ entries: [String: Node], in node: Node, reader: NodeReader, target: TargetSpec) throws(SpecError) -> SyncBenchLoad {
        let binary = reader.resolve(
            try entries["binary"].map { n throws(SpecError) in try reader.string(n, "load.binary") } ?? "bin/sync-bench",
            against: target.workdir)
        var mode = SyncBenchLoad.Mode.open
        if let modeNode = entries["mode"] {
            let text = try reader.string(modeNode, "load.mode")
            guard let parsed = SyncBenchLoad.Mode(rawValue: text) else {
                throw reader.error(modeNode, "load.mode", "'\(text)' is not a mode; use open or closed")
            }
            mode = parsed
        }
        let clients = try entries["clients"].map { n throws(SpecError) in try reader.integer(n, "load.clients", range: 1...10_000) } ?? 200
        let rate = try entries["rate_hz"].map { n throws(SpecError) in try reader.number(n, "load.rate_hz", range: 0.01...10_000) } ?? 5
        let docs = try entries["docs"].map { n throws(SpecError) in try reader.integer(n, "load.docs", range: 1...10_000) } ?? 4
        let docSize = try entries["doc_size"].map { n throws(SpecError) in try reader.bytes(n, "load.doc_size") } ?? 131_072
        guard docSize <= 64 << 20 else { throw reader.error(entries["doc_size"], "load.doc_size", "at most 64MiB") }
        let args = try entries["args"].map { n throws(SpecError) in try reader.stringList(n, "load.args") } ?? []
        return SyncBenchLoad(
            binary: binary, mode: mode, clients: clients, rateHz: rate, docs: docs, docSizeBytes: docSize, extraArguments: args)
    }

    var programs: [(program: String, key: String, hint: String)] { [(binary, "load.binary", "fix load.binary or target.build")] }

    /// The keys as they were before load kinds existed, so older studies stay comparable.
    var fingerprint: [String: String] {
        [
            "load.binary": binary, "load.mode": mode.rawValue, "load.clients": String(clients), "load.rate_hz": String(rateHz),
            "load.docs": String(docs), "load.doc_size": String(docSizeBytes), "load.args": extraArguments.joined(separator: " "),
        ]
    }

    var level: LoadLevel? {
        LoadLevel(name: "1x", mode: mode == .open ? .open : .closed, clients: clients, rateHz: mode == .open ? rateHz : nil)
    }

    func at(_ level: LoadLevel) -> LoadSpec.Kind? {
        var copy = self
        copy.mode = level.mode == .open ? .open : .closed
        copy.clients = level.clients
        if let rate = level.rateHz { copy.rateHz = rate }
        return .syncBench(copy)
    }
}
