import Foundation
import Testing
@testable import TunerCore
@testable import TunerRuntime

@Suite struct ReplayStudyTests {
    /// A recorded surface of synthetic trials: 3 repeats of every grid setting.
    static func surface() -> [TrialSample] {
        var samples: [TrialSample] = []
        for (g, gogc) in [25, 50, 100, 200, 400, 800].enumerated() {
            for limit: Int64? in [128 << 20, nil] {
                for r in 0..<3 {
                    let setting = GCSetting(gogc: gogc, memoryLimitBytes: limit)
                    let throughput = 3000 + 400 * Double(g) + Double(r) * 10 - (limit == nil ? 0 : 150)
                    let pause = 0.1 + 0.05 * Double(g) + Double(r) * 0.002
                    var sample = TrialSample(trialIndex: samples.count, setting: setting, repeatIndex: r, outcome: .measured,
                                             startedAtUnixSeconds: 0, wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
                                             load: nil, gc: nil, memory: nil)
                    sample.load = LoadResult(operations: 1, throughputOpsPerSecond: throughput, latencyP50Millis: 1, latencyP90Millis: 2,
                                             latencyP99Millis: 3, latencyMaxMillis: 4, errors: 0, converged: true,
                                             windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000)
                    let cycle = GCCycle(number: 1, startSeconds: 1, cumulativeCPUPercent: 1, sweepTerminationMillis: pause, concurrentMarkMillis: 1,
                                        markTerminationMillis: pause, cpuMillis: 1, heapStartMiB: 1, heapEndMiB: 1, liveHeapMiB: 1,
                                        heapGoalMiB: 1, processors: 2, forced: false)
                    sample.gc = GCObservation(cycles: [cycle], windowSeconds: 1, processors: 2, malformedLines: 0)
                    sample.memory = MemoryObservation(peakBytes: 50 << 20, windowStartBytes: 50 << 20, windowEndBytes: 50 << 20, sampleCount: 5)
                    samples.append(sample)
                }
            }
        }
        return samples
    }

    func spec(space: SearchSpace) throws -> StudySpec {
        var spec = try SpecLoader.parse(yaml: """
            study: replay
            target: {command: [none, "{port}"]}
            load: {}
            parameters: {gogc: {values: [100]}}
            budget: {sampler: surrogate, trials: 9, initial: 4, confirm: 5, duration: 1s, noise_check: off}
            """, file: "replay.yml", absolutePath: "/tmp/replay.yml")
        spec.space = space
        return spec
    }

    @Test func replayReturnsARecordedRepeatChosenBySeed() throws {
        let replay = ReplayEvaluator(samples: Self.surface())
        let setting = GCSetting(gogc: 200, memoryLimitBytes: nil)
        let a = replay.run(setting: setting, trialIndex: 7, repeatIndex: 0, seed: 11)
        let b = replay.run(setting: setting, trialIndex: 7, repeatIndex: 0, seed: 11)
        #expect(a == b)
        #expect(a.trialIndex == 7 && a.setting == setting && a.isMeasured)
        let missing = replay.run(setting: GCSetting(gogc: 300, memoryLimitBytes: nil), trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(missing.outcome.failureReason?.contains("no measurement") == true)
        #expect(replay.space == SearchSpace(gogc: .values([25, 50, 100, 200, 400, 800]), memoryLimit: .values([128 << 20, nil])))
    }

    @Test func surrogateStudyOnAReplayLogsEveryDecisionAndConfirmsByAlternating() throws {
        let replay = ReplayEvaluator(samples: Self.surface())
        var lines: [String] = []
        let store = InMemoryStudyStore()
        var runner = StudyRunner(spec: try spec(space: replay.space), store: store,
                                 trialRunner: replay, log: { lines.append($0) })
        runner.storesFiles = false
        var samples = try runner.runTrials()
        #expect(samples.count <= 9)
        #expect(samples.first?.setting == .goDefault)
        #expect(lines.filter { $0.hasPrefix("next: ") }.count == samples.count)
        let candidate = GCSetting(gogc: 800, memoryLimitBytes: nil)
        let confirmation = try #require(try runner.confirm(candidate: candidate, samples: &samples))
        let confirmTrials = samples.filter { $0.isConfirmation }.sorted { $0.trialIndex < $1.trialIndex }
        #expect(confirmTrials.map(\.setting) == Array(repeating: [GCSetting.goDefault, candidate], count: 5).flatMap { $0 })
        #expect(confirmation.confirmed, "\(confirmation.verdict)")
        // A second confirm call finds the pairs already recorded and runs nothing new.
        let count = samples.count
        _ = try runner.confirm(candidate: candidate, samples: &samples)
        #expect(samples.count == count)
        // A second candidate gets pairs of its own, run back to back, not the first one's defaults.
        let other = GCSetting(gogc: 400, memoryLimitBytes: nil)
        _ = try runner.confirm(candidate: other, samples: &samples)
        let second = samples.filter { $0.phase == "confirm \(other)" }.sorted { $0.trialIndex < $1.trialIndex }
        #expect(second.map(\.setting) == Array(repeating: [GCSetting.goDefault, other], count: 5).flatMap { $0 })
        #expect(zip(second, second.dropFirst()).allSatisfy { $0.trialIndex + 1 == $1.trialIndex })
    }

    @Test func benchmarkTracesNeverDecreaseAndGridStartsAtTheDefault() {
        let bench = SearchBenchmark(evaluator: ReplayEvaluator(samples: Self.surface()),
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
        let bench = SearchBenchmark(evaluator: ReplayEvaluator(samples: Self.surface()),
                                    objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
        let grid = bench.gridSequence(seed: 3, budget: 5)
        #expect(Set(grid.dropFirst()) == Set([25, 800].flatMap { g in [128 << 20, nil].map { GCSetting(gogc: g, memoryLimitBytes: $0) } }))
    }

    /// A trial with a given heap goal and peak RSS (MiB), for the equivalence classes.
    static func trial(_ setting: GCSetting, goal: Int, rssMiB: Int64, throughput: Double) -> TrialSample {
        var sample = Self.surface()[0]
        sample.setting = setting
        sample.gc?.cycles[0].heapGoalMiB = goal
        sample.memory = MemoryObservation(peakBytes: rssMiB << 20, windowStartBytes: rssMiB << 20, windowEndBytes: rssMiB << 20, sampleCount: 5)
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
        let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [(.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize)]
        let pooled = SearchBenchmark(evaluator: ReplayEvaluator(samples: samples), objectives: objectives)
        // The class mean over all three repeats, for both members.
        #expect(abs(exp(pooled.truth[roomy]![0]) - 10_000) < 0.02) // log(value + ε), ε = 0.01
        #expect(pooled.truth[roomy] == pooled.truth[free])
        let means = SearchBenchmark(evaluator: ReplayEvaluator(samples: samples), objectives: objectives, truth: .means)
        #expect(abs(exp(means.truth[roomy]![0]) - 11_000) < 0.02)
        // A tighter tolerance separates the roomy limit (goal 3 % and RSS 2 % apart).
        #expect(SearchBenchmark.equivalenceClasses(ReplayEvaluator(samples: samples).surface, tolerance: 0.01)[roomy] == [roomy])
    }

    @Test func oracleReachesTheTrueHypervolumeFirst() {
        let bench = SearchBenchmark(evaluator: ReplayEvaluator(samples: Self.surface()),
                                    objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
        let oracle = bench.trace(bench.oracleSequence(budget: 6))
        let grid = bench.trace(bench.gridSequence(seed: 1, budget: 6))
        #expect(zip(oracle, grid).allSatisfy { $0 >= $1 - 1e-12 })
    }
}
