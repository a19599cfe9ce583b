import Foundation
import Testing

@testable import TunerCore

@Suite struct RuntimeMetricsPausesTests {
    @Test func capturedSnapshotRestoresInfinitiesAndKeepsScalars() throws {
        let s = try PauseFixtures.runtimeMetrics("before")
        let h = try #require(s.histograms[RuntimeMetricsPauses.schedPausesName])
        #expect(h.buckets.count == 163 && h.counts.count == 162, "Go 1.27's time histogram")
        #expect(h.buckets.first == -.infinity && h.buckets.last == .infinity)
        #expect(h.buckets[1] == 0 && h.buckets[2] == 6.4e-08)
        #expect(s.scalars["/gc/gomemlimit:bytes"] == 9.223372036854775807e18)
        #expect(s.scalars["gomaxprocs"] == 2)
        #expect(s.unixNanos > 1_700_000_000_000_000_000 && s.startUnixNanos! < s.unixNanos)
    }

    @Test func differenceKeepsOnlyNonEmptyBucketsAndCountsCycles() throws {
        let s = try RuntimeMetricsPauses.summary(
            before: PauseFixtures.runtimeMetrics("before"),
            after: PauseFixtures.runtimeMetrics("after"))
        #expect(s.resolution == .histogram && s.sampleUnit == .pause)
        #expect(s.count == 371 && s.gcCycles == 186)
        let buckets = try #require(s.histogram?.buckets)
        #expect(buckets.allSatisfy { $0.count > 0 })
        #expect(buckets.count == 41 && buckets.count < 162)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.upperMillis! <= $1.lowerMillis })
        // Buckets are ≤ 12.5 % wide, so the bounds are close.
        #expect(s.totalMillisUpper! / s.totalMillisLower < 1.25)
    }

    func body(_ name: String, counts: [UInt64], cycles: Int, at nanos: Int64) -> Data {
        let buckets = "[-1.7976931348623157e308, 0, 0.001, 0.002, 1.7976931348623157e308]"
        return Data(
            """
            {"unix_nano": \(nanos), "\(name)": {"buckets": \(buckets), "counts": \(counts)}, "/gc/cycles/total:gc-cycles": \(cycles)}
            """.utf8)
    }

    @Test func olderGoFallsBackToGCPauses() throws {
        let a = try RuntimeMetricsSnapshot.parse(body(RuntimeMetricsPauses.gcPausesName, counts: [0, 1, 0, 0], cycles: 1, at: 1))
        let b = try RuntimeMetricsSnapshot.parse(body(RuntimeMetricsPauses.gcPausesName, counts: [0, 3, 1, 1], cycles: 3, at: 2))
        let s = try RuntimeMetricsPauses.summary(before: a, after: b)
        #expect(s.count == 4 && s.gcCycles == 2)
        #expect(s.histogram?.buckets.map(\.upperMillis) == [1, 2, nil])
        #expect(s.notes.contains { $0.contains("/gc/pauses:seconds") })
    }

    @Test func missingHistogramAndResetAreErrors() throws {
        let a = try RuntimeMetricsSnapshot.parse(body(RuntimeMetricsPauses.schedPausesName, counts: [0, 5, 0, 0], cycles: 3, at: 1))
        let b = try RuntimeMetricsSnapshot.parse(body(RuntimeMetricsPauses.schedPausesName, counts: [0, 1, 0, 0], cycles: 1, at: 2))
        #expect(throws: PauseSourceError.self) { try RuntimeMetricsPauses.summary(before: a, after: b) }
        let empty = try RuntimeMetricsSnapshot.parse(Data("{\"unix_nano\": 5}".utf8))
        #expect(throws: PauseSourceError.self) { try RuntimeMetricsPauses.summary(before: empty, after: empty) }
        #expect(throws: PauseSourceError.self) { try RuntimeMetricsSnapshot.parse(Data("[1]".utf8)) }
    }
}
