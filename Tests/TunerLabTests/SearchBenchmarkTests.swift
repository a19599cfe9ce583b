import Foundation
import Testing
import TunerFakes
import TunerRuntime

@_spi(Lab) @testable import TunerCore
@_spi(Lab) @testable import TunerLab

/// The search benchmark's own scoring on replayed surfaces: traces, the grid's refinement, the
/// pooled truth of settings the runtime cannot tell apart, and the oracle.
@Suite struct SearchBenchmarkTests {
    @Test func benchmarkTracesNeverDecreaseAndGridStartsAtTheDefault() {
        let bench = SearchBenchmark(
            evaluator: ReplayEvaluator(samples: SyntheticSurface.samples()),
            objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
        #expect(bench.trueVolume > 0)
        let grid = bench.gridSequence(seed: 1, budget: 12)
        #expect(grid.first == .goDefault)
        #expect(Set(grid).count == 12)
        let trace = bench.trace(grid)
        #expect(zip(trace, trace.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(abs(trace.last! - bench.trueVolume) < 1e-9 * bench.trueVolume)
        #expect(bench.trialsToReach(0.95, trace) != nil)
        let tuner = bench.surrogateSequence(seed: 1, budget: 10)
        #expect(tuner.count == 10 && tuner.first == .goDefault)
    }

    @Test func gridRefinesFromTheEndsInwardsLevelByLevel() {
        #expect(SearchBenchmark.refinementLevels(count: 5) == [0, 2, 1, 2, 0])
        #expect(SearchBenchmark.refinementLevels(count: 2) == [0, 0])
        let fourteen = SearchBenchmark.refinementLevels(count: 14)
        #expect(fourteen[0] == 0 && fourteen[13] == 0 && fourteen[7] == 1)
        #expect(fourteen.filter { $0 <= 2 }.count == 5)
        #expect(fourteen.allSatisfy { $0 <= 4 })
        // On the synthetic surface (6 GOGC values × 2 limits): the default, then the 4 corners.
        let bench = SearchBenchmark(
            evaluator: ReplayEvaluator(samples: SyntheticSurface.samples()),
            objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
        let grid = bench.gridSequence(seed: 3, budget: 5)
        #expect(
            Set(grid.dropFirst()) == Set([25, 800].flatMap { g in [128 << 20, nil].map { GCSetting(gogc: g, memoryLimitBytes: $0) } }))
    }

    /// A trial with a given heap goal and peak RSS (MiB), for the equivalence classes.
    static func trial(_ setting: GCSetting, goal: Int, rssMiB: Int64, throughput: Double) -> TrialSample {
        var sample = SyntheticSurface.samples()[0]
        sample.setting = setting
        sample.gc?.cycles[0].heapGoalMiB = goal
        sample.memory = MemoryObservation(
            peakBytes: rssMiB << 20, windowStartBytes: rssMiB << 20, windowEndBytes: rssMiB << 20, sampleCount: 5)
        sample.load?.throughputOpsPerSecond = throughput
        return sample
    }

    @Test func settingsTheRuntimeCannotTellApartShareOnePooledTruth() {
        let free = GCSetting(gogc: 100, memoryLimitBytes: nil)
        let roomy = GCSetting(gogc: 100, memoryLimitBytes: 1 << 30)
        let limitOnly = GCSetting(gogc: nil, memoryLimitBytes: 64 << 20)
        let cut = GCSetting(gogc: 400, memoryLimitBytes: 64 << 20)
        let between = GCSetting(gogc: 100, memoryLimitBytes: 96 << 20)
        let samples = [
            Self.trial(free, goal: 70, rssMiB: 118, throughput: 10_000), Self.trial(free, goal: 70, rssMiB: 118, throughput: 9_000),
            Self.trial(roomy, goal: 72, rssMiB: 120, throughput: 11_000),
            Self.trial(limitOnly, goal: 53, rssMiB: 70, throughput: 7_000),
            Self.trial(cut, goal: 54, rssMiB: 69, throughput: 8_000),
            Self.trial(between, goal: 71, rssMiB: 101, throughput: 9_500),
        ]
        let classes = SearchBenchmark.equivalenceClasses(ReplayEvaluator(samples: samples).surface)
        #expect(classes[roomy] == [roomy, free])
        #expect(classes[cut] == [cut, limitOnly].sorted())
        #expect(classes[between] == [between], "the limit acted on RSS but did not decide the goal alone")
        let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [
            (.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize),
        ]
        let pooled = SearchBenchmark(evaluator: ReplayEvaluator(samples: samples), objectives: objectives)
        // The class mean over all three repeats, for both members.
        #expect(abs(exp(pooled.truth[roomy]![0]) - 10_000) < 0.02)  // log(value + ε), ε = 0.01
        #expect(pooled.truth[roomy] == pooled.truth[free])
        let means = SearchBenchmark(evaluator: ReplayEvaluator(samples: samples), objectives: objectives, truth: .means)
        #expect(abs(exp(means.truth[roomy]![0]) - 11_000) < 0.02)
        // A tighter tolerance separates the roomy limit (goal 3 % and RSS 2 % apart).
        #expect(SearchBenchmark.equivalenceClasses(ReplayEvaluator(samples: samples).surface, tolerance: 0.01)[roomy] == [roomy])
    }

    @Test func oracleReachesTheTrueHypervolumeFirst() {
        let bench = SearchBenchmark(
            evaluator: ReplayEvaluator(samples: SyntheticSurface.samples()),
            objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
        let oracle = bench.trace(bench.oracleSequence(budget: 6))
        let grid = bench.trace(bench.gridSequence(seed: 1, budget: 6))
        #expect(zip(oracle, grid).allSatisfy { $0 >= $1 - 1e-12 })
    }
}
