import Foundation
import Testing

@testable import TunerCore

@Suite struct ProfileGCShareTests {
    /// The shape of `go tool pprof -traces` output (header, then one block per stack).
    static let traces = """
        File: collab-server
        Type: cpu
        Time: Dec 6, 2026 at 10:55pm (UTC)
        Duration: 6s, Total samples = 1s (16.67%)
        -----------+-------------------------------------------------------
             400ms   runtime.memmove
                     bytes.(*Buffer).Write
                     main.handleOps
        -----------+-------------------------------------------------------
             200ms   runtime.scanobject
                     runtime.gcDrain
                     runtime.gcBgMarkWorker.func2
                     runtime.systemstack
                     runtime.gcBgMarkWorker
        -----------+-------------------------------------------------------
             100ms   runtime.scanobject
                     runtime.gcDrainN
                     runtime.gcAssistAlloc1
                     runtime.gcAssistAlloc
                     runtime.mallocgc
        -----------+-------------------------------------------------------
             150ms   runtime.(*sweepLocked).sweep
                     runtime.(*mcentral).cacheSpan
                     runtime.(*mcache).refill
                     runtime.mallocgc
        -----------+-------------------------------------------------------
              50ms   runtime.sweepone
                     runtime.bgsweep
        -----------+-------------------------------------------------------
            100000us runtime.futex
                     runtime.notesleep
        -----------+-------------------------------------------------------
        """

    @Test func samplesCountForTheFirstClassOfTheirStack() throws {
        let share = try #require(ProfileGCShare.parse(traces: Self.traces))
        #expect(abs(share.totalSeconds - 1.0) < 1e-9)
        #expect(share.secondsByClass["mark"] == 0.2 && share.secondsByClass["assist"] == 0.1)
        #expect(share.secondsByClass["sweep"] == 0.2, "a sweep under the allocation slow path counts as sweeping; bgsweep too")
        #expect(share.secondsByClass["alloc"] == nil)
        #expect(abs(share.markShare - 0.3) < 1e-9 && abs(share.share - 0.5) < 1e-9)
        #expect(ProfileGCShare.parse(traces: "File: x\nType: cpu\n") == nil)
    }

    @Test func theRuntimeMetricsShareIsGCOverBusyCPUBetweenTwoScrapes() throws {
        let before = Data(
            #"{"/cpu/classes/gc/total:cpu-seconds": 1, "/cpu/classes/total:cpu-seconds": 10, "/cpu/classes/idle:cpu-seconds": 4}"#.utf8)
        let after = Data(
            #"{"/cpu/classes/gc/total:cpu-seconds": 2, "/cpu/classes/total:cpu-seconds": 22, "/cpu/classes/idle:cpu-seconds": 8}"#.utf8)
        let share = try #require(CPUProfileReading.runtimeMetricsShare(before: before, after: after))
        #expect(abs(share - 1.0 / 8) < 1e-12)
    }
}
