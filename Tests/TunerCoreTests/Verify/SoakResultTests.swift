import Foundation
import Testing

@testable import TunerCore

@Suite struct SoakResultTests {
    /// Readings every 2 s for 40 s: RSS and live heap as given per second, goroutines as given.
    func readings(
        rssPerSecond: Double = 0, livePerSecond: Double = 0, goroutinesPerSecond: Double = 0, pauseMillisPerSecond: Double = 1,
        p99: Double = 20
    ) -> [SoakSample] {
        var generator = SeededGenerator(seed: 9)
        return (1...20).map { i in
            let t = Double(i) * 2
            let wobble = 2 * generator.nextUnit() - 1
            return SoakSample(
                elapsedSeconds: t, rssBytes: Int64(60_000_000 + rssPerSecond * t + 200_000 * wobble),
                liveHeapBytes: 20_000_000 + livePerSecond * t + 100_000 * wobble, goRuntimeBytes: 55_000_000 + rssPerSecond * t,
                goroutines: 80 + goroutinesPerSecond * t + (i % 3 == 0 ? 2 : 0), gcCycles: i * 10,
                pauseMillisTotal: pauseMillisPerSecond * t,
                segmentSeconds: 2, throughputOpsPerSecond: 4000, latencyP99Millis: p99 + wobble)
        }
    }

    @Test func aCleanSoakMeetsEveryBudgetAndFlagsNoLeak() {
        let result = SoakResult.analyse(setting: .goDefault, samples: readings(), seed: 1)
        #expect(result.held, "\(result.checks) \(result.leaks)")
        #expect(result.warmupSeconds == 8, "the first fifth of 40 s")
        #expect(abs((result.pauseMillisPerSecond ?? 0) - 1) < 1e-9)
        #expect(result.latencyP99Millis?.sampleCount == 16)
        #expect(result.checks.map(\.name) == ["rss_growth_pct", "pause_ms_per_s", "latency_p99_ms"])
    }

    @Test func eachLeakIsFlaggedByItsOwnSignal() {
        let goroutines = SoakResult.analyse(setting: .goDefault, samples: readings(goroutinesPerSecond: 40), seed: 1)
        #expect(goroutines.leaks.map(\.kind) == [.goroutines])
        // 40 goroutines/s holding 3 KiB of heap each: one signal, the goroutines, naming the heap.
        let holding = SoakResult.analyse(setting: .goDefault, samples: readings(livePerSecond: 120_000, goroutinesPerSecond: 40), seed: 1)
        #expect(holding.leaks.map(\.kind) == [.goroutines])
        #expect(holding.leaks.first?.explanation.contains("the live heap rises with them") == true)
        let heap = SoakResult.analyse(setting: .goDefault, samples: readings(rssPerSecond: 2_000_000, livePerSecond: 2_000_000), seed: 1)
        #expect(heap.leaks.map(\.kind) == [.liveHeap], "RSS follows the heap: inside the Go runtime")
        var outside = readings(rssPerSecond: 2_000_000)
        for i in outside.indices { outside[i].goRuntimeBytes = 55_000_000 }
        let native = SoakResult.analyse(setting: .goDefault, samples: outside, seed: 1)
        #expect(native.leaks.map(\.kind) == [.outsideGoRuntime])
        #expect(!native.held)
    }

    /// A live heap that rises alike in the default's soak is the service's (its documents grow):
    /// it is named, and the recommendation's soak holds; a rise beyond the default's is its own.
    @Test func aLeakTheDefaultsSoakShowsAlikeIsTheServicesNotTheSettings() {
        let candidate = GCSetting(gogc: 400, memoryLimitBytes: 256 << 20)
        let baseline = SoakResult.analyse(setting: .goDefault, samples: readings(livePerSecond: 100_000), seed: 1)
        let alike = SoakResult.analyse(setting: candidate, samples: readings(livePerSecond: 100_000), seed: 2)
        #expect(baseline.leaks.map(\.kind) == [.liveHeap] && alike.leaks.map(\.kind) == [.liveHeap])
        #expect(alike.leaks(beyond: baseline).isEmpty && alike.sharedLeaks(with: baseline).map(\.kind) == [.liveHeap])
        #expect(alike.held(beyond: baseline) && !alike.held)
        let faster = SoakResult.analyse(setting: candidate, samples: readings(livePerSecond: 400_000), seed: 2)
        #expect(faster.leaks(beyond: baseline).map(\.kind) == [.liveHeap], "four times the default's rate is the setting's")
        #expect(!faster.held(beyond: baseline))
        var verification = Verification(
            candidate: candidate, pairsPerLevel: 0, durationSeconds: 0, warmupSeconds: 0, levels: [], plannedLevels: [],
            startedAtUnixSeconds: 0, finishedAtUnixSeconds: 1)
        verification.soak = [baseline, alike]
        #expect(verification.held, "\(verification.headline)")
        #expect(
            verification.headline.hasPrefix("verified: GOGC=400 GOMEMLIMIT=256MiB held against the Go default in a soak, every budget met"))
        #expect(verification.headline.contains("the default's soak shows the same rise (live_heap): the service's or its load's"))
        verification.soak = [baseline, faster]
        #expect(!verification.held)
        #expect(verification.headline == "NOT HELD in the soak (leak: live_heap)", "a soak alone: no level to call held")
    }

    @Test func aLeakWhoseRateWandersIsFlaggedByItsSteps() {
        // Goroutines that pile up fast, then slowly: the line fits badly (autocorrelated
        // residuals widen its interval) but every reading is above the last.
        var samples = readings()
        for i in samples.indices { samples[i].goroutines = 100 + 3000 * (Double(i + 1) / 20).squareRoot() }
        let result = SoakResult.analyse(setting: .goDefault, samples: samples, seed: 1)
        #expect(result.leaks.map(\.kind) == [.goroutines])
    }

    @Test func budgetsAreJudgedWithTheirFigures() {
        var budgets = SoakBudgets()
        budgets.latencyP99Millis = 10
        let result = SoakResult.analyse(
            setting: .goDefault, samples: readings(rssPerSecond: 1_000_000, pauseMillisPerSecond: 7), budgets: budgets, seed: 1)
        let met = Dictionary(uniqueKeysWithValues: result.checks.map { ($0.name, $0.met) })
        #expect(met["rss_growth_pct"] == false, "\(result.checks[0].text)")
        #expect(met["pause_ms_per_s"] == false && met["latency_p99_ms"] == false)
        #expect(result.checks[0].text.contains("trend"))
    }
}
