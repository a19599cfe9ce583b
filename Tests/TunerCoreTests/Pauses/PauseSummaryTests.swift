import Foundation
import Testing

@testable import TunerCore

@Suite struct PauseSummaryTests {
    typealias Bucket = PauseHistogram.Bucket

    @Test func histogramTotalsAreGeometricMidpointsBoundedByEdges() {
        let s = PauseSummary.histogram(
            source: .runtimeMetrics, sampleUnit: .pause,
            buckets: [
                Bucket(lowerMillis: 0.1, upperMillis: 0.2, count: 2),
                Bucket(lowerMillis: 0.2, upperMillis: 0.3, count: 0),
                Bucket(lowerMillis: 1, upperMillis: 2, count: 1),
            ], gcCycles: 2)
        #expect(s.count == 3)
        #expect(s.histogram?.buckets.count == 2, "empty buckets are dropped")
        #expect(abs(s.totalMillis - (2 * (0.1 * 0.2).squareRoot() + 2.0.squareRoot())) < 1e-12, "geometric midpoints")
        #expect(abs(s.totalMillisLower - 1.2) < 1e-12)
        #expect(abs(s.totalMillisUpper! - 2.4) < 1e-12)
    }

    @Test func aPauseInThePlusInfBucketMakesTheUpperBoundUnbounded() throws {
        let s = PauseSummary.histogram(
            source: .prometheus, sampleUnit: .pause,
            buckets: [
                Bucket(lowerMillis: 0, upperMillis: 1, count: 1),
                Bucket(lowerMillis: 1000, upperMillis: nil, count: 1),
            ], gcCycles: nil)
        #expect(s.totalMillisUpper == nil)
        #expect(s.totalMillisLower == 1000)
        #expect(s.totalMillis == 1000.5, "an unbounded bucket counts at its lower edge")
        let q = try #require(s.quantileMillis(1))
        #expect(q.lower == 1000 && q.upper == .infinity)
        // JSON has no infinity: unbounded is nil (an absent key), and the value round-trips.
        let json = try JSONEncoder().encode(s)
        #expect(!String(decoding: json, as: UTF8.self).contains("totalMillisUpper"), "unbounded is an absent key")
        #expect(try JSONDecoder().decode(PauseSummary.self, from: json) == s)
    }

    @Test func exactQuantilesAreTheSampleQuantiles() throws {
        let s = PauseSummary.exact(source: .trace, sampleUnit: .pause, pausesMillis: [4, 1, 3, 2], gcCycles: 2)
        let q = try #require(s.quantileMillis(0.25))
        #expect(q.estimate == 1.75 && q.lower == 1.75 && q.upper == 1.75)
        #expect(s.totalMillis == 10 && s.totalMillisLower == 10 && s.totalMillisUpper == 10)
        #expect(PauseSummary.exact(source: .trace, sampleUnit: .pause, pausesMillis: [], gcCycles: 0).quantileMillis(0.5) == nil)
    }

    @Test func summaryResolutionHasNoQuantiles() {
        let s = PauseSummary(
            source: .prometheus, resolution: .summary, sampleUnit: .cycle, count: 10,
            totalMillis: 3, totalMillisLower: 3, totalMillisUpper: 3)
        #expect(s.quantileMillis(0.99) == nil)
        #expect(s.stopTheWorldPauses == 20)
    }

    /// Property: for samples binned into buckets, the true definition-7 quantile lies within the
    /// bounds the histogram gives, for many seeds, bucket layouts and probabilities.
    @Test func histogramQuantileBoundsContainTheTrueQuantile() throws {
        for seed in UInt64(1)...200 {
            var rng = SeededGenerator(seed: seed)
            let edges = (0...Int(rng.next() % 6 + 2)).map { Double($0) * Double(rng.next() % 3 + 1) }
                .reduce(into: [Double]()) { acc, e in acc.append((acc.last ?? 0) + e + 0.5) }
            let n = Int(rng.next() % 40 + 1)
            let samples = (0..<n).map { _ in Double(rng.next() % 10_000) / 10_000 * (edges.last! + 2) }
            var buckets: [Bucket] = []
            for i in 0..<edges.count {
                let lower = i == 0 ? 0 : edges[i - 1]
                let upper: Double? = i == edges.count - 1 ? nil : edges[i]
                let c = samples.filter { x in x >= lower && (upper.map { x < $0 } ?? true) }.count
                buckets.append(Bucket(lowerMillis: lower, upperMillis: upper, count: c))
            }
            let s = PauseSummary.histogram(source: .runtimeMetrics, sampleUnit: .pause, buckets: buckets, gcCycles: nil)
            #expect(s.count == n)
            for p in [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1] {
                let truth = try #require(Statistics.quantile(samples, p))
                let q = try #require(s.quantileMillis(p))
                #expect(q.lower <= truth && truth <= q.upper, "seed \(seed) p \(p): \(truth) outside [\(q.lower), \(q.upper)]")
                #expect(q.lower <= q.estimate && q.estimate <= q.upper)
            }
            #expect(s.totalMillisLower <= samples.reduce(0, +) + 1e-9)
            if let upper = s.totalMillisUpper { #expect(samples.reduce(0, +) <= upper + 1e-9) }
        }
    }

    @Test func gctraceObservationBecomesTwoExactPausesPerCycle() {
        let lines = """
            gc 7 @0.207s 1%: 0.87+2.6+0.032 ms clock, 1.7+0.32/0.68/0+0.065 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
            gc 8 @0.300s 1%: 0.10+2.0+0.004 ms clock, 0.2+0.3/0.6/0+0.008 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
            gc 9 @0.4
            """
        let parsed = GCTraceParser.parse(text: lines)
        let observation = GCObservation(cycles: parsed.cycles, windowSeconds: 1, processors: 2, malformedLines: parsed.malformed.count)
        let s = PauseSummary(gctrace: observation)
        #expect(s.source == .gctrace && s.resolution == .exact && s.sampleUnit == .pause)
        #expect(s.pausesMillis == [0.87, 0.032, 0.10, 0.004])
        #expect(s.count == 4 && s.gcCycles == 2 && s.stopTheWorldPauses == 4)
        #expect(abs(s.totalMillis - 1.006) < 1e-12)
        #expect(s.notes.contains { $0.contains("could not be read") })
    }

    @Test func sourceKindsUseTheDocumentedRawValues() {
        #expect(PauseSourceKind.allCases.map(\.rawValue) == ["gctrace", "runtime-metrics", "expvar", "prometheus", "trace"])
    }
}
