import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

@Suite struct ReplayStudyTests {
    /// A recorded surface of synthetic trials: 3 repeats of every grid setting.
    static func surface() -> [TrialSample] { SyntheticSurface.samples() }

    func spec(space: SearchSpace) throws -> StudySpec {
        var spec = try SpecLoader.parse(
            yaml: """
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
        var runner = StudyRunner(
            spec: try spec(space: replay.space), store: store,
            trialRunner: replay, log: { lines.append($0) })
        runner.exports = nil
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
}
