import Foundation

/// GC pauses in a window from two Prometheus scrapes of a Go service (before and after the
/// window), read from the series client_golang's Go collector exposes.
///
/// What client_golang computes (read in prometheus/client_golang at commit 074bca8f):
/// - `go_gc_duration_seconds` (`prometheus/go_collector.go`, `baseGoCollector.Collect`) is a
///   constant summary built from `runtime/debug.ReadGCStats`: `_count` is `GCStats.NumGC`, the
///   number of completed GC **cycles**, not of pauses; `_sum` is `GCStats.PauseTotal` in
///   seconds, i.e. `MemStats.PauseTotalNs`, which adds per cycle the wall time of all its
///   stop-the-world phases (`work.pauseNS` in `src/runtime/mgc.go`: sweep termination plus mark
///   termination, each from just before stopping until the world restarts). The quantiles
///   0, 0.25, 0.5, 0.75, 1 are `GCStats.PauseQuantiles` over the runtime's ring of the last
///   ≤ 256 cycles' totals (`src/runtime/debug/garbage.go`), so they describe recent history,
///   not the window. The differences of `_count` and `_sum` are exact for the window.
/// - `go_sched_pauses_total_gc_seconds` is the runtime/metrics histogram
///   `/sched/pauses/total/gc:seconds` (one observation per stop-the-world pause), named by
///   `RuntimeMetricsToProm` (`prometheus/internal/go_runtime_metrics.go`: `go_` + path with `/`
///   and `-` as `_` + `_` + unit). `RuntimeMetricsBucketsForUnit` coarsens "seconds" histograms
///   to boundaries at least 10× apart (`reBucketExp`, base 10) and folds everything above 1 s
///   into `+Inf`; `batchHistogram.Write` (`prometheus/go_collector_latest.go`) writes each `le`
///   as the float just below the runtime's exclusive bound and, since the runtime keeps no exact
///   sum for this metric, `_sum` as Σ (coarse bucket lower edge × count), an underestimate.
///   client_golang's default collector does not expose it (its default rule,
///   `GoCollectorDefaultRuntimeMetrics` in `prometheus/internal/go_collector_options.go`, keeps
///   only `/gc/gogc:percent`, `/gc/gomemlimit:bytes` and `/sched/gomaxprocs:threads`); a service
///   shows it after opting in with `collectors.WithGoCollectorRuntimeMetrics`.
public enum PrometheusPauses {
    /// client_golang's per-cycle pause summary.
    public static let gcDurationName = "go_gc_duration_seconds"
    /// client_golang's name of the runtime/metrics per-pause histogram.
    public static let schedPausesName = "go_sched_pauses_total_gc_seconds"

    /// The note every summary-based result carries.
    public static let quantileNote =
        "quantiles of go_gc_duration_seconds cover the runtime's recent history (the last 256 GC cycles), not the window; only _sum and _count are used"

    /// Pause count and total from the differences of `go_gc_duration_seconds_count` and `_sum`.
    ///
    /// The result is per cycle (`sampleUnit == .cycle`, `count == gcCycles`), exact in count and
    /// total, with `resolution == .summary` and no quantiles.
    /// - Parameter labels: labels the series must carry (e.g. `["instance": "a:9090"]`) when a
    ///   scrape holds more than one; empty for a single service's own endpoint.
    public static func gcDuration(
        before: [PrometheusText.MetricFamily], after: [PrometheusText.MetricFamily],
        labels: [String: String] = [:]
    ) throws -> PauseSummary {
        let (s0, s1) = (
            try summary(gcDurationName, in: before, labels: labels, which: "the scrape before the window"),
            try summary(gcDurationName, in: after, labels: labels, which: "the scrape after the window")
        )
        guard let c0 = s0.sampleCount, let c1 = s1.sampleCount else {
            throw PauseSourceError.missingMetric(source: .prometheus, name: gcDurationName + "_count", which: "a scrape")
        }
        guard let t0 = s0.sampleSum, let t1 = s1.sampleSum else {
            throw PauseSourceError.missingMetric(source: .prometheus, name: gcDurationName + "_sum", which: "a scrape")
        }
        guard c1 >= c0 else {
            throw PauseSourceError.counterReset(source: .prometheus, name: gcDurationName + "_count", before: c0, after: c1)
        }
        guard t1 >= t0 else {
            throw PauseSourceError.counterReset(source: .prometheus, name: gcDurationName + "_sum", before: t0, after: t1)
        }
        let cycles = Int((c1 - c0).rounded())
        let totalMillis = (t1 - t0) * 1000
        return PauseSummary(
            source: .prometheus, resolution: .summary, sampleUnit: .cycle, count: cycles,
            totalMillis: totalMillis, totalMillisLower: totalMillis, totalMillisUpper: totalMillis,
            gcCycles: cycles,
            notes: [
                quantileNote,
                "go_gc_duration_seconds counts GC cycles (the runtime's NumGC) and each observation is one cycle's total stop-the-world time (sweep termination plus mark termination), so there are about half as many observations as pauses",
            ])
    }

    /// Per-pause bucket counts from the differences of `go_sched_pauses_total_gc_seconds_bucket`.
    ///
    /// Buckets are Prometheus's `(previous le, le]` in milliseconds; the first bucket's lower edge
    /// is 0 (a pause is a duration); the `+Inf` bucket is unbounded. `gcCycles` comes from
    /// `go_gc_duration_seconds_count` when both scrapes have it.
    public static func schedPauses(
        before: [PrometheusText.MetricFamily], after: [PrometheusText.MetricFamily],
        labels: [String: String] = [:]
    ) throws -> PauseSummary {
        var h0 = try histogram(schedPausesName, in: before, labels: labels, which: "the scrape before the window")
        var h1 = try histogram(schedPausesName, in: after, labels: labels, which: "the scrape after the window")
        h0.buckets.sort { $0.upperBound < $1.upperBound }
        h1.buckets.sort { $0.upperBound < $1.upperBound }
        guard h0.buckets.map(\.upperBound) == h1.buckets.map(\.upperBound), !h1.buckets.isEmpty else {
            throw PauseSourceError.bucketsChanged(source: .prometheus, name: schedPausesName)
        }
        var buckets: [PauseHistogram.Bucket] = []
        var previousLe = 0.0
        var previous0 = 0.0
        var previous1 = 0.0
        for (b0, b1) in zip(h0.buckets, h1.buckets) {
            let n0 = b0.cumulativeCount - previous0
            let n1 = b1.cumulativeCount - previous1
            guard n1 >= n0 else {
                throw PauseSourceError.counterReset(
                    source: .prometheus, name: schedPausesName + "_bucket{le=\"\(b1.upperBound)\"}",
                    before: b0.cumulativeCount, after: b1.cumulativeCount)
            }
            let upper = b1.upperBound.isInfinite ? nil : b1.upperBound * 1000
            buckets.append(.init(lowerMillis: max(0, previousLe * 1000), upperMillis: upper, count: Int((n1 - n0).rounded())))
            (previous0, previous1, previousLe) = (b0.cumulativeCount, b1.cumulativeCount, b1.upperBound)
        }
        var notes = [
            "each pause is known only to lie within its bucket of go_sched_pauses_total_gc_seconds (client_golang's buckets are about 10× wide); the total is bounded by the bucket edges",
            "_sum of go_sched_pauses_total_gc_seconds is not used: the runtime keeps no exact sum for this histogram and client_golang writes the sum of bucket lower edges",
        ]
        if !h1.buckets.contains(where: { $0.upperBound.isInfinite }) {
            // text_parse accepts a histogram without +Inf; pauses above the last le are then unseen.
            let total = (h1.sampleCount ?? 0) - (h0.sampleCount ?? 0)
            let seen = buckets.reduce(0) { $0 + $1.count }
            if total > Double(seen) {
                buckets.append(.init(lowerMillis: previousLe * 1000, upperMillis: nil, count: Int((total - Double(seen)).rounded())))
            }
            notes.append("the histogram has no +Inf bucket; pauses above its last le were counted from _count")
        }
        var cycles: Int?
        if let s0 = try? summary(gcDurationName, in: before, labels: labels, which: ""),
            let s1 = try? summary(gcDurationName, in: after, labels: labels, which: ""),
            let c0 = s0.sampleCount, let c1 = s1.sampleCount, c1 >= c0
        {
            cycles = Int((c1 - c0).rounded())
        }
        var result = PauseSummary.histogram(source: .prometheus, sampleUnit: .pause, buckets: buckets, gcCycles: cycles, notes: notes)
        // The summary's _sum difference is the exact total of (nearly) the same pauses: use it as
        // the estimate, keeping the histogram's bounds.
        if let exact = try? gcDuration(before: before, after: after, labels: labels) {
            result.totalMillis = min(max(exact.totalMillis, result.totalMillisLower), result.totalMillisUpper ?? .infinity)
            result.notes.append("the total is go_gc_duration_seconds' exact _sum difference; the histogram gives its bounds")
        }
        return result
    }

    /// The best the two scrapes allow: the per-pause histogram when both have it, otherwise the
    /// per-cycle summary.
    public static func best(
        before: [PrometheusText.MetricFamily], after: [PrometheusText.MetricFamily],
        labels: [String: String] = [:]
    ) throws -> PauseSummary {
        if before.family(named: schedPausesName) != nil, after.family(named: schedPausesName) != nil {
            return try schedPauses(before: before, after: after, labels: labels)
        }
        return try gcDuration(before: before, after: after, labels: labels)
    }

    // MARK: - Series lookup

    static func series(
        _ name: String, in families: [PrometheusText.MetricFamily], labels: [String: String],
        which: String
    ) throws -> (PrometheusText.MetricFamily, PrometheusText.Metric) {
        guard let family = families.family(named: name) else {
            throw PauseSourceError.missingMetric(source: .prometheus, name: name, which: which)
        }
        let matches = family.metrics.filter { m in labels.allSatisfy { m.label($0.key) == $0.value } }
        guard let metric = matches.first else {
            throw PauseSourceError.missingMetric(source: .prometheus, name: name + labelText(labels), which: which)
        }
        guard matches.count == 1 else {
            throw PauseSourceError.ambiguousSeries(source: .prometheus, name: name, matches: matches.count)
        }
        return (family, metric)
    }

    static func summary(
        _ name: String, in families: [PrometheusText.MetricFamily], labels: [String: String],
        which: String
    ) throws -> PrometheusText.SummaryValue {
        let (family, metric) = try series(name, in: families, labels: labels, which: which)
        guard case .summary(let s) = metric.value else {
            throw PauseSourceError.wrongType(source: .prometheus, name: name, expected: "summary", found: family.type.rawValue)
        }
        return s
    }

    static func histogram(
        _ name: String, in families: [PrometheusText.MetricFamily], labels: [String: String],
        which: String
    ) throws -> PrometheusText.HistogramValue {
        let (family, metric) = try series(name, in: families, labels: labels, which: which)
        guard case .histogram(let h) = metric.value else {
            throw PauseSourceError.wrongType(source: .prometheus, name: name, expected: "histogram", found: family.type.rawValue)
        }
        return h
    }

    private static func labelText(_ labels: [String: String]) -> String {
        labels.isEmpty ? "" : "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}

extension PrometheusPauses: ScrapedPauseFormat {
    public static var kind: PauseSourceKind { .prometheus }
    public static var exampleURL: String { "http://127.0.0.1:{port}/metrics" }

    public static func summary(of scrapes: [(unixNanos: Int64, body: Data)], windowStart: Int64, windowEnd: Int64) throws -> PauseSummary {
        try best(
            before: PrometheusText.parse(String(decoding: scrapes.first!.body, as: UTF8.self)),
            after: PrometheusText.parse(String(decoding: scrapes.last!.body, as: UTF8.self)))
    }

    public static func reportedKnobs(_ body: Data) -> (gogc: Double?, limitBytes: Double?) {
        guard let families = try? PrometheusText.parse(String(decoding: body, as: UTF8.self)) else { return (nil, nil) }
        return (
            families.family(named: "go_gc_gogc_percent")?.metrics.first?.scalar,
            families.family(named: "go_gc_gomemlimit_bytes")?.metrics.first?.scalar
        )
    }

    /// client_golang's runtime/metrics series (`go_cpu_classes_*_cpu_seconds_total`), when enabled.
    public static func cpuClasses(_ body: Data) -> (gcSeconds: Double, usedSeconds: Double)? {
        guard let families = try? PrometheusText.parse(String(decoding: body, as: UTF8.self)) else { return nil }
        func value(_ name: String) -> Double? { families.family(named: name)?.metrics.first?.scalar }
        guard let gc = value("go_cpu_classes_gc_total_cpu_seconds_total"), let total = value("go_cpu_classes_total_cpu_seconds_total"),
            let idle = value("go_cpu_classes_idle_cpu_seconds_total")
        else { return nil }
        return (gc, total - idle)
    }
}
