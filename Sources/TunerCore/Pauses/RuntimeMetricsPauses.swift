import Foundation

/// One `GET /debug/gcmetrics` body of the bundled server
/// (`experiments/workload/internal/server/metrics.go`): runtime/metrics values by name, plus
/// `unix_nano` (when it was read), `start_unix_nano` (server start) and `gomaxprocs`.
///
/// Histograms arrive as `{"buckets": [...], "counts": [...]}` with `len(buckets) ==
/// len(counts) + 1`; bucket i is `[buckets[i], buckets[i+1])` in the metric's unit, and
/// ±`math.MaxFloat64` stand for ±infinity (JSON has none), restored here. Go 1.27 emits 163
/// boundaries (162 buckets) for its time histograms: −Inf, 0, then 8 linear sub-buckets per
/// power of two from 64 ns up to about 141 000 s, then +Inf.
public struct RuntimeMetricsSnapshot: Sendable, Equatable {
    /// A runtime/metrics `Float64Histogram`.
    public struct Histogram: Sendable, Equatable {
        /// Boundaries in the metric's unit, ascending; infinities restored.
        public var buckets: [Double]
        /// Observations per bucket (cumulative since process start).
        public var counts: [UInt64]
    }

    /// When the snapshot was read, Unix nanoseconds.
    public var unixNanos: Int64
    /// When the server started, Unix nanoseconds, if given.
    public var startUnixNanos: Int64?
    /// Scalar metrics (uint64 and float64 kinds) by runtime/metrics name, plus `gomaxprocs`.
    public var scalars: [String: Double]
    /// Histogram metrics by runtime/metrics name.
    public var histograms: [String: Histogram]

    /// Parses one body.
    /// - Throws: `PauseSourceError.malformed` when it is not such a JSON object or lacks `unix_nano`.
    public static func parse(_ data: Data) throws -> RuntimeMetricsSnapshot {
        let values: [String: JSONValue]
        do {
            values = try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw PauseSourceError.malformed(source: .runtimeMetrics, reason: "not a /debug/gcmetrics JSON object (\(error))")
        }
        guard case .integer(let now)? = values["unix_nano"] else {
            throw PauseSourceError.malformed(source: .runtimeMetrics, reason: "the body has no integer unix_nano")
        }
        var snapshot = RuntimeMetricsSnapshot(unixNanos: now, startUnixNanos: nil, scalars: [:], histograms: [:])
        if case .integer(let start)? = values["start_unix_nano"] { snapshot.startUnixNanos = start }
        for (name, value) in values where name != "unix_nano" && name != "start_unix_nano" {
            switch value {
            case .integer(let i): snapshot.scalars[name] = Double(i)
            case .unsigned(let u): snapshot.scalars[name] = Double(u)
            case .number(let d): snapshot.scalars[name] = d
            case .histogram(let buckets, let counts):
                guard buckets.count == counts.count + 1 else {
                    throw PauseSourceError.malformed(
                        source: .runtimeMetrics,
                        reason: "\(name) has \(buckets.count) boundaries for \(counts.count) counts")
                }
                snapshot.histograms[name] = Histogram(
                    buckets: buckets.map { $0 == .greatestFiniteMagnitude ? .infinity : $0 == -.greatestFiniteMagnitude ? -.infinity : $0 },
                    counts: counts)
            case .other:
                break
            }
        }
        return snapshot
    }

    /// A JSON value as far as this body is concerned.
    private enum JSONValue: Decodable {
        case integer(Int64)
        case unsigned(UInt64)
        case number(Double)
        case histogram([Double], [UInt64])
        case other

        private enum Keys: String, CodingKey { case buckets, counts }

        init(from decoder: Decoder) throws {
            if let keyed = try? decoder.container(keyedBy: Keys.self),
                let buckets = try? keyed.decode([Double].self, forKey: .buckets),
                let counts = try? keyed.decode([UInt64].self, forKey: .counts)
            {
                self = .histogram(buckets, counts)
                return
            }
            let single = try decoder.singleValueContainer()
            if let i = try? single.decode(Int64.self) {
                self = .integer(i)
            } else if let u = try? single.decode(UInt64.self) {
                self = .unsigned(u)
            } else if let d = try? single.decode(Double.self) {
                self = .number(d)
            } else {
                self = .other
            }
        }
    }
}

/// GC pauses in a window from two runtime/metrics snapshots.
public enum RuntimeMetricsPauses {
    /// Go 1.22+: one observation per GC stop-the-world pause.
    public static let schedPausesName = "/sched/pauses/total/gc:seconds"
    /// Before Go 1.22 (deprecated since, and identical): the same histogram.
    public static let gcPausesName = "/gc/pauses:seconds"
    /// Completed GC cycles.
    public static let cyclesName = "/gc/cycles/total:gc-cycles"

    /// The difference of the pause histogram between `before` and `after` (the window is
    /// [before.unixNanos, after.unixNanos]): one sample per stop-the-world pause, buckets in
    /// milliseconds, only non-empty buckets kept, and the `/gc/cycles/total:gc-cycles`
    /// difference as `gcCycles`.
    ///
    /// The runtime's buckets are fine: about 12 % wide (8 linear sub-buckets per power of two),
    /// so the total's bounds are within about ±6 % of the estimate.
    /// - Throws: `PauseSourceError.missingMetric` when neither histogram is in both snapshots,
    ///   `.bucketsChanged`, or `.counterReset` when a count goes down.
    public static func summary(before: RuntimeMetricsSnapshot, after: RuntimeMetricsSnapshot) throws -> PauseSummary {
        let name: String
        if before.histograms[schedPausesName] != nil, after.histograms[schedPausesName] != nil {
            name = schedPausesName
        } else if before.histograms[gcPausesName] != nil, after.histograms[gcPausesName] != nil {
            name = gcPausesName
        } else {
            throw PauseSourceError.missingMetric(source: .runtimeMetrics, name: schedPausesName, which: "the two snapshots")
        }
        let h0 = before.histograms[name]!
        let h1 = after.histograms[name]!
        guard h0.buckets == h1.buckets else { throw PauseSourceError.bucketsChanged(source: .runtimeMetrics, name: name) }
        var buckets: [PauseHistogram.Bucket] = []
        for i in h1.counts.indices where h1.counts[i] != h0.counts[i] {
            guard h1.counts[i] > h0.counts[i] else {
                throw PauseSourceError.counterReset(
                    source: .runtimeMetrics, name: "\(name) bucket \(i)",
                    before: Double(h0.counts[i]), after: Double(h1.counts[i]))
            }
            let lower = h1.buckets[i]
            let upper = h1.buckets[i + 1]
            buckets.append(
                .init(
                    lowerMillis: lower.isFinite ? max(0, lower * 1000) : 0,
                    upperMillis: upper.isFinite ? upper * 1000 : nil,
                    count: Int(h1.counts[i] - h0.counts[i])))
        }
        var cycles: Int?
        if let c0 = before.scalars[cyclesName], let c1 = after.scalars[cyclesName] {
            guard c1 >= c0 else { throw PauseSourceError.counterReset(source: .runtimeMetrics, name: cyclesName, before: c0, after: c1) }
            cycles = Int(c1 - c0)
        }
        var notes = [
            "each pause is known to lie within its runtime/metrics bucket (about 12 % wide); the total is bounded by the bucket edges"
        ]
        if name == gcPausesName { notes.append("read /gc/pauses:seconds (this Go predates /sched/pauses/total/gc:seconds)") }
        return .histogram(source: .runtimeMetrics, sampleUnit: .pause, buckets: buckets, gcCycles: cycles, notes: notes)
    }
}

extension RuntimeMetricsPauses: ScrapedPauseFormat {
    public static var kind: PauseSourceKind { .runtimeMetrics }
    public static var exampleURL: String { "http://127.0.0.1:{port}/debug/gcmetrics" }

    public static func summary(of scrapes: [(unixNanos: Int64, body: Data)], windowStart: Int64, windowEnd: Int64) throws -> PauseSummary {
        try summary(before: RuntimeMetricsSnapshot.parse(scrapes.first!.body), after: RuntimeMetricsSnapshot.parse(scrapes.last!.body))
    }

    public static func reportedKnobs(_ body: Data) -> (gogc: Double?, limitBytes: Double?) {
        guard let snapshot = try? RuntimeMetricsSnapshot.parse(body) else { return (nil, nil) }
        return (snapshot.scalars["/gc/gogc:percent"], snapshot.scalars["/gc/gomemlimit:bytes"])
    }

    public static func cpuClasses(_ body: Data) -> (gcSeconds: Double, usedSeconds: Double)? {
        guard let snapshot = try? RuntimeMetricsSnapshot.parse(body), let gc = snapshot.scalars["/cpu/classes/gc/total:cpu-seconds"],
            let total = snapshot.scalars["/cpu/classes/total:cpu-seconds"], let idle = snapshot.scalars["/cpu/classes/idle:cpu-seconds"]
        else { return nil }
        return (gc, total - idle)
    }
}
