import Foundation
import Testing

@testable import TunerCore

/// The heap goal of a synthetic service, MiB: GOGC goal 10 · (1 + GOGC/100)^1.5 (its live heap
/// grows with the heap), limit goal = limit − 6 MiB, the smaller of the two; 4000 with neither.
func syntheticHeapGoalMiB(_ setting: GCSetting) -> Int {
    let gogcGoal = setting.gogc.map { 10 * pow(1 + Double($0) / 100, 1.5) } ?? 4000
    let limitGoal = setting.memoryLimitBytes.map { Double($0) / 1_048_576 - 6 } ?? 4000
    return max(1, Int(min(gogcGoal, limitGoal).rounded()))
}

/// A synthetic trial: one GC cycle whose two pauses are `pause` ms, and the given load; the
/// cycle's heap goal is ``syntheticHeapGoalMiB(_:)`` unless given.
func syntheticTrial(
    _ setting: GCSetting, index: Int, pause: Double, throughput: Double,
    latency: Double = 10, rssBytes: Int64 = 100 << 20, phase: String? = nil,
    heapGoalMiB: Int? = nil
) -> TrialSample {
    let cycle = GCCycle(
        number: 1, startSeconds: 1, cumulativeCPUPercent: 1, sweepTerminationMillis: pause,
        concurrentMarkMillis: 1, markTerminationMillis: pause, cpuMillis: 1, heapStartMiB: 4,
        heapEndMiB: 5, liveHeapMiB: 2, heapGoalMiB: heapGoalMiB ?? syntheticHeapGoalMiB(setting),
        processors: 2, forced: false)
    var sample = TrialSample(
        trialIndex: index, setting: setting, repeatIndex: 0, outcome: .measured, startedAtUnixSeconds: 0,
        wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
        load: LoadResult(
            operations: 100, throughputOpsPerSecond: throughput, latencyP50Millis: latency / 2,
            latencyP90Millis: latency, latencyP99Millis: latency, latencyMaxMillis: latency * 2,
            errors: 0, converged: true, windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000),
        gc: GCObservation(cycles: [cycle], windowSeconds: 1, processors: 2, malformedLines: 0),
        memory: MemoryObservation(peakBytes: rssBytes, windowStartBytes: rssBytes, windowEndBytes: rssBytes, sampleCount: 5))
    sample.phase = phase
    return sample
}

/// A smooth trade-off shaped like the bundled server's measured surface: throughput and pauses
/// grow with the heap goal (``syntheticHeapGoalMiB(_:)``), and a limit that cuts the goal costs
/// 15 % of throughput on top (the collector works harder near the limit).
func syntheticSurface(_ setting: GCSetting, noise: Double, generator: inout SeededGenerator) -> (pause: Double, throughput: Double) {
    let goal = Double(syntheticHeapGoalMiB(setting))
    let gogcGoal = setting.gogc.map { 10 * pow(1 + Double($0) / 100, 1.5) } ?? 4000
    let cut = goal < gogcGoal - 0.5
    let throughput = 6000 * (1 - 0.6 * 20 / (goal + 20)) * (cut ? 0.85 : 1)
    let pause = 0.02 + 0.01 * goal.squareRoot()
    let jitter = 1 + noise * (generator.nextUnit() - 0.5)
    return (pause * jitter, throughput * jitter)
}

@Suite struct SurrogateSearchTests {
    let space = SearchSpace(
        gogc: .range(min: 25, max: 1600, includesOff: true),
        memoryLimit: .range(min: 64 << 20, max: 1 << 30, includesOff: true))
    let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [
        (.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize),
    ]

    @Test func encodingRoundTripsAndPinsOffArms() {
        let encoding = SettingEncoding(space: space)
        let setting = GCSetting(gogc: 200, memoryLimitBytes: 256 << 20)
        #expect(encoding.decode(encoding.encode(setting)) == setting)
        #expect(encoding.encode(GCSetting(gogc: nil, memoryLimitBytes: nil)) == [1.25, 1.25])
        #expect(encoding.decode([1.25, 0]) == GCSetting(gogc: nil, memoryLimitBytes: 64 << 20))
        #expect(encoding.arms.count == 4)
        #expect(encoding.candidates == nil)
        let listed = SettingEncoding(space: SearchSpace(gogc: .values([50, 100, nil]), memoryLimit: .values([nil])))
        #expect(listed.candidates?.count == 3)
    }

    @Test func initialDesignStartsWithTheGoDefault() {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 1)
        guard case .measure(let first, let reason) = search.next(completed: []) else {
            Issue.record("expected a measurement")
            return
        }
        #expect(first == .goDefault)
        #expect(reason.contains("initial design 1/5"))
        #expect(reason.contains("Go default"))
    }

    /// Runs the search against the synthetic surface.
    func runSearch(seed: UInt64, trials: Int, constraints: [Constraint] = []) -> (samples: [TrialSample], reasons: [String]) {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: constraints, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 99)
        var samples: [TrialSample] = []
        var reasons: [String] = []
        while samples.count < trials {
            switch search.next(completed: samples) {
            case .stop(let reason):
                reasons.append("stop: \(reason)")
                return (samples, reasons)
            case .measure(let setting, let reason):
                reasons.append(reason)
                let value = syntheticSurface(setting, noise: 0.04, generator: &generator)
                samples.append(syntheticTrial(setting, index: samples.count, pause: value.pause, throughput: value.throughput))
            }
        }
        return (samples, reasons)
    }

    @Test func sameSeedGivesTheSameDecisions() {
        let a = runSearch(seed: 4, trials: 9)
        let b = runSearch(seed: 4, trials: 9)
        #expect(a.samples.map(\.setting) == b.samples.map(\.setting))
        #expect(a.reasons == b.reasons)
    }

    @Test func searchProposesInsideTheSpaceAndExplainsEveryDecision() {
        let run = runSearch(seed: 2, trials: 12)
        #expect(run.samples.allSatisfy { space.contains($0.setting) })
        #expect(run.reasons.count >= run.samples.count)
        #expect(
            run.reasons.dropFirst(5).allSatisfy {
                $0.contains("expected hypervolume improvement") || $0.contains("measured again") || $0.hasPrefix("stop")
            })
        let counts = Dictionary(grouping: run.samples, by: \.setting).mapValues(\.count)
        #expect(counts.values.allSatisfy { $0 <= 3 }, "no setting beyond the repeat cap")
    }

    @Test func searchCoversMoreOfTheTrueFrontThanRandomWithTheSameBudget() {
        // Truth on a dense grid of the space.
        var generator = SeededGenerator(seed: 1)
        let gogcs: [Int?] = [25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800, 1100, 1600, nil]
        let limits: [Int64?] = [64 << 20, 128 << 20, 256 << 20, 512 << 20, 1 << 30, nil]
        var truth: [GCSetting: [Double]] = [:]
        for g in gogcs {
            for l in limits {
                let s = GCSetting(gogc: g, memoryLimitBytes: l)
                let v = syntheticSurface(s, noise: 0, generator: &generator)
                truth[s] = [v.pause, v.throughput]
            }
        }
        let directions: [ObjectiveDirection] = [.minimize, .maximize]
        let reference = [truth.values.map { $0[0] }.max()!, truth.values.map { $0[1] }.min()!]
        func volume(_ settings: [GCSetting]) -> Double {
            let points = Set(settings).map { s in Array(syntheticSurfaceNoiseless(s)) }
            return Hypervolume.volume(points, reference: reference, directions: directions)
        }
        var searchVolumes: [Double] = []
        var randomVolumes: [Double] = []
        for seed in 1...4 {
            searchVolumes.append(volume(runSearch(seed: UInt64(seed), trials: 14).samples.map(\.setting)))
            var random = SeededGenerator(seed: UInt64(seed))
            randomVolumes.append(volume(Array(truth.keys.sorted().shuffled(using: &random).prefix(14))))
        }
        #expect(Statistics.mean(searchVolumes)! > Statistics.mean(randomVolumes)!)
    }

    @Test func recommendationRespectsAConstraintOnThePosteriorMean() {
        let cap = Constraint(metric: .pauseP99Millis, comparison: .atMost, bound: 0.2)
        let run = runSearch(seed: 3, trials: 14)
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [cap], seed: 3)
        let free = search.recommendation(samples: run.samples, rule: .best(objective: 1))
        #expect(free != nil)
        let predictedPause = free?.predicted[.pauseP99Millis] ?? .infinity
        #expect(predictedPause <= 0.2 * 1.1, "predicted pause \(predictedPause) should respect the 0.2 ms cap")
        #expect(search.recommendation(samples: run.samples, rule: .knee) == nil)
    }

    @Test func confirmationNeedsAnIntervalThatExcludesNoChange() {
        let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)
        func pairs(gain: Double) -> [(baseline: TrialSample, candidate: TrialSample)] {
            (0..<5).map { i in
                let wobble = Double(i % 2) * 20
                return (
                    syntheticTrial(.goDefault, index: 2 * i, pause: 0.1, throughput: 4000 + wobble),
                    syntheticTrial(candidate, index: 2 * i + 1, pause: 0.2, throughput: (4000 + wobble) * (1 + gain) + Double(i) * 3)
                )
            }
        }
        let better = Confirmation.analyse(
            candidate: candidate, pairs: pairs(gain: 0.2), objectives: objectives, constraints: [], decisive: 1, seed: 1)
        #expect(better.confirmed)
        let change = better.changes.first { $0.metric == .throughputOpsPerSecond }!.change
        #expect(change.lower > 0.15 && change.upper < 0.25)
        // No gain, run-to-run noise of a few per cent in each pair.
        let noisy = pairs(gain: 0).enumerated().map { i, pair in
            var candidateTrial = pair.candidate
            candidateTrial.load!.throughputOpsPerSecond =
                pair.baseline.load!.throughputOpsPerSecond * (1 + [0.03, -0.02, 0.01, -0.04, 0.02][i])
            return (baseline: pair.baseline, candidate: candidateTrial)
        }
        let same = Confirmation.analyse(
            candidate: candidate, pairs: noisy, objectives: objectives, constraints: [], decisive: 1, seed: 1)
        #expect(!same.confirmed)
        #expect(same.verdict.contains("not confirmed"))
        #expect(better.verdict.contains("5 of 5 alternating pairs"))
        #expect(better.verdict.contains("paired t-test on log ratios"), "throughput is judged by t: \(better.verdict)")
        // Three clear pairs confirm under t; the sign test, forced, cannot with fewer than 5.
        let three = Array(pairs(gain: 0.2).prefix(3))
        #expect(
            Confirmation.analyse(candidate: candidate, pairs: three, objectives: objectives, constraints: [], decisive: 1, seed: 1)
                .confirmed)
        let forcedSign = Confirmation.analyse(
            candidate: candidate, pairs: three, objectives: objectives, constraints: [], decisive: 1, test: .sign, seed: 1)
        #expect(!forcedSign.confirmed)
        #expect(forcedSign.verdict.contains("fewer than 5 pairs can never reach it"), "\(forcedSign.verdict)")
        #expect(abs(signTestPValue(successes: 5, trials: 5) - 1.0 / 32) < 1e-12)
        #expect(abs(signTestPValue(successes: 3, trials: 3) - 0.125) < 1e-12)
        #expect(signTestPValue(successes: 0, trials: 4) == 1)
        let capped = Confirmation.analyse(
            candidate: candidate, pairs: pairs(gain: 0.2), objectives: objectives,
            constraints: [Constraint(metric: .pauseP99Millis, comparison: .atMost, bound: 0.15)], decisive: 1, seed: 1)
        #expect(!capped.confirmed)
        #expect(capped.verdict.contains("pause_p99_ms"))
    }
}

@Suite struct ConfirmationProfileTests {
    /// Profiled confirmation runs (verify.pprof) give the GC's share of each side from the
    /// profiles, with runtime/metrics' beside it; unprofiled runs give none.
    @Test func profiledPairsCarryTheGCShareOfEachSide() throws {
        let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)
        func profiled(_ sample: TrialSample, mark: Double, runtime: Double) -> TrialSample {
            var sample = sample
            sample.cpuProfile = CPUProfileReading(
                path: "p.pb.gz", svgPath: "p.svg",
                profile: ProfileGCShare(secondsByClass: ["mark": mark, "sweep": 0.01], totalSeconds: 1), runtimeMetricsGCShare: runtime)
            return sample
        }
        let pairs = (0..<3).map { i in
            (
                baseline: profiled(syntheticTrial(.goDefault, index: 2 * i, pause: 0.1, throughput: 4000), mark: 0.26, runtime: 0.25),
                candidate: profiled(syntheticTrial(candidate, index: 2 * i + 1, pause: 0.1, throughput: 4800), mark: 0.09, runtime: 0.1)
            )
        }
        let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [(.throughputOpsPerSecond, .maximize)]
        let confirmation = Confirmation.analyse(
            candidate: candidate, pairs: pairs, objectives: objectives, constraints: [], decisive: 0, seed: 1)
        let profiles = try #require(confirmation.profiles)
        #expect(abs(try #require(profiles.baselineMark?.value) - 26) < 1e-9)
        #expect(abs(try #require(profiles.candidateMark?.value) - 9) < 1e-9)
        #expect(profiles.agree == true)
        #expect(profiles.callGraphs == ["p.svg", "p.svg"])
        let decoded = try JSONDecoder().decode(Confirmation.self, from: JSONEncoder().encode(confirmation))
        #expect(decoded.profiles?.candidateMark == profiles.candidateMark)
        let plain = pairs.map { (baseline: syntheticTrial(.goDefault, index: 0, pause: 0.1, throughput: 1), candidate: $0.candidate) }
        #expect(
            Confirmation.analyse(
                candidate: candidate, pairs: plain.map { ($0.baseline, syntheticTrial(candidate, index: 1, pause: 0.1, throughput: 2)) },
                objectives: objectives, constraints: [], decisive: 0, seed: 1
            ).profiles == nil)
    }
}

func syntheticSurfaceNoiseless(_ setting: GCSetting) -> [Double] {
    var generator = SeededGenerator(seed: 0)
    let value = syntheticSurface(setting, noise: 0, generator: &generator)
    return [value.pause, value.throughput]
}
