import Foundation
import Testing

@testable import TunerCore

@Suite struct ExecutionTraceTests {
    /// Lines as Go 1.27.3's `go tool trace -d=parsed` prints them (from the captured run),
    /// with a stack and other events in between.
    let sample = """
        M=-1 P=-1 G=-1 Sync Time=1000 N=1 Trace=2000 Mono=1990 Wall=2026-12-02T05:24:44.463005235Z
        M=20645 P=1 G=5687 RangeBegin Time=3000 Name="stop-the-world (start trace)" Scope=Goroutine(5687)
        Stack=
        \truntime/trace.Start @ 0x6e5f98
        \t\t/go/src/runtime/trace/trace.go:119
        M=20645 P=1 G=5687 RangeEnd Time=4000 Name="stop-the-world (start trace)" Scope=Goroutine(5687) Attributes=[]
        M=20626 P=1 G=59 RangeBegin Time=10000 Name="GC concurrent mark phase" Scope=None
        M=20626 P=1 G=59 RangeBegin Time=10064 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(59)
        M=20626 P=1 G=59 StateTransition Time=10100 GoID=59 Running->Waiting Reason="RangeBegin look-alike"
        M=20626 P=1 G=59 RangeEnd Time=192912 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(59) Attributes=[]
        M=20646 P=0 G=5714 RangeBegin Time=9000000 Name="stop-the-world (GC mark termination)" Scope=Goroutine(5714)
        M=20646 P=0 G=5714 RangeEnd Time=9023232 Name="stop-the-world (GC mark termination)" Scope=Goroutine(5714) Attributes=[]
        M=20650 P=1 G=77 RangeBegin Time=9500000 Name="stop-the-world (read mem stats)" Scope=Goroutine(77)
        M=20650 P=1 G=77 RangeEnd Time=9540000 Name="stop-the-world (read mem stats)" Scope=Goroutine(77) Attributes=[]
        M=20626 P=1 G=60 RangeBegin Time=9900000 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(60)
        M=-1 P=-1 G=-1 Sync Time=3001000000 N=2
        """

    @Test func gcStopTheWorldRangesBecomeExactPausesAndOtherKindsAreNamed() throws {
        let t = try ExecutionTraceParser.parse(sample)
        #expect(t.stopTheWorlds.map(\.reason) == ["start trace", "GC sweep termination", "GC mark termination", "read mem stats"])
        #expect(t.unfinished == ["GC sweep termination"])
        #expect(t.durationSeconds == 3.000999)
        let s = t.pauseSummary
        #expect(s.source == .trace && s.resolution == .exact && s.sampleUnit == .pause)
        #expect(s.pausesMillis == [0.182848, 0.023232])
        #expect(s.gcCycles == 1 && s.missedPauses == 1)
        #expect(s.notes.contains { $0.contains("read mem stats ×1, 0.040 ms") && $0.contains("start trace ×1, 0.001 ms") })
    }

    @Test func theClockSnapshotPlacesTraceTimesInUnixTime() throws {
        let t = try ExecutionTraceParser.parse(sample)
        let anchor = try #require(t.clock)
        #expect(anchor.traceNanos == 2000)
        #expect(anchor.unixNanos == 1_796_189_084_463_005_235)
        #expect(t.unixNanos(atTrace: 3000) == 1_796_189_084_463_006_235)
    }

    @Test func chunksOfAnySizeGiveTheSameResult() throws {
        let whole = try ExecutionTraceParser.parse(sample)
        let bytes = Array(sample.utf8)
        for size in [1, 2, 7, 64, 1000] {
            var parser = ExecutionTraceParser()
            var i = 0
            while i < bytes.count {
                let chunk = bytes[i..<min(i + size, bytes.count)]
                try chunk.withUnsafeBytes { try parser.consume($0) }
                i += size
            }
            #expect(try parser.finish() == whole, "chunk size \(size)")
        }
    }

    @Test func anEndWithoutABeginIsCountedNotPaired() throws {
        let t = try ExecutionTraceParser.parse(
            #"M=1 P=0 G=5 RangeEnd Time=10 Name="stop-the-world (GC mark termination)" Scope=Goroutine(5) Attributes=[]"#)
        #expect(t.unmatchedEnds == 1 && t.stopTheWorlds.isEmpty)
    }

    @Test func anEventWithoutTimeIsAnErrorWithItsLine() {
        #expect(
            throws: ExecutionTraceParser.ParseError(line: 2, message: #"event without Time=: M=1 P=0 G=5 RangeBegin Name="x" Scope=None"#)
        ) {
            try ExecutionTraceParser.parse("M=1 P=0 G=5 GoStart Time=1\n" + #"M=1 P=0 G=5 RangeBegin Name="x" Scope=None"#)
        }
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T00:00:01.5Z", Int64(1_500_000_000)),
        ("2000-03-01T00:00:00.000000001Z", Int64(951_868_800_000_000_001)),
        ("2026-12-02T06:24:44.463005235+01:00", Int64(1_796_189_084_463_005_235)),
        ("2026-12-02T05:24:44-00:30", Int64(1_796_189_084_000_000_000 + 1_800_000_000_000)),
    ])
    func rfc3339WallTimesConvertToUnixNanoseconds(text: String, nanos: Int64) {
        #expect(ExecutionTraceParser.unixNanos(rfc3339: text) == nanos)
    }

    @Test func capturedTraceHasOnlyGCAndTwoKnownOtherKinds() throws {
        let t = try PauseFixtures.trace()
        let reasons = Set(t.stopTheWorlds.map(\.reason))
        #expect(reasons == ["GC sweep termination", "GC mark termination", "start trace", "read mem stats"])
        #expect(t.unfinished.isEmpty && t.unmatchedEnds == 0)
        let s = t.pauseSummary
        #expect(s.count == 362 && s.gcCycles == 181)
        #expect(abs(t.durationSeconds! - 3.01) < 0.05)
    }

    /// The full -d=parsed output is ~130 MB/s of trace; most lines must be rejected cheaply.
    /// 200 000 filler lines (events and stack frames) with 1000 pauses among them.
    @Test func manyIrrelevantLinesAreSkipped() throws {
        var text = "M=-1 P=-1 G=-1 Sync Time=0 N=1\n"
        for i in 0..<1000 {
            for _ in 0..<100 {
                text += "M=20626 P=1 G=5707 GoStart Time=\(i * 1000) GoID=5707 Runnable->Running Reason=\"\"\n\truntime.gcStart @ 0x41\n"
            }
            text += "M=2 P=1 G=9 RangeBegin Time=\(i * 1000 + 1) Name=\"stop-the-world (GC mark termination)\" Scope=Goroutine(9)\n"
            text +=
                "M=2 P=1 G=9 RangeEnd Time=\(i * 1000 + 11) Name=\"stop-the-world (GC mark termination)\" Scope=Goroutine(9) Attributes=[]\n"
        }
        let start = ContinuousClock.now
        let t = try ExecutionTraceParser.parse(text)
        let elapsed = ContinuousClock.now - start
        #expect(t.stopTheWorlds.count == 1000 && t.stopTheWorlds.allSatisfy { $0.durationNanos == 10 })
        print("execution trace parser: \(text.utf8.count) bytes in \(elapsed)")
    }
}
