import Foundation
import Testing

@testable import TunerCore

/// Do the five pause sources tell the same story about one real run? (Fixtures/pauses: 3 s of
/// closed-loop load on the bundled server, Go 1.27.3, 2 cores, ~62 GC cycles/s.)
///
/// gctrace is the reference. How each figure can legitimately differ from it, and the tolerance
/// used:
/// - **Truncation.** gctrace prints each phase with two significant digits, truncated
///   (`fmtNSAsMS`): the true pause is up to one unit of the last printed digit longer
///   (`gctraceUnit`). Over a window this makes gctrace's total low by up to Σ units
///   (≈ 10.5 ms of ≈ 210 ms here); the other sources' totals may exceed gctrace's by that much.
/// - **Start of the clock.** gctrace's phases start at `nanotime()` just before
///   `stopTheWorldWithSema`; the runtime's own figure (`work.pauseNS`, runtime/metrics) starts at
///   `startedStopping`, inside it. gctrace can therefore be a little longer: up to 0.105 ms on one
///   cycle of this run (4 of 188 cycles), 0.1 % of the total. Allowed: 0.15 ms per cycle, and
///   1 % of a total.
/// - **Trace ranges end later.** The execution trace's range ends after the world has
///   restarted (`STWDone` in `startTheWorldWithSema`); gctrace's mark termination (like
///   runtime/metrics and MemStats) ends at the `now` taken before the runtime's end-of-cycle
///   bookkeeping, still inside the stop. Sweep terminations agree within truncation; mark
///   terminations in the trace are longer (+0.05 ms median, +4.2 ms at most here), so the trace's
///   total is only bounded below by gctrace's.
/// - **Window edges.** Snapshot sources count what *completed* between two reads; gctrace's
///   window (`GCTracePauseSource.window`) takes cycles whose *start* (launch + `@s`) is inside.
///   A cycle straddling an edge, the offset of gctrace's clock (it counts from the runtime's
///   initialisation, not from the launch timestamp: 17 ms in this capture, where the script's
///   `date` ran before bash forked the server), gctrace's 1 ms `@` resolution and the scrape's
///   own duration (≤ 25 ms per curl) all move cycles across an edge. Time-window comparisons
///   therefore bracket the source between gctrace over the window shrunk and grown by
///   `edgeMargin` (50 ms ≈ 3 cycles per edge). Where a source also reads the runtime's cycle
///   counter (runtime/metrics, expvar, Prometheus), it is compared with exactly the gctrace
///   cycles it counted, and the tolerance is ±1 pause (the sweep termination of the cycle in
///   progress at each read).
/// - **Histogram resolution.** A histogram only bounds each pause; gctrace's pauses must fit the
///   bucket bounds, widened by the slacks above.
@Suite struct PauseAgreementTests {
    static let edgeMargin: Int64 = 50_000_000
    static let preStopSlackMillis = 0.15
    static let relativeTotalSlack = 0.01

    /// One unit of the last digit gctrace prints for a pause of `ms` milliseconds.
    static func gctraceUnit(_ ms: Double) -> Double {
        ms >= 10 ? 1 : ms >= 1 ? 0.1 : ms >= 0.1 ? 0.01 : 0.001
    }

    struct Reference {
        var cycles: [GCCycle]
        var pauses: [Double] { cycles.flatMap(\.pausesMillis) }
        var total: Double { pauses.reduce(0, +) }
        var units: Double { pauses.map(PauseAgreementTests.gctraceUnit).reduce(0, +) }
        /// The range a source's exact total of these pauses may take.
        var totalRange: ClosedRange<Double> {
            (total - max(PauseAgreementTests.relativeTotalSlack * total, PauseAgreementTests.preStopSlackMillis))...(total + units)
        }
    }

    let times: [String: Int64]
    let launch: Int64
    let cycles: [GCCycle]
    let byNumber: [Int: GCCycle]

    init() throws {
        times = try PauseFixtures.times()
        launch = try #require(times["launch_unix_nano"])
        cycles = try PauseFixtures.gctraceCycles()
        byNumber = Dictionary(uniqueKeysWithValues: cycles.map { ($0.number, $0) })
    }

    /// `GCTracePauseSource.window`'s rule (TunerRuntime), restated: cycles whose start, placed at
    /// launch + `@s`, falls inside [start, end].
    func gctrace(_ start: Int64, _ end: Int64) -> Reference {
        Reference(
            cycles: cycles.filter {
                let t = launch + Int64($0.startSeconds * 1e9)
                return t >= start && t <= end
            })
    }

    func gctrace(numbers: ClosedRange<Int>) -> Reference {
        Reference(cycles: numbers.compactMap { byNumber[$0] })
    }

    func mid(_ a: String, _ b: String) throws -> Int64 {
        let x = try #require(times[a])
        let y = try #require(times[b])
        return x + (y - x) / 2
    }

    /// Asserts `count` and `total` lie between gctrace over the window shrunk and grown by the
    /// edge margin, and returns the plain-window reference for the report.
    func checkTimeWindow(
        _ name: String, _ s: PauseSummary, _ w0: Int64, _ w1: Int64,
        totalLower: Double? = nil, totalUpper: Double? = nil, mayExceed: Bool = false
    ) -> Reference {
        let plain = gctrace(w0, w1)
        let narrow = gctrace(w0 + Self.edgeMargin, w1 - Self.edgeMargin)
        let wide = gctrace(w0 - Self.edgeMargin, w1 + Self.edgeMargin)
        let perCycle = s.sampleUnit == .cycle ? 1 : 2
        #expect(
            (narrow.cycles.count * perCycle)...(wide.cycles.count * perCycle) ~= s.count,
            "\(name): \(s.count) samples outside gctrace's [\(narrow.cycles.count), \(wide.cycles.count)] cycles × \(perCycle)")
        let lo = totalLower ?? s.totalMillis
        let hi = totalUpper ?? s.totalMillis
        #expect(
            (mayExceed || lo <= wide.totalRange.upperBound) && hi >= narrow.totalRange.lowerBound,
            "\(name): total [\(lo), \(hi)] ms misses gctrace's [\(narrow.totalRange.lowerBound), \(wide.totalRange.upperBound)]")
        let upper = s.totalMillisUpper.map { String(format: "%.3f", $0) } ?? "unbounded"
        print(
            "agreement \(name) "
                + String(
                    format: "(time window %.3f s): %d samples vs gctrace %d cycles (%d pauses) [%d…%d]; total %.3f [%.3f, ",
                    Double(w1 - w0) / 1e9, s.count, plain.cycles.count, plain.pauses.count,
                    narrow.cycles.count, wide.cycles.count, s.totalMillis, s.totalMillisLower)
                + upper + String(format: "] ms vs gctrace %.3f ms (+%.3f units)", plain.total, plain.units))
        return plain
    }

    // MARK: - runtime/metrics

    @Test func runtimeMetricsHistogramAgreesWithGCTrace() throws {
        let before = try PauseFixtures.runtimeMetrics("before")
        let after = try PauseFixtures.runtimeMetrics("after")
        let s = try RuntimeMetricsPauses.summary(before: before, after: after)
        _ = checkTimeWindow(
            "runtime-metrics", s, before.unixNanos, after.unixNanos,
            totalLower: s.totalMillisLower, totalUpper: s.totalMillisUpper)

        // By cycle number: the histogram holds the pauses of cycles c0+1…c1, ± one sweep termination per edge.
        let c0 = Int(before.scalars[RuntimeMetricsPauses.cyclesName]!)
        let c1 = Int(after.scalars[RuntimeMetricsPauses.cyclesName]!)
        let ref = gctrace(numbers: (c0 + 1)...c1)
        #expect(ref.cycles.count == s.gcCycles)
        #expect(abs(s.count - ref.pauses.count) <= 1, "\(s.count) pauses for \(ref.cycles.count) cycles")
        let edge = (byNumber[c0 + 1]?.sweepTerminationMillis ?? 0) + (byNumber[c1 + 1]?.sweepTerminationMillis ?? 0)
        #expect(
            s.totalMillisLower - ref.units - edge <= ref.total
                && ref.total <= s.totalMillisUpper! + Self.preStopSlackMillis * Double(ref.cycles.count) + edge)
        try checkQuantiles("runtime-metrics", s, ref)
        print(
            String(
                format:
                    "agreement runtime-metrics (cycles %d…%d): %d pauses vs %d; total %.3f [%.3f, %.3f] ms vs gctrace %.3f ms (+%.3f units); %d non-empty buckets",
                c0 + 1, c1, s.count, ref.pauses.count, s.totalMillis, s.totalMillisLower, s.totalMillisUpper!, ref.total, ref.units,
                s.histogram!.buckets.count))
    }

    /// gctrace's sample quantiles (the truth, up to truncation) lie inside the histogram's bounds.
    func checkQuantiles(_ name: String, _ s: PauseSummary, _ ref: Reference) throws {
        for p in [0.5, 0.9, 0.99, 1] {
            let truth = try #require(Statistics.quantile(ref.pauses, p))
            let q = try #require(s.quantileMillis(p))
            #expect(
                q.lower - Self.gctraceUnit(truth) <= truth && truth <= q.upper + Self.preStopSlackMillis,
                "\(name) p\(p): gctrace \(truth) outside [\(q.lower), \(q.upper)]")
            print(
                "agreement \(name) "
                    + String(format: "p%g: estimate %.4f [%.4f, %.4f] ms, gctrace %.4f ms", p * 100, q.estimate, q.lower, q.upper, truth))
        }
    }

    // MARK: - expvar

    @Test func expvarCyclesMatchGCTraceCycleByCycle() throws {
        let snapshots = try ["before", "during", "after"].map(PauseFixtures.expvar)
        let w0 = try mid("metrics_before_end", "vars_before_end")
        let w1 = try mid("metrics_after_end", "vars_after_end")
        let s = try ExpvarPauses.summary(snapshots: snapshots, windowStartUnixNanos: w0, windowEndUnixNanos: w1)
        #expect(s.missedPauses == 0)
        _ = checkTimeWindow("expvar", s, w0, w1)

        // Per cycle, by number: PauseNs[k] is gctrace's sweep + mark termination of cycle k.
        let n0 = snapshots[0].numGC
        let n1 = snapshots[2].numGC
        var deviations: [Double] = []
        for k in (n0 + 1)...n1 {
            let entry = try #require(snapshots[2].cycle(k) ?? snapshots[1].cycle(k))
            let cycle = try #require(byNumber[k])
            let printed = cycle.sweepTerminationMillis + cycle.markTerminationMillis
            let units = Self.gctraceUnit(cycle.sweepTerminationMillis) + Self.gctraceUnit(cycle.markTerminationMillis)
            let ms = Double(entry.pauseNs) / 1e6
            #expect(printed - Self.preStopSlackMillis <= ms && ms <= printed + units, "cycle \(k): PauseNs \(ms) ms, gctrace \(printed) ms")
            deviations.append(ms - printed)
        }
        let ref = gctrace(numbers: (n0 + 1)...n1)
        let delta = Double(snapshots[2].pauseTotalNs - snapshots[0].pauseTotalNs) / 1e6
        #expect(ref.totalRange ~= delta)
        deviations.sort()
        print(
            String(
                format:
                    "agreement expvar (cycles %d…%d): PauseTotalNs difference %.3f ms vs gctrace %.3f ms (+%.3f units); per cycle PauseNs − gctrace: min %.4f, median %.4f, max %.4f ms",
                n0 + 1, n1, delta, ref.total, ref.units, deviations.first!, deviations[deviations.count / 2], deviations.last!))

        // Clock offset: PauseEnd against gctrace's end of cycle (launch + @s + clock phases).
        let offsets = ((n0 + 1)...n1).compactMap { k -> Double? in
            guard let c = byNumber[k], let e = snapshots[2].cycle(k) else { return nil }
            let end =
                launch + Int64(c.startSeconds * 1e9)
                + Int64((c.sweepTerminationMillis + c.concurrentMarkMillis + c.markTerminationMillis) * 1e6)
            return Double(Int64(e.endUnixNanos) - end) / 1e6
        }.sorted()
        print(
            String(
                format: "agreement gctrace placement: PauseEnd − (launch + @s + clock) median %.2f ms (min %.2f, max %.2f)",
                offsets[offsets.count / 2], offsets.first!, offsets.last!))
    }

    // MARK: - Prometheus

    @Test func prometheusSummaryAgreesInCountAndSumButHasNoWindowQuantiles() throws {
        let before = try PauseFixtures.prometheus("before")
        let after = try PauseFixtures.prometheus("after")
        let w0 = try mid("metrics_before_start", "metrics_before_end")
        let w1 = try mid("metrics_after_start", "metrics_after_end")
        let s = try PrometheusPauses.gcDuration(before: before, after: after)
        _ = checkTimeWindow("prometheus summary", s, w0, w1)
        let c0 = s0Count(before)
        let c1 = s0Count(after)
        let ref = gctrace(numbers: (c0 + 1)...c1)
        #expect(s.count == ref.cycles.count)
        #expect(ref.totalRange ~= s.totalMillis)
        // What it cannot say: the quantiles are of the runtime's last 256 cycles, not of the window.
        #expect(s.quantileMillis(0.99) == nil)
        #expect(s.notes.contains(PrometheusPauses.quantileNote))
        print(
            String(
                format: "agreement prometheus summary (cycles %d…%d): %d cycles, sum %.3f ms vs gctrace %.3f ms (+%.3f units)",
                c0 + 1, c1, s.count, s.totalMillis, ref.total, ref.units))
    }

    func s0Count(_ families: [PrometheusText.MetricFamily]) -> Int {
        guard case .summary(let s)? = families.family(named: PrometheusPauses.gcDurationName)?.metrics.first?.value else { return 0 }
        return Int(s.sampleCount ?? 0)
    }

    @Test func prometheusHistogramBoundsContainGCTrace() throws {
        let before = try PauseFixtures.prometheus("before")
        let after = try PauseFixtures.prometheus("after")
        let w0 = try mid("metrics_before_start", "metrics_before_end")
        let w1 = try mid("metrics_after_start", "metrics_after_end")
        let s = try PrometheusPauses.schedPauses(before: before, after: after)
        _ = checkTimeWindow("prometheus histogram", s, w0, w1, totalLower: s.totalMillisLower, totalUpper: s.totalMillisUpper)
        let c0 = s0Count(before)
        let c1 = s0Count(after)
        let ref = gctrace(numbers: (c0 + 1)...c1)
        #expect(abs(s.count - ref.pauses.count) <= 1)
        #expect(s.totalMillisLower - ref.units <= ref.total && ref.total <= s.totalMillisUpper!)
        try checkQuantiles("prometheus histogram", s, ref)
    }

    // MARK: - Execution trace

    @Test func traceGCPausesMatchGCTracePauseByPause() throws {
        let trace = try PauseFixtures.trace()
        let s = trace.pauseSummary
        let t0 = try #require(trace.unixNanos(atTrace: trace.traceStartNanos!))
        let t1 = try #require(trace.unixNanos(atTrace: trace.traceEndNanos!))
        _ = checkTimeWindow("trace", s, t0, t1, mayExceed: true)

        // Pair the trace's cycles with gctrace's: find the cycle number of the first sweep
        // termination that makes the two sweep-termination sequences agree best.
        let gc = trace.stopTheWorlds.filter(\.isGC)
        let sweeps = gc.filter { $0.reason == "GC sweep termination" }
        let marks = gc.filter { $0.reason == "GC mark termination" }
        #expect(sweeps.count == marks.count)
        func mismatch(_ first: Int) -> Double {
            sweeps.enumerated().reduce(0) { acc, e in
                acc + abs(Double(e.element.durationNanos) / 1e6 - (byNumber[first + e.offset]?.sweepTerminationMillis ?? 1e3))
            }
        }
        let first = try #require((1...cycles.count).min { mismatch($0) < mismatch($1) })
        var sweepDiffs: [Double] = []
        var markDiffs: [Double] = []
        var offsets: [Double] = []
        for (i, (sweep, mark)) in zip(sweeps, marks).enumerated() {
            let c = try #require(byNumber[first + i])
            sweepDiffs.append(Double(sweep.durationNanos) / 1e6 - c.sweepTerminationMillis)
            markDiffs.append(Double(mark.durationNanos) / 1e6 - c.markTerminationMillis)
            offsets.append(Double(trace.unixNanos(atTrace: sweep.startNanos)! - (launch + Int64(c.startSeconds * 1e9))) / 1e6)
        }
        sweepDiffs.sort()
        markDiffs.sort()
        offsets.sort()
        // Paired by time too: the offset between the trace's clock and gctrace's placement is one
        // constant (within gctrace's 1 ms @ resolution and the pre-stop setup).
        #expect(offsets.last! - offsets.first! < 2.5, "offsets \(offsets.first!)…\(offsets.last!) ms")
        // Per pause: a trace range is never much shorter than gctrace's phase. Sweep termination
        // is longer by at most gctrace's truncation (and the restart, µs); mark termination has no
        // upper bound (the bookkeeping gctrace leaves out).
        #expect(sweepDiffs.first! >= -Self.preStopSlackMillis && markDiffs.first! >= -Self.preStopSlackMillis)
        for (i, sweep) in sweeps.enumerated() {
            let printed = byNumber[first + i]!.sweepTerminationMillis
            #expect(Double(sweep.durationNanos) / 1e6 <= printed + Self.gctraceUnit(printed) + 0.02, "cycle \(first + i) sweep termination")
        }
        let ref = gctrace(numbers: first...(first + sweeps.count - 1))
        let sweepTotal = sweeps.reduce(0) { $0 + Double($1.durationNanos) / 1e6 }
        let refSweeps = Reference(
            cycles: ref.cycles.map {
                var c = $0
                c.markTerminationMillis = 0
                return c
            })
        #expect(s.totalMillis >= ref.totalRange.lowerBound)
        #expect(refSweeps.totalRange ~= sweepTotal || sweepTotal <= refSweeps.totalRange.upperBound + 0.02 * Double(sweeps.count))
        print(
            String(
                format: "agreement trace sweep terminations: %.3f ms vs gctrace %.3f ms (+%.3f units)", sweepTotal,
                ref.cycles.reduce(0) { $0 + $1.sweepTerminationMillis }, refSweeps.units))
        print(
            String(
                format:
                    "agreement trace (cycles %d…%d, %d pauses, %.3f s): total %.3f ms vs gctrace %.3f ms (+%.3f units); trace − gctrace per pause, sweep: median %.4f max %.4f ms, mark: median %.4f max %.4f ms; clock offset trace − gctrace placement %.2f…%.2f ms",
                first, first + sweeps.count - 1, s.count, trace.durationSeconds!, s.totalMillis, ref.total, ref.units,
                sweepDiffs[sweepDiffs.count / 2], sweepDiffs.last!, markDiffs[markDiffs.count / 2], markDiffs.last!,
                offsets.first!, offsets.last!))
        #expect(
            s.notes.contains { $0.contains("read mem stats ×1") && $0.contains("start trace ×1") },
            "the /debug/vars poll and the trace's own start are stop-the-world pauses that are not GC")
    }

    @Test func perCycleSourcesCountHalfThePausesOfPerPauseSources() throws {
        let expvar = try ExpvarPauses.summary(
            snapshots: [PauseFixtures.expvar("before"), PauseFixtures.expvar("after")],
            windowStartUnixNanos: try mid("metrics_before_end", "vars_before_end"),
            windowEndUnixNanos: try mid("metrics_after_end", "vars_after_end"))
        let rm = try RuntimeMetricsPauses.summary(
            before: PauseFixtures.runtimeMetrics("before"), after: PauseFixtures.runtimeMetrics("after"))
        #expect(expvar.sampleUnit == .cycle && rm.sampleUnit == .pause)
        #expect(abs(expvar.stopTheWorldPauses - rm.count) <= 2 * 4, "the two reads are ~20 ms (≈ 1–2 cycles) apart at each edge")
    }
}
