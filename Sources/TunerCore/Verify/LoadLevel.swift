/// One load level a recommendation is verified at: how many clients drive the service and, in an
/// open loop, at what rate each offers operations.
public struct LoadLevel: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// Open: each client offers operations at a Poisson rate whatever the service does (the
    /// offered load is fixed; latency shows a slow service). Closed: each client sends its next
    /// operation when the last is acknowledged (throughput shows a slow service).
    public enum Mode: String, Sendable, Codable { case open, closed }

    /// How the spec named the level: "0.5x", "1x", "128 clients", "seed".
    public var name: String
    public var mode: Mode
    public var clients: Int
    /// Each client's rate in an open loop, Hz; nil in a closed loop.
    public var rateHz: Double?

    public init(name: String, mode: Mode, clients: Int, rateHz: Double?) {
        self.name = name
        self.mode = mode
        self.clients = clients
        self.rateHz = mode == .open ? rateHz : nil
    }

    /// Operations per second the level offers (open loop); nil in a closed loop.
    public var offeredOpsPerSecond: Double? { rateHz.map { Double(clients) * $0 } }

    /// "1x: 64 clients, closed loop", "seed: 200 clients × 5 Hz open (1000 ops/s offered)".
    public var description: String {
        switch mode {
        case .closed: return "\(name): \(clients) clients, closed loop"
        case .open:
            let rate = rateHz.map { formatFixed($0, decimals: $0 < 10 ? 2 : 1) } ?? "?"
            let offered = offeredOpsPerSecond.map { formatFixed($0, decimals: 0) } ?? "?"
            return "\(name): \(clients) clients × \(rate) Hz, open loop (\(offered) ops/s offered)"
        }
    }

    /// A level as a spec names it, before the study's load is known.
    public enum Entry: Sendable, Equatable {
        /// A multiple of the study's load: of each client's rate in an open loop, of the client
        /// count in a closed one.
        case multiple(Double)
        /// A client count (in the study's loop mode, at its rate).
        case clients(Int)
        /// A load given in full (e.g. the seed's open-loop load beside a closed-loop study).
        case explicit(name: String, mode: Mode, clients: Int, rateHz: Double?)
        /// The highest multiple of the study's load the Go default sustains within the latency
        /// budget, found when the verification runs (``SustainedLoadSearch``).
        case sustained
    }

    /// The levels `entries` name around the study's own load `base`, in the order given,
    /// duplicates (same mode, clients and rate) dropped; `.sustained` is found by measuring and
    /// is not among them. A closed-loop multiple rounds the
    /// client count to the nearest whole client (at least one).
    public static func plan(_ entries: [Entry], base: LoadLevel) -> [LoadLevel] {
        var levels: [LoadLevel] = []
        for entry in entries {
            let level: LoadLevel
            switch entry {
            case .multiple(let factor):
                let name = "\(formatMultiple(factor))x"
                switch base.mode {
                case .open: level = LoadLevel(name: name, mode: .open, clients: base.clients, rateHz: (base.rateHz ?? 1) * factor)
                case .closed:
                    level = LoadLevel(
                        name: name, mode: .closed, clients: max(1, Int((Double(base.clients) * factor).rounded())), rateHz: nil)
                }
            case .clients(let count):
                level = LoadLevel(name: "\(count) clients", mode: base.mode, clients: count, rateHz: base.rateHz)
            case .explicit(let name, let mode, let clients, let rate):
                level = LoadLevel(name: name, mode: mode, clients: clients, rateHz: rate)
            case .sustained:
                continue
            }
            if !levels.contains(where: { $0.sameLoad(as: level) }) { levels.append(level) }
        }
        return levels
    }

    /// Whether two levels drive the same load (whatever they are called).
    public func sameLoad(as other: LoadLevel) -> Bool {
        mode == other.mode && clients == other.clients && rateHz == other.rateHz
    }

    /// "0.5", "1", "2", "1.25".
    public static func formatMultiple(_ factor: Double) -> String {
        factor == factor.rounded() ? String(Int(factor)) : formatFixed(factor, decimals: factor * 10 == (factor * 10).rounded() ? 1 : 2)
    }
}
