import Foundation
import Testing

@testable import TunerCore

/// What the report recommends once a confirmation has spoken, and that the decision survives
/// being stored and read back.
@Suite struct DecisionTests {
    func sample(_ index: Int, _ setting: GCSetting, throughput: Double) -> TrialSample {
        var sample = TrialSample(
            trialIndex: index, setting: setting, repeatIndex: index, outcome: .measured, startedAtUnixSeconds: 0,
            wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: nil, gc: nil, memory: nil)
        sample.load = LoadResult(
            operations: 1, throughputOpsPerSecond: throughput, latencyP50Millis: 1, latencyP90Millis: 2,
            latencyP99Millis: 3, latencyMaxMillis: 4, errors: 0, converged: nil,
            windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000)
        sample.gc = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 0, cyclesInRun: 3)
        sample.memory = MemoryObservation(peakBytes: 50 << 20, windowStartBytes: 50 << 20, windowEndBytes: 50 << 20, sampleCount: 5)
        return sample
    }

    static let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)

    func report() -> FrontierReport {
        let samples =
            (0..<3).map { sample($0, .goDefault, throughput: 1000 + Double($0)) }
            + (3..<6).map { sample($0, Self.candidate, throughput: 1200 + Double($0)) }
        return FrontierReport.make(
            study: "s", samples: samples, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], rule: .best(objective: 1), seed: 1)
    }

    func confirmation(confirmed: Bool) -> TunerCore.Confirmation {
        TunerCore.Confirmation(
            candidate: Self.candidate,
            changes: [(.throughputOpsPerSecond, Estimate(value: 0.2, lower: 0.1, upper: 0.3, level: 0.95, sampleCount: 5))],
            confirmed: confirmed, verdict: confirmed ? "confirmed: 5 of 5" : "not confirmed: 4 of 5")
    }

    @Test func aConfirmedCandidateIsRecommendedWithItsPairedChanges() {
        var report = report()
        report.apply(surrogate: nil, confirmation: confirmation(confirmed: true))
        #expect(report.recommendation?.setting == Self.candidate)
        #expect(report.changesVersusDefault.first?.relative.value == 0.2)
    }

    @Test func aRefutedCandidateLeavesTheDefaultAndSaysWhy() {
        var report = report()
        #expect(report.recommendation?.setting == Self.candidate, "before confirmation the rule picks the faster setting")
        report.apply(surrogate: nil, confirmation: confirmation(confirmed: false))
        #expect(report.recommendation?.setting == .goDefault)
        #expect(report.recommendationExplanation.contains("no setting beat the Go default beyond the noise here"))
        #expect(report.recommendationExplanation.contains("throughput_ops_per_sec +20.0 % [+10.0, +30.0]"))
        #expect(report.changesVersusDefault.isEmpty, "no gain is claimed")
    }

    @Test func aStoredDecisionReadsBackTheSame() throws {
        let decision = StudyDecision(
            surrogate: SurrogateRecommendation(
                setting: Self.candidate, predicted: [.throughputOpsPerSecond: 1234], explanation: "posterior"),
            confirmation: confirmation(confirmed: true), trialCount: 6, decidedAtUnixSeconds: 1)
        let back = try JSONDecoder().decode(StudyDecision.self, from: JSONEncoder().encode(decision))
        var a = report()
        var b = report()
        a.apply(surrogate: decision.surrogate, confirmation: decision.confirmation)
        b.apply(surrogate: back.surrogate, confirmation: back.confirmation)
        #expect(a.recommendation?.setting == b.recommendation?.setting)
        #expect(a.recommendationExplanation == b.recommendationExplanation)
        #expect(back.surrogate == decision.surrogate && back.trialCount == 6)
    }
}
