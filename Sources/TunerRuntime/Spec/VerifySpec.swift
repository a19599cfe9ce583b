import Foundation
import TunerCore
import Yams

/// The `verify:` section: at which load levels `tuner verify` runs the recommendation against
/// Go's default, how many alternating pairs at each, and what it flags. Every key is optional.
public struct VerifySpec: Sendable {
    /// The levels as the spec names them (default 0.5x, 1x, 2x; 1x for a load kind with no
    /// client count to scale).
    public var entries: [LoadLevel.Entry]
    /// Alternating (default, recommendation) pairs per level.
    public var pairs: Int
    /// Each run's warm-up and measured window, seconds (default: the budget's).
    public var warmupSeconds: Double
    public var durationSeconds: Double
    /// GOMEMLIMIT over the peak live heap below which a level is flagged.
    public var minMargin: Double
    /// Whether `tuner run` verifies at every level after its confirmation (off by default: the
    /// quick start stays quick; `tuner verify` runs it on its own).
    public var onRun: Bool
    /// What a soak (`tuner verify --soak`) is judged against.
    public var budgets = SoakBudgets()
    /// A runtime/metrics JSON endpoint (`{port}` placeholders allowed) the soak reads live heap,
    /// goroutines and the runtime's mapped memory from; default: `target.pauses.url` when its
    /// source is runtime-metrics. Without one the soak has RSS and gctrace only.
    public var metricsURL: String?
    /// The service's net/http/pprof base URL (`.../debug/pprof`); when set, the soak captures heap
    /// and goroutine profiles at its start and end.
    public var pprofURL: String?

    public static let defaultPairs = 3
    public static let defaultMinMargin = 1.5
    public static let keys = ["levels", "pairs", "warmup", "duration", "min_margin", "on_run", "budgets", "metrics", "pprof"]

    /// The section's defaults for a study with this budget and load.
    public static func defaults(budget: BudgetSpec, load: LoadSpec) -> VerifySpec {
        VerifySpec(
            entries: load.level == nil ? [.multiple(1)] : [.multiple(0.5), .multiple(1), .multiple(2)], pairs: defaultPairs,
            warmupSeconds: budget.warmupSeconds, durationSeconds: budget.durationSeconds, minMargin: defaultMinMargin, onRun: false)
    }

    /// The levels to run for `load`, planned around its own level.
    public func levels(for load: LoadSpec) -> [LoadLevel] {
        guard let base = load.level else { return [LoadLevel(name: "1x", mode: .closed, clients: 0, rateHz: nil)] }
        return LoadLevel.plan(entries, base: base)
    }

    /// Reads `verify:` (absent: the defaults).
    static func read(
        _ node: Node?, reader: NodeReader, budget: BudgetSpec, load: LoadSpec, pauses: PauseSourceSpec
    ) throws(SpecError) -> VerifySpec {
        var spec = defaults(budget: budget, load: load)
        if pauses.kind == .runtimeMetrics { spec.metricsURL = pauses.url }
        guard let node else { return spec }
        let entries = try reader.mapping(node, "verify", allowed: keys)
        if let levels = entries["levels"] {
            guard case .sequence(let items) = levels, !items.isEmpty else {
                throw reader.error(
                    levels, "verify.levels",
                    "expected a non-empty list, e.g. [0.5x, 1x, 2x] (multiples of the load), 128 (clients) or {name: seed, mode: open, clients: 200, rate_hz: 5}"
                )
            }
            spec.entries = []
            for (index, item) in items.enumerated() {
                spec.entries.append(try entry(item, "verify.levels[\(index)]", reader: reader))
            }
            if load.level == nil, spec.entries != [.multiple(1)] {
                throw reader.error(
                    levels, "verify.levels",
                    "load.kind \(load.kindName) has no client count tuner can scale; use levels: [1x] or drive the service with load.kind sync-bench"
                )
            }
        }
        if let n = entries["pairs"] { spec.pairs = try reader.integer(n, "verify.pairs", range: 1...50) }
        if let n = entries["warmup"] { spec.warmupSeconds = try reader.seconds(n, "verify.warmup", range: 0...600) }
        if let n = entries["duration"] { spec.durationSeconds = try reader.seconds(n, "verify.duration", range: 0.5...3600) }
        if let n = entries["min_margin"] { spec.minMargin = try reader.number(n, "verify.min_margin", range: 1...100) }
        if let n = entries["metrics"] { spec.metricsURL = try reader.string(n, "verify.metrics") }
        if let n = entries["pprof"] {
            spec.pprofURL = try reader.string(n, "verify.pprof")
            while spec.pprofURL?.hasSuffix("/") == true { spec.pprofURL?.removeLast() }
        }
        if let n = entries["budgets"] {
            let fields = try reader.mapping(n, "verify.budgets", allowed: ["rss_growth_pct", "pause_ms_per_s", "latency_p99_ms"])
            if let v = fields["rss_growth_pct"] {
                spec.budgets.rssGrowthPercent = try reader.number(v, "verify.budgets.rss_growth_pct", range: 0...10_000)
            }
            if let v = fields["pause_ms_per_s"] {
                spec.budgets.pauseMillisPerSecond = try reader.number(v, "verify.budgets.pause_ms_per_s", range: 0...1000)
            }
            if let v = fields["latency_p99_ms"] {
                spec.budgets.latencyP99Millis = try reader.number(v, "verify.budgets.latency_p99_ms", range: 0...3_600_000)
            }
        }
        if let n = entries["on_run"] {
            guard let flag = n.bool else { throw reader.error(n, "verify.on_run", "expected true or false") }
            spec.onRun = flag
        }
        return spec
    }

    /// One entry of `verify.levels`: "0.5x", a client count, or a full load.
    static func entry(_ node: Node, _ path: String, reader: NodeReader) throws(SpecError) -> LoadLevel.Entry {
        if case .mapping = node {
            let fields = try reader.mapping(node, path, allowed: ["name", "mode", "clients", "rate_hz"])
            let modeText = try fields["mode"].map { n throws(SpecError) in try reader.string(n, "\(path).mode") } ?? "open"
            guard let mode = LoadLevel.Mode(rawValue: modeText) else {
                throw reader.error(fields["mode"], "\(path).mode", "'\(modeText)' is not a mode; use open or closed")
            }
            let clients = try reader.integer(try reader.required(fields, "clients", path, in: node), "\(path).clients", range: 1...10_000)
            var rate: Double?
            if mode == .open {
                rate = try reader.number(try reader.required(fields, "rate_hz", path, in: node), "\(path).rate_hz", range: 0.01...10_000)
            }
            let name = try fields["name"].map { n throws(SpecError) in try reader.string(n, "\(path).name") } ?? "\(clients) clients"
            return .explicit(name: name, mode: mode, clients: clients, rateHz: rate)
        }
        let text = try reader.string(node, path).trimmingCharacters(in: .whitespaces)
        if text == "max" { return .sustained }
        if text.lowercased().hasSuffix("x"), let factor = Double(text.dropLast()), factor > 0, factor <= 100 {
            return .multiple(factor)
        }
        if let clients = Int(text), (1...10_000).contains(clients) { return .clients(clients) }
        throw reader.error(
            node, path,
            "'\(text)' is not a level; write a multiple of the study's load (0.5x, 2x), a client count (128), max (the most the default sustains within the latency budget) or {name: seed, mode: open, clients: 200, rate_hz: 5}"
        )
    }

    /// Levels from a command line: multiples and client counts, comma-separated ("0.5x,1x,2x", "32,64,128").
    /// - Throws: a message naming the entry that is neither.
    public static func levels(commandLine text: String) throws(SpecError) -> [LoadLevel.Entry] {
        let reader = NodeReader(file: "--levels")
        var entries: [LoadLevel.Entry] = []
        for (index, part) in text.split(separator: ",").enumerated() {
            entries.append(try entry(Node(String(part).trimmingCharacters(in: .whitespaces)), "[\(index)]", reader: reader))
        }
        guard !entries.isEmpty else { throw reader.error(nil, "", "give at least one level, e.g. 0.5x,1x,2x") }
        return entries
    }
}
