import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// A service whose recommendation wins by `gain` at up to 64 clients and loses beyond.
struct LevelEvaluator: TrialEvaluator {
    var level: LoadLevel
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        var generator = SeededGenerator(seed: seed)
        let wobble = 1 + 0.01 * (2 * generator.nextUnit() - 1)
        let factor = setting.isGoDefault ? 1 : (level.clients <= 64 ? 1.2 : 0.8)
        var sample = ReplayStudyTests.surface()[0]
        sample.setting = setting
        sample.trialIndex = trialIndex
        sample.repeatIndex = repeatIndex
        sample.phase = nil
        sample.load?.throughputOpsPerSecond = 1000 * factor * wobble
        return sample
    }
}

@Suite struct VerificationRunTests {
    let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)

    func runner(store: StudyStore) throws -> StudyRunner {
        let spec = try SpecLoader.parse(
            yaml: """
                study: verified
                target: {command: [none, "{port}"]}
                load: {kind: sync-bench, mode: closed, clients: 64}
                parameters: {gogc: {values: [100, 400]}}
                objectives: [minimize: pause_p99_ms, maximize: throughput_ops_per_sec]
                budget: {settings: 2, duration: 1s}
                verify: {levels: [0.5x, 1x, 2x], pairs: 3}
                """, file: "verified.yml", absolutePath: "/tmp/verified.yml")
        var runner = StudyRunner(spec: spec, store: store, trialRunner: LevelEvaluator(level: spec.load.level!), log: { _ in })
        runner.exports = nil
        runner.levelEvaluator = { LevelEvaluator(level: $0) }
        return runner
    }

    @Test func eachLevelRunsAlternatingPairsAndTheLosingLevelIsFlagged() throws {
        let store = InMemoryStudyStore()
        let verification = try runner(store: store).verify(candidate: candidate)
        #expect(verification.levels.map(\.level.clients) == [32, 64, 128])
        #expect(verification.levels.map(\.pairs) == [3, 3, 3])
        let settings = try store.verificationTrials().prefix(6).map { $0.sample.setting.isGoDefault }
        #expect(settings == [true, false, true, false, true, false], "default first in each pair")
        #expect(verification.levels.map(\.held) == [true, true, false])
        #expect(!verification.held && verification.headline.hasPrefix("NOT HELD at 2x"))
        #expect(try store.verification()?.levels.count == 3, "stored")
        #expect(try store.samples().isEmpty, "verification runs stay out of the study's trials")
    }

    @Test func aStoppedVerificationKeepsItsRunsAndARerunContinuesFromThem() throws {
        let store = InMemoryStudyStore()
        var calls = 0
        let first = try runner(store: store).verify(
            candidate: candidate,
            shouldStop: {
                calls += 1
                return calls > 4
            })
        #expect(!first.isComplete && first.headline.hasPrefix("verification INCOMPLETE"))
        let kept = try store.verificationTrials().count
        #expect(kept == 8, "three pairs of the first level, one of the second")
        let second = try runner(store: store).verify(candidate: candidate)
        #expect(second.isComplete && second.levels.map(\.pairs) == [3, 3, 3])
        #expect(try store.verificationTrials().count == 18, "the rerun ran only what was missing")
        var stored = try #require(try store.verification())
        stored.soak = [SoakResult.analyse(setting: candidate, samples: [], seed: 1)]
        try store.saveVerification(stored)
        _ = try runner(store: store).verify(candidate: candidate, fresh: true)
        #expect(try store.verificationTrials().count == 18, "--fresh starts over")
        #expect(try store.verification()?.soak?.count == 1, "the soak of the same candidate is kept")
    }
}
