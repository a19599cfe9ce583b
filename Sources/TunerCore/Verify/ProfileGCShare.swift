import Foundation

/// The collector's share of a CPU profile, from the stacks `go tool pprof -traces` prints.
///
/// A sample counts for the first class any frame of its stack belongs to, in this order:
/// - `mark` (background mark workers): a frame starting `runtime.gcBgMarkWorker`;
/// - `assist` (mark assists): `runtime.gcAssistAlloc`;
/// - `sweep` (sweeping): `runtime.bgsweep`, `runtime.sweepone`, `runtime.(*sweepLocked).sweep`;
/// - `alloc` (allocation slow paths): `runtime.(*mcache).refill`, `runtime.(*mcentral).cacheSpan`,
///   `runtime.(*mheap).alloc`.
///
/// runtime/metrics' `/cpu/classes/gc/total:cpu-seconds` counts mark work (workers and assists)
/// and the stop-the-world pauses, not sweeping: `markShare` (mark + assist over all samples) is
/// the figure comparable to it; `share` counts all four classes.
public struct ProfileGCShare: Sendable, Codable, Equatable {
    /// CPU seconds sampled per class, and in all.
    public var secondsByClass: [String: Double]
    public var totalSeconds: Double

    public static let classes: [(name: String, prefixes: [String])] = [
        ("mark", ["runtime.gcBgMarkWorker"]),
        ("assist", ["runtime.gcAssistAlloc"]),
        ("sweep", ["runtime.bgsweep", "runtime.sweepone", "runtime.(*sweepLocked).sweep"]),
        ("alloc", ["runtime.(*mcache).refill", "runtime.(*mcentral).cacheSpan", "runtime.(*mheap).alloc"]),
    ]

    /// Mark workers and assists over all samples, 0...1 (comparable to runtime/metrics).
    public var markShare: Double { totalSeconds > 0 ? ((secondsByClass["mark"] ?? 0) + (secondsByClass["assist"] ?? 0)) / totalSeconds : 0 }
    /// All four classes over all samples, 0...1.
    public var share: Double { totalSeconds > 0 ? secondsByClass.values.reduce(0, +) / totalSeconds : 0 }

    /// Reads `go tool pprof -traces` output: blocks separated by `-----------+---…` lines, each a
    /// sample value with its unit (`10ms`, `1.20s`) beside the leaf frame, then the callers.
    /// Returns nil when no sample was read.
    public static func parse(traces text: String) -> ProfileGCShare? {
        var byClass: [String: Double] = [:]
        var total = 0.0
        var value: Double?
        var frames: [String] = []
        func flush() {
            if let value {
                total += value
                if let match = classes.first(where: { c in frames.contains { f in c.prefixes.contains { f.hasPrefix($0) } } }) {
                    byClass[match.name, default: 0] += value
                }
            }
            value = nil
            frames = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----------+") {
                flush()
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if value == nil, line.first == " ", let first = trimmed.split(separator: " ").first, let seconds = Self.seconds(String(first)) {
                value = seconds
                frames.append(trimmed.dropFirst(first.count).trimmingCharacters(in: .whitespaces))
            } else if value != nil {
                frames.append(trimmed)
            }
        }
        flush()
        guard total > 0 else { return nil }
        return ProfileGCShare(secondsByClass: byClass, totalSeconds: total)
    }

    /// "10ms" → 0.01, "1.2s" → 1.2, "250us" → 0.00025; nil for anything else.
    static func seconds(_ text: String) -> Double? {
        for (suffix, scale) in [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}

/// A CPU profile captured over a run's measured window, and the GC's share from it and from
/// runtime/metrics over the same window.
public struct CPUProfileReading: Sendable, Codable, Equatable {
    /// The profile (`data/<study>/profiles/…pb.gz`) and its call graph, when rendered.
    public var path: String
    public var svgPath: String?
    public var profile: ProfileGCShare?
    /// `/cpu/classes/gc/total` over `/cpu/classes/total − /cpu/classes/idle` between scrapes
    /// bracketing the window, 0...1; nil without a runtime/metrics endpoint.
    public var runtimeMetricsGCShare: Double?

    public init(path: String, svgPath: String? = nil, profile: ProfileGCShare? = nil, runtimeMetricsGCShare: Double? = nil) {
        self.path = path
        self.svgPath = svgPath
        self.profile = profile
        self.runtimeMetricsGCShare = runtimeMetricsGCShare
    }

    /// The GC's share from two runtime/metrics JSON documents taken before and after a window.
    public static func runtimeMetricsShare(before: Data, after: Data) -> Double? {
        func numbers(_ data: Data) -> [String: Double]? {
            (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?.compactMapValues { ($0 as? NSNumber)?.doubleValue }
        }
        guard let a = numbers(before), let b = numbers(after) else { return nil }
        func delta(_ key: String) -> Double? { b[key].flatMap { later in a[key].map { later - $0 } } }
        guard let gc = delta("/cpu/classes/gc/total:cpu-seconds"), let total = delta("/cpu/classes/total:cpu-seconds") else { return nil }
        let busy = total - (delta("/cpu/classes/idle:cpu-seconds") ?? 0)
        return busy > 0 ? gc / busy : nil
    }
}
