import Foundation
import Testing

@testable import TunerCore

@Suite struct ExpvarPausesTests {
    /// A snapshot after `numGC` cycles where cycle k paused k µs and ended at 1000·k ns, in a
    /// ring of `ring` entries.
    func snapshot(numGC: Int, ring: Int = 256) -> ExpvarMemStats {
        var ns = [UInt64](repeating: 0, count: ring)
        var end = [UInt64](repeating: 0, count: ring)
        for k in max(1, numGC - ring + 1)...max(1, numGC) where k <= numGC {
            ns[(k - 1) % ring] = UInt64(k) * 1000
            end[(k - 1) % ring] = UInt64(k) * 1000
        }
        let total = (0...numGC).reduce(UInt64(0)) { $0 + UInt64($1) * 1000 }
        return ExpvarMemStats(numGC: numGC, pauseTotalNs: total, pauseNs: ns, pauseEnd: end, lastGC: UInt64(numGC) * 1000)
    }

    @Test func cyclesWhosePauseEndIsInTheWindowAreKeptExactly() throws {
        let s = try ExpvarPauses.summary(
            snapshots: [snapshot(numGC: 10), snapshot(numGC: 20)],
            windowStartUnixNanos: 12_000, windowEndUnixNanos: 18_000)
        #expect(s.sampleUnit == .cycle && s.resolution == .exact)
        #expect(s.pausesMillis == (12...18).map { Double($0) / 1000 })
        #expect(s.count == 7 && s.gcCycles == 7 && s.missedPauses == 0)
    }

    @Test func cyclesLostFromTheRingAreCountedAsMissedWithTheirTotal() throws {
        // Ring of 8: between NumGC 10 and 30 the end snapshot holds only cycles 23…30.
        let s = try ExpvarPauses.summary(
            snapshots: [snapshot(numGC: 10, ring: 8), snapshot(numGC: 30, ring: 8)],
            windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000)
        #expect(s.missedPauses == 12, "cycles 11…22")
        #expect(s.pausesMillis?.count == 8 + 8, "cycles 3…10 from the first snapshot and 23…30 from the last")
        // Missed time from PauseTotalNs: 11+…+22 µs = 198 µs.
        let seen = s.pausesMillis!.reduce(0, +)
        #expect(abs(s.totalMillis - seen - 0.198) < 1e-9)
        #expect(s.notes.contains { $0.contains("fell out of MemStats' 8-entry ring") })
    }

    @Test func anIntermediatePollRecoversCyclesTheRingWouldLose() throws {
        let s = try ExpvarPauses.summary(
            snapshots: [snapshot(numGC: 10, ring: 8), snapshot(numGC: 18, ring: 8), snapshot(numGC: 26, ring: 8)],
            windowStartUnixNanos: 10_500, windowEndUnixNanos: 1_000_000)
        #expect(s.missedPauses == 0)
        #expect(s.pausesMillis == (11...26).map { Double($0) / 1000 })
    }

    @Test func restartsAndTooFewSnapshotsAreErrors() throws {
        #expect(throws: PauseSourceError.self) {
            try ExpvarPauses.summary(snapshots: [snapshot(numGC: 10), snapshot(numGC: 3)], windowStartUnixNanos: 0, windowEndUnixNanos: 1)
        }
        #expect(throws: PauseSourceError.self) {
            try ExpvarPauses.summary(snapshots: [snapshot(numGC: 10)], windowStartUnixNanos: 0, windowEndUnixNanos: 1)
        }
        #expect(throws: PauseSourceError.malformed(source: .expvar, reason: "memstats has no PauseTotalNs; is this a /debug/vars body?")) {
            try ExpvarMemStats.parse(Data("{\"cmdline\": [], \"memstats\": {\"NumGC\": 1}}".utf8))
        }
        let bare = try #require(
            ExpvarMemStats.parse(Data(#"{"NumGC":1,"PauseTotalNs":5,"PauseNs":[5,0],"PauseEnd":[9,0],"LastGC":9}"#.utf8)).cycle(1))
        #expect(bare.pauseNs == 5 && bare.endUnixNanos == 9, "a bare MemStats object is read too")
    }

    @Test func capturedDebugVarsParse() throws {
        let s = try PauseFixtures.expvar("after")
        #expect(s.numGC == 357 && s.pauseNs.count == 256 && s.pauseEnd.count == 256)
        let last = try #require(s.cycle(357))
        #expect(last.endUnixNanos == s.lastGC)
        #expect(s.cycle(101) == nil, "cycle 101 was overwritten by cycle 357")
        #expect(s.cycle(102) != nil)
    }
}
