import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Synthetic trials with a given GC share of the service's CPU (±`spread`, seeded), throughput
/// wobbling by ±`throughputSpread`, and the service's CPU 1 s over 1000 operations.
struct GCShareEvaluator: TrialEvaluator {
    var share: Double
    var spread: Double = 0.002
    var throughputSpread: Double = 0.01
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        var generator = SeededGenerator(seed: seed)
        var sample = WobblyEvaluator(spread: throughputSpread).run(
            setting: setting, trialIndex: trialIndex, repeatIndex: repeatIndex, seed: seed)
        let gcShare = share + spread * (2 * generator.nextUnit() - 1)
        sample.serviceCPU = ServiceCPU(cpuSeconds: 1, wallSeconds: 1, gcCPUSeconds: gcShare, gcShare: gcShare, gcSource: .gctrace)
        return sample
    }
}

/// Before the search, tuner says what tuning can win at most (the GC's share of the service's
/// CPU at the default), stops there when that is below `budget.stop_below`, and warns when the
/// optimised objective is noisier than the most tuning could change it.
@Suite struct UpFrontBoundTests {
    func runner(_ evaluator: GCShareEvaluator, stopBelow: String? = nil, lines: @escaping (String) -> Void = { _ in }) throws -> StudyRunner
    {
        let spec = try SpecLoader.parse(
            yaml: """
                study: bound
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {values: [50, 100, 200]}}
                budget: {settings: 3, repeats: 1, duration: 1s, noise_check: {repeats: 4, max_cv: 0.5, action: warn}\(stopBelow.map { ", stop_below: \"\($0)\"" } ?? "")}
                """, file: "bound.yml", absolutePath: "/tmp/bound.yml")
        var runner = StudyRunner(spec: spec, store: InMemoryStudyStore(), trialRunner: evaluator, log: lines)
        runner.exports = nil
        return runner
    }

    @Test func theBoundIsTheGCShareAtTheDefaultWithItsInterval() throws {
        let bound = try #require(GCBound(shares: [0.26, 0.27, 0.265, 0.27]))
        #expect(abs(bound.share - 0.26625) < 1e-12)
        #expect(bound.low < bound.share && bound.share < bound.high && bound.runs == 4)
        #expect(abs(bound.throughputGainBound - bound.high / (1 - bound.high)) < 1e-12)
        #expect(GCBound(shares: [0.2]) == nil, "one run has no interval")
    }

    @Test func aStudyWhoseGCShareIsBelowStopBelowKeepsTheDefaultWithoutSearching() throws {
        var lines: [String] = []
        var study = try runner(GCShareEvaluator(share: 0.01), stopBelow: "2%", lines: { lines.append($0) })
        var samples = try study.runTrials()
        #expect(samples.count == 4 && samples.allSatisfy { $0.setting.isGoDefault }, "only the noise check ran")
        #expect(lines.contains { $0.hasPrefix("up-front bound: the GC took 1.0 % [") }, "\(lines)")
        let decision = try study.recommendAndConfirm(samples: &samples, shouldStop: { false })
        let reason = try #require(decision.keptDefaultBecause)
        #expect(reason.contains("below budget.stop_below 2.0 %") && reason.contains("keep Go's default"), "\(reason)")
        var report = study.report(samples: samples)
        report.apply(decision)
        #expect(report.recommendation?.setting == .goDefault && report.recommendationExplanation == reason)
    }

    @Test func aStudyWhoseGCShareIsAboveStopBelowSearches() throws {
        var study = try runner(GCShareEvaluator(share: 0.2), stopBelow: "2%")
        let samples = try study.runTrials()
        #expect(study.stoppedBeforeSearch == nil)
        #expect(Set(samples.map(\.setting)).count == 3)
    }

    @Test func anObjectiveNoisierThanWhatTuningCanWinIsNamedWithTheMorePreciseOnes() throws {
        var lines: [String] = []
        // 2 % of the CPU in the GC bounds a throughput gain near +2 %; throughput wobbles ±15 %.
        var study = try runner(GCShareEvaluator(share: 0.02, spread: 0.0005, throughputSpread: 0.15), lines: { lines.append($0) })
        _ = try study.runTrials()
        let warning = try #require(lines.first { $0.hasPrefix("WARNING: throughput_ops_per_sec varies by") }, "\(lines)")
        #expect(warning.contains("the search may not tell settings apart on it"), "\(warning)")
        let check = try #require(lines.first { $0.hasPrefix("noise check: coefficient of variation") })
        #expect(check.contains("judged on throughput_ops_per_sec") && check.contains("gc_cpu_share_pct"), "\(check)")
    }
}
