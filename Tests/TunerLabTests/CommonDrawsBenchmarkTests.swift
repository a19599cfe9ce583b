import Foundation
import Testing
import TunerFakes

@_spi(Lab) @testable import TunerCore
@_spi(Lab) @testable import TunerLab
@testable import TunerRuntime

/// The benchmark's evaluator (common random numbers over recorded repeats) and tuner's side of
/// it: the search gets the study's constraints, start and rule exactly as `tuner run` does.
@Suite struct CommonDrawsBenchmarkTests {
    /// 6 GOGC values × 2 limits × 3 repeats; throughput and peak RSS grow with GOGC, so a memory
    /// budget decides how far up the best setting is.
    static func surface() -> [TrialSample] {
        SyntheticSurface.samples().map { trial in
            var trial = trial
            let g = [25, 50, 100, 200, 400, 800].firstIndex(of: trial.setting.gogc!)!
            let rss = Int64(20 * (g + 1)) << 20
            trial.memory = MemoryObservation(peakBytes: rss, windowStartBytes: rss, windowEndBytes: rss, sampleCount: 5)
            return trial
        }
    }

    func spec(constraints: String) throws -> StudySpec {
        try SpecLoader.parse(
            yaml: """
                study: bench
                seed: 99
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {min: 25, max: 1600, off: true}, gomemlimit: {min: 48MiB, max: 1GiB, off: true}}
                objectives: [{minimize: pause_p99_ms}, {maximize: throughput_ops_per_sec}]
                \(constraints)
                recommend: {rule: best, objective: throughput_ops_per_sec}
                budget: {sampler: surrogate, trials: 12, initial: 4, confirm: 5, duration: 1s, noise_check: off}
                """, file: "bench.yml", absolutePath: "/tmp/bench.yml")
    }

    @Test func visitsDrawEveryRecordedRepeatOnceBeforeAnyAgain() {
        let replay = ReplayEvaluator(samples: Self.surface())
        let setting = GCSetting(gogc: 200, memoryLimitBytes: nil)
        let recorded = replay.surface[setting]!.map(\.trialIndex)
        #expect(recorded == recorded.sorted(), "repeats are kept in recording order")
        for seed: UInt64 in 1...10 {
            let visits = (0..<6).map { replay.draw(setting, visit: $0, seed: seed) }
            let firstRound = visits.prefix(3).map { $0.load!.throughputOpsPerSecond }
            let secondRound = visits.suffix(3).map { $0.load!.throughputOpsPerSecond }
            let all = replay.surface[setting]!.map { $0.load!.throughputOpsPerSecond }.sorted()
            #expect(firstRound.sorted() == all && secondRound.sorted() == all)
            #expect(visits.allSatisfy { $0.setting == setting && $0.isMeasured })
        }
    }

    @Test func theKthVisitIsTheSameRepeatWhateverCameBefore() {
        let replay = ReplayEvaluator(samples: Self.surface())
        let setting = GCSetting(gogc: 50, memoryLimitBytes: 128 << 20)
        let index = replay.gridIndex(of: setting)!
        #expect(index.gogc == 1 && index.limit == 0)
        let evaluator = CommonDrawsEvaluator(replay: replay, seed: 7)
        for visit in 0..<5 {
            let r = CommonDraws.repeatIndex(visit: visit, count: 3, seed: 7, gogcIndex: index.gogc, limitIndex: index.limit)
            let expected = replay.surface[setting]![r].load!.throughputOpsPerSecond
            // The trial index and the per-trial seed a study runner passes change nothing.
            let a = evaluator.run(setting: setting, trialIndex: 3, repeatIndex: visit, seed: 1)
            let b = evaluator.run(setting: setting, trialIndex: 40, repeatIndex: visit, seed: 12345)
            #expect(a.load!.throughputOpsPerSecond == expected && b.load!.throughputOpsPerSecond == expected)
            #expect(a.trialIndex == 3 && a.repeatIndex == visit)
        }
        let missing = replay.draw(GCSetting(gogc: 300, memoryLimitBytes: nil), visit: 0, seed: 1)
        #expect(missing.outcome.failureReason?.contains("no measurement") == true)
    }

    @Test func tunersSearchGetsTheStudysConstraintsStartAndRule() throws {
        let replay = ReplayEvaluator(samples: Self.surface())
        let spec = try spec(constraints: "constraints: [\"rss_peak <= 70MiB\", \"latency_p99_ms <= 120\"]")
        let bench = CommonDrawsBenchmark(replay: replay, spec: spec)
        let search = Samplers.surrogate(bench.spec(seed: 5))
        #expect(search.constraints == spec.constraints && search.constraints.count == 2)
        #expect(search.initialDesign == 4 && search.seed == 5)
        #expect(search.space == replay.space)
        let table = SurfaceTable(replay: replay, spec: spec, source: "synthetic", specPath: "bench.yml")
        #expect(table.question.constraints.map(\.metric) == ["rss_peak", "latency_p99_ms"])
        #expect(table.question.constraints[0].bound == Double(70 << 20))
        #expect(table.question.decisive == 1 && table.question.initialDesign == 4 && table.question.confirmPairs == 5)
        #expect(table.metrics == ["pause_p99_ms", "throughput_ops_per_sec", "rss_peak", "latency_p99_ms"])
        #expect(table.settings.count == 12 && table.settings.allSatisfy { $0.repeats.count == 3 })
    }

    @Test func withTheMemoryBudgetTheRecommendationStaysInsideIt() throws {
        // Throughput grows with GOGC; RSS is 20 MiB × (GOGC's index + 1), so 70 MiB allows GOGC ≤ 100.
        let replay = ReplayEvaluator(samples: Self.surface())
        let bounded = CommonDrawsBenchmark(replay: replay, spec: try spec(constraints: "constraints: [\"rss_peak <= 70MiB\"]"))
        let free = CommonDrawsBenchmark(replay: replay, spec: try spec(constraints: ""))
        for seed: UInt64 in 1...3 {
            let record = bounded.record(seed: seed, budget: 10, checkpoints: [6, 10], start: .own)
            #expect(record.trials.count == 10 && record.trials.first == [2, 1], "the Go default first")
            let recommended = try #require(record.recommendation["10"] ?? nil)
            #expect(recommended[0] <= 2, "GOGC=\(replay.gogcValues[recommended[0]]!) is past the budget")
            #expect(record.front["10"]!.allSatisfy { $0[0] <= 2 })
            let unbounded = try #require(free.record(seed: seed, budget: 10, checkpoints: [10], start: .own).recommendation["10"] ?? nil)
            #expect(unbounded[0] > 2, "without the constraint the best throughput is higher up")
        }
    }

    @Test func aRandomStartIsSeededAndThenTheSearchGoesOn() throws {
        let replay = ReplayEvaluator(samples: Self.surface())
        let bench = CommonDrawsBenchmark(replay: replay, spec: try spec(constraints: ""))
        let a = bench.record(seed: 3, budget: 8, checkpoints: [8], start: .random)
        let b = bench.record(seed: 3, budget: 8, checkpoints: [8], start: .random)
        #expect(a.trials == b.trials && a.start == "random")
        #expect(
            Array(a.trials.prefix(4))
                == bench.randomStart(seed: 3, count: 4).map { s in
                    let i = replay.gridIndex(of: s)!
                    return [i.gogc, i.limit]
                })
        #expect(Set(a.trials.prefix(4).map { $0 }).count == 4 && a.trials.count == 8)
        #expect(bench.randomStart(seed: 4, count: 4) != bench.randomStart(seed: 3, count: 4))
    }

    @Test func theRawInputAblationIsRecordedUnderItsOwnNameAndKeepsTheConstraints() throws {
        let replay = ReplayEvaluator(samples: Self.surface())
        let spec = try spec(constraints: "constraints: [\"rss_peak <= 70MiB\"]")
        let box = CommonDrawsBenchmark(replay: replay, spec: spec, inputModel: .box)
        #expect(box.strategyName == "tuner-box" && CommonDrawsBenchmark(replay: replay, spec: spec).strategyName == "tuner")
        #expect(LabSamplers.surrogate(box.spec(seed: 2), inputModel: .box).inputModel == .box)
        #expect(Samplers.surrogate(box.spec(seed: 2)).inputModel == .heapGoal, "tuner run's search keeps heap-goal inputs")
        let record = box.record(seed: 2, budget: 10, checkpoints: [10], start: .own)
        #expect(record.strategy == "tuner-box" && record.trials.count == 10)
        let recommended = try #require(record.recommendation["10"] ?? nil)
        #expect(recommended[0] <= 2, "the box model's recommendation stays inside the memory budget too")
    }
}
