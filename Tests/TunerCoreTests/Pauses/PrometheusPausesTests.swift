import Foundation
import Testing

@testable import TunerCore

@Suite struct PrometheusPausesTests {
    func scrape(count: Int, sum: Double, buckets: [(String, Int)], extra: String = "") throws -> [PrometheusText.MetricFamily] {
        var text = """
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds{quantile="0"} 1e-05
            go_gc_duration_seconds{quantile="1"} 0.002
            go_gc_duration_seconds_sum \(sum)
            go_gc_duration_seconds_count \(count)
            # TYPE go_sched_pauses_total_gc_seconds histogram

            """
        for (le, n) in buckets { text += "go_sched_pauses_total_gc_seconds_bucket{le=\"\(le)\"} \(n)\n" }
        text += "go_sched_pauses_total_gc_seconds_sum 0\ngo_sched_pauses_total_gc_seconds_count \(buckets.last?.1 ?? 0)\n" + extra
        return try PrometheusText.parse(text)
    }

    @Test func summaryDifferencesGiveExactCyclesAndTotalButNoQuantiles() throws {
        let before = try scrape(count: 10, sum: 0.004, buckets: [("+Inf", 20)])
        let after = try scrape(count: 25, sum: 0.0115, buckets: [("+Inf", 50)])
        let s = try PrometheusPauses.gcDuration(before: before, after: after)
        #expect(s.resolution == .summary && s.sampleUnit == .cycle)
        #expect(s.count == 15 && s.gcCycles == 15 && s.stopTheWorldPauses == 30)
        #expect(abs(s.totalMillis - 7.5) < 1e-9 && s.totalMillisLower == s.totalMillis && s.totalMillisUpper == s.totalMillis)
        #expect(s.quantileMillis(0.99) == nil)
        #expect(s.notes.contains(PrometheusPauses.quantileNote))
    }

    @Test func histogramDifferencesBecomeMillisecondBuckets() throws {
        let les = ["8.191999999999999e-05", "0.0009175039999999999", "0.010485759999999998", "+Inf"]
        let before = try scrape(count: 5, sum: 0.001, buckets: zip(les, [4, 9, 10, 10]).map { ($0, $1) })
        let after = try scrape(count: 8, sum: 0.002, buckets: zip(les, [6, 14, 16, 17]).map { ($0, $1) })
        let s = try PrometheusPauses.schedPauses(before: before, after: after)
        #expect(s.resolution == .histogram && s.sampleUnit == .pause)
        #expect(s.count == 7 && s.gcCycles == 3)
        let b = try #require(s.histogram?.buckets)
        #expect(b.map(\.count) == [2, 3, 1, 1])
        #expect(b[0].lowerMillis == 0 && abs(b[0].upperMillis! - 0.08192) < 1e-9)
        #expect(abs(b[3].lowerMillis - 10.48576) < 1e-6 && b[3].upperMillis == nil)
        #expect(s.totalMillisUpper == nil, "a pause above 10 ms has no upper bound")
        #expect(try PrometheusPauses.best(before: before, after: after).resolution == .histogram)
    }

    @Test func withoutTheHistogramBestFallsBackToTheSummary() throws {
        let before = try PrometheusText.parse(
            "# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds_sum 1\ngo_gc_duration_seconds_count 2\n")
        let after = try PrometheusText.parse(
            "# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds_sum 1.5\ngo_gc_duration_seconds_count 4\n")
        let s = try PrometheusPauses.best(before: before, after: after)
        #expect(s.resolution == .summary && s.count == 2 && s.totalMillis == 500)
    }

    @Test func aRestartedServiceIsReportedNotSubtracted() throws {
        let before = try scrape(count: 50, sum: 0.02, buckets: [("+Inf", 100)])
        let after = try scrape(count: 3, sum: 0.001, buckets: [("+Inf", 6)])
        #expect(throws: PauseSourceError.self) { try PrometheusPauses.gcDuration(before: before, after: after) }
        #expect(throws: PauseSourceError.self) { try PrometheusPauses.schedPauses(before: before, after: after) }
    }

    @Test func missingWrongTypeAndAmbiguousSeriesAreErrors() throws {
        let gauge = try PrometheusText.parse("# TYPE go_gc_duration_seconds gauge\ngo_gc_duration_seconds 1\n")
        let two = try PrometheusText.parse(
            """
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds_count{instance="a"} 1
            go_gc_duration_seconds_count{instance="b"} 1
            go_gc_duration_seconds_sum{instance="a"} 1
            go_gc_duration_seconds_sum{instance="b"} 1

            """)
        #expect(
            throws: PauseSourceError.missingMetric(
                source: .prometheus, name: "go_gc_duration_seconds", which: "the scrape before the window")
        ) {
            try PrometheusPauses.gcDuration(before: [], after: two)
        }
        #expect(
            throws: PauseSourceError.wrongType(source: .prometheus, name: "go_gc_duration_seconds", expected: "summary", found: "gauge")
        ) {
            try PrometheusPauses.gcDuration(before: gauge, after: gauge)
        }
        #expect(throws: PauseSourceError.ambiguousSeries(source: .prometheus, name: "go_gc_duration_seconds", matches: 2)) {
            try PrometheusPauses.gcDuration(before: two, after: two)
        }
        #expect(try PrometheusPauses.gcDuration(before: two, after: two, labels: ["instance": "b"]).count == 0)
    }

    @Test func capturedScrapesGiveTheSummaryAndTheHistogram() throws {
        let before = try PauseFixtures.prometheus("before")
        let after = try PauseFixtures.prometheus("after")
        let summary = try PrometheusPauses.gcDuration(before: before, after: after)
        #expect(summary.count == 190 && summary.gcCycles == 190)
        let histogram = try PrometheusPauses.schedPauses(before: before, after: after)
        #expect(histogram.count == 380 && histogram.gcCycles == 190)
        #expect(histogram.histogram?.buckets.map(\.count) == [73, 80, 127, 100])
        #expect(histogram.totalMillisLower <= summary.totalMillis && summary.totalMillis <= histogram.totalMillisUpper!)
    }
}
