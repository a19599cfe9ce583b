import Foundation

/// The highest load the Go default sustains within a latency budget, found by a short search
/// over multiples of the study's load (of each client's rate in an open loop, of the client
/// count in a closed one): doubling from 1x while the default's p99 latency stays within the
/// budget (down by halves when 1x already breaks it), then one geometric bisection between the
/// last multiple that held and the first that broke. At most `maxProbes` runs of the default,
/// one each. Pure: the caller runs each probe and reports its p99.
///
/// The result is a level like any other (`max`), verified with the recommendation in pairs: it
/// answers "at the most traffic the default can take within the budget, does the recommendation
/// still win?".
public struct SustainedLoadSearch: Sendable, Equatable {
    public var base: LoadLevel
    public var latencyBudgetMillis: Double
    public var maxProbes: Int
    /// (multiple, p99 ms or nil when the run failed) in the order run.
    public private(set) var probes: [(multiple: Double, p99Millis: Double?)] = []

    public init(base: LoadLevel, latencyBudgetMillis: Double, maxProbes: Int = 6) {
        self.base = base
        self.latencyBudgetMillis = latencyBudgetMillis
        self.maxProbes = maxProbes
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.base == b.base && a.latencyBudgetMillis == b.latencyBudgetMillis && a.maxProbes == b.maxProbes
            && a.probes.map(\.multiple) == b.probes.map(\.multiple) && a.probes.map(\.p99Millis) == b.probes.map(\.p99Millis)
    }

    func held(_ p99: Double?) -> Bool { p99.map { $0 <= latencyBudgetMillis } ?? false }

    /// The highest multiple that held and the lowest that broke, so far.
    var bracket: (held: Double?, broke: Double?) {
        (probes.filter { held($0.p99Millis) }.map(\.multiple).max(), probes.filter { !held($0.p99Millis) }.map(\.multiple).min())
    }

    /// The next multiple to probe, or nil when the search is done.
    public var next: Double? {
        guard probes.count < maxProbes else { return nil }
        guard !probes.isEmpty else { return 1 }
        let (heldMultiple, brokeMultiple) = bracket
        switch (heldMultiple, brokeMultiple) {
        case (let h?, nil): return h * 2
        case (nil, let b?): return b / 2 >= 1.0 / 16 ? b / 2 : nil
        case (let h?, let b?):
            // One bisection once the budget is bracketed by a doubling (every earlier probe is a
            // power of two; the bisection is the one that is not).
            let bisected = probes.contains { log2($0.multiple) != log2($0.multiple).rounded() }
            guard !bisected, b / h > 1.2 else { return nil }
            return (h * b).squareRoot()
        case (nil, nil): return nil
        }
    }

    /// Records one probe's p99 latency (nil: the run failed, which counts as not sustained).
    public mutating func record(multiple: Double, p99Millis: Double?) { probes.append((multiple, p99Millis)) }

    /// The level of a multiple of the base load.
    public func level(multiple: Double, name: String = "max") -> LoadLevel {
        switch base.mode {
        case .open: return LoadLevel(name: name, mode: .open, clients: base.clients, rateHz: (base.rateHz ?? 1) * multiple)
        case .closed:
            return LoadLevel(name: name, mode: .closed, clients: max(1, Int((Double(base.clients) * multiple).rounded())), rateHz: nil)
        }
    }

    /// The highest multiple that held (nil when none did), as a level named "max".
    public var result: LoadLevel? { bracket.held.map { level(multiple: $0) } }

    /// One line: what was probed and what held.
    public var summary: String {
        let runs = probes.map { probe in
            "\(LoadLevel.formatMultiple(probe.multiple))x \(probe.p99Millis.map { formatFixed($0, decimals: 1) + " ms" } ?? "failed")"
        }.joined(separator: ", ")
        guard let held = bracket.held else {
            return "the Go default kept p99 latency within \(formatFixed(latencyBudgetMillis, decimals: 0)) ms at no probed load (\(runs))"
        }
        return
            "the highest load the Go default sustained within p99 \(formatFixed(latencyBudgetMillis, decimals: 0)) ms is \(LoadLevel.formatMultiple(held))x the study's (\(runs))"
    }
}
