import Testing

@testable import TunerCore

/// Lines captured from real programs run with GODEBUG=gctrace=1 (see the fixtures' comments).
@Suite struct GCTraceParserTests {
    /// Go 1.27.3 (this repository's toolchain), a 2-P machine.
    let current =
        "gc 7 @0.207s 1%: 0.87+2.6+0.032 ms clock, 1.7+0.32/0.68/0+0.065 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P"
    /// Go 1.27.3, runtime.GC() at exit, GOMAXPROCS=1.
    let forced =
        "gc 47 @0.090s 13%: 0.008+0.31+0.001 ms clock, 0.008+0/0.018/0.29+0.001 ms cpu, 5->5->5 MB, 10 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)"

    @Test func currentGoLineYieldsBothStopTheWorldPauses() throws {
        guard case .cycle(let cycle) = GCTraceParser.parse(line: current) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.number == 7)
        #expect(cycle.startSeconds == 0.207)
        #expect(cycle.cumulativeCPUPercent == 1)
        #expect(cycle.pausesMillis == [0.87, 0.032])
        #expect(cycle.concurrentMarkMillis == 2.6)
        #expect(cycle.heapStartMiB == 3 && cycle.heapEndMiB == 3 && cycle.liveHeapMiB == 1)
        #expect(cycle.heapGoalMiB == 4)
        #expect(cycle.processors == 2)
        #expect(cycle.forced == false)
        // cpu: 1.7 + 0.32 + 0.68 + 0.065; the idle-mark 0 is excluded
        #expect(abs((cycle.cpuMillis ?? 0) - 2.765) < 1e-9)
    }

    @Test func forcedCycleIsMarkedForced() throws {
        guard case .cycle(let cycle) = GCTraceParser.parse(line: forced) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.forced)
        #expect(cycle.processors == 1)
        #expect(cycle.heapGoalMiB == 10)
    }

    /// Go 1.19.8 (Debian's golang-1.19), GOMAXPROCS=2 and a forced cycle at GOMAXPROCS=1.
    @Test func go119LinesParse() throws {
        let lines = [
            "gc 1 @0.001s 11%: 0.078+0.39+0.004 ms clock, 0.15+0.27/0/0+0.008 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
            "gc 3 @0.004s 8%: 0.033+1.9+0.004 ms clock, 0.066+0.034/0.42/0+0.008 ms cpu, 4->5->5 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
            "gc 50 @0.206s 5%: 0.008+0.14+0.001 ms clock, 0.008+0/0.012/0.12+0.001 ms cpu, 10->10->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)",
        ]
        let parsed = GCTraceParser.parse(text: lines.joined(separator: "\n"))
        #expect(parsed.malformed.isEmpty)
        #expect(parsed.cycles.map(\.number) == [1, 3, 50])
        #expect(parsed.cycles[0].pausesMillis == [0.078, 0.004])
        #expect(parsed.cycles[0].cumulativeCPUPercent == 11)
        #expect(parsed.cycles[1].liveHeapMiB == 5)
        #expect(parsed.cycles[2].forced && parsed.cycles[2].processors == 1)
    }

    @Test func lineWithoutStacksAndGlobalsFromOlderGoParses() throws {
        // Go 1.17 format (no stacks/globals fields).
        let old = "gc 3 @0.025s 4%: 0.010+1.2+0.003 ms clock, 0.040+0.21/0.98/0.40+0.012 ms cpu, 4->4->2 MB, 5 MB goal, 4 P"
        guard case .cycle(let cycle) = GCTraceParser.parse(line: old) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.pausesMillis == [0.010, 0.003])
        #expect(cycle.processors == 4)
        #expect(cycle.heapGoalMiB == 5)
    }

    @Test func extraFieldsAndAnnotationsAreSkipped() throws {
        let annotated =
            "gc 12 @1.500s 3% (checking for goroutine leaks): 0.05+3.1+0.02 ms clock, 0.1+0.2/0.3/0.4+0.04 ms cpu, 10->11->6 MB, 12 MB goal, 1 MB stacks, 0 MB globals, 7 MB future, 8 P"
        guard case .cycle(let cycle) = GCTraceParser.parse(line: annotated) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.pausesMillis == [0.05, 0.02])
        #expect(cycle.processors == 8)
    }

    @Test func truncatedAfterTheClockSectionKeepsThePauses() throws {
        let cut = "gc 5 @0.174s 1%: 0.096+2.0+0.004 ms clock, 0.19+0.26/1.1"
        guard case .cycle(let cycle) = GCTraceParser.parse(line: cut) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.pausesMillis == [0.096, 0.004])
        #expect(cycle.cpuMillis == nil)
        #expect(cycle.heapGoalMiB == nil)
    }

    @Test func truncatedInsideTheClockSectionIsMalformed() {
        let cut = "gc 5 @0.174s 1%: 0.096+2.0+0.0"
        guard case .malformed(let reason) = GCTraceParser.parse(line: cut) else {
            Issue.record("expected malformed")
            return
        }
        #expect(reason.contains("cycle 5"))
        #expect(GCTraceParser.parse(line: "gc 9 @") != .other)
    }

    @Test func ordinaryProgramOutputIsNotATraceLine() {
        #expect(GCTraceParser.parse(line: "listening on 127.0.0.1:8080") == .other)
        #expect(GCTraceParser.parse(line: "gc is fun") == .other)
        #expect(GCTraceParser.parse(line: "") == .other)
        #expect(GCTraceParser.parse(line: "scvg: 0 MB released") == .other)
    }

    @Test func traceThatSharesALineWithProgramOutputIsFound() throws {
        let merged =
            "2026/11/29 request done gc 2 @0.057s 1%: 0.29+0.97+0.006 ms clock, 0.58+0.25/0.49/0+0.012 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P"
        guard case .cycle(let cycle) = GCTraceParser.parse(line: merged) else {
            Issue.record("not parsed")
            return
        }
        #expect(cycle.number == 2)
    }

    @Test func wholeCaptureCountsCyclesAndMalformedLines() {
        let text = [current, "hello", forced, "gc 5 @0.1s 1%: 0.1+", ""].joined(separator: "\n")
        let parsed = GCTraceParser.parse(text: text)
        #expect(parsed.cycles.map(\.number) == [7, 47])
        #expect(parsed.malformed.count == 1)
    }
}
