import Foundation
import Testing
import TunerFakes

@_spi(Lab) @testable import TunerCore
@_spi(Lab) @testable import TunerLab

/// The two-host replay: its schedule of hosts and defaults, and what each arm lets the search see.
@Suite struct HostsBenchmarkTests {
    let bench = HostsBenchmark(bench: SearchBenchmark(evaluator: ReplayEvaluator(samples: CommonDrawsBenchmarkTests.surface())))

    @Test func theNoiseChecksDefaultsComeFirstAndHostBMeasuresItsOwnDefault() {
        let run = bench.run(.twoHostsScaled, seed: 1, budget: 10)
        #expect(run.hypervolumeShares.count == 10)
        #expect(run.hypervolumeShares == run.hypervolumeShares.sorted(), "a trace only grows")
        #expect(run.hypervolumeShares.allSatisfy { $0 >= 0 && $0 <= 1 + 1e-9 })
        #expect(run.recommendation != nil && run.recommendationThroughputShare.map { $0 > 0 && $0 <= 1 + 1e-9 } == true)
    }

    @Test func thePooledArmHidesTheHostsAndTheScaledArmShowsThem() throws {
        let trials = CommonDrawsBenchmarkTests.surface()
        var (a, b) = (trials[0], trials[1])
        (a.host, b.host) = ("a", "b")
        #expect(bench.visible([a, b], .twoHostsPooled).allSatisfy { $0.host == nil })
        #expect(bench.visible([a, b], .twoHostsScaled).map(\.host) == ["a", "b"])
    }
}
