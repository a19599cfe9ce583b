import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Synthetic trials whose throughput wobbles by ±`spread` (uniform), seeded per trial.
struct WobblyEvaluator: TrialEvaluator {
    var spread: Double
    func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        var generator = SeededGenerator(seed: seed)
        let wobble = 1 + spread * (2 * generator.nextUnit() - 1)
        var sample = ReplayStudyTests.surface().first { $0.setting == setting } ?? ReplayStudyTests.surface()[0]
        sample.setting = setting
        sample.trialIndex = trialIndex
        sample.repeatIndex = repeatIndex
        sample.load?.throughputOpsPerSecond *= wobble
        return sample
    }
}

@Suite struct NoiseGuardTests {
    func runner(spread: Double, action: String) throws -> StudyRunner {
        let spec = try SpecLoader.parse(
            yaml: """
                study: noisy
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {values: [50, 100, 200]}}
                budget: {settings: 3, repeats: 2, duration: 1s, noise_check: {repeats: 4, max_cv: 0.05, action: \(action)}}
                """, file: "noisy.yml", absolutePath: "/tmp/noisy.yml")
        var runner = StudyRunner(
            spec: spec, store: InMemoryStudyStore(),
            trialRunner: WobblyEvaluator(spread: spread), log: { _ in })
        runner.exports = nil
        return runner
    }

    @Test func quietMachineKeepsTheRepeats() throws {
        var study = try runner(spread: 0.01, action: "raise")
        let samples = try study.runTrials()
        #expect(samples.filter { $0.phase == "noise-check" }.count == 4)
        #expect(study.spec.budget.repeats == 2)
        // The default's 4 noise-check runs stand in for its 2 planned repeats.
        #expect(samples.count == 4 + 2 * 2)
    }

    @Test func noisyMachineRaisesTheRepeats() throws {
        var study = try runner(spread: 0.4, action: "raise")
        let samples = try study.runTrials()
        #expect(study.spec.budget.repeats > 2)
        let perSetting = Dictionary(grouping: samples, by: \.setting).mapValues(\.count)
        #expect(perSetting[GCSetting(gogc: 50, memoryLimitBytes: nil)] == study.spec.budget.repeats)
    }

    @Test func noisyMachineStopsWhenAskedTo() throws {
        var study = try runner(spread: 0.4, action: "stop")
        #expect(throws: StudyError.self) { try study.runTrials() }
        do { _ = try study.runTrials() } catch {
            #expect("\(error)".contains("noisy"))
        }
    }
}
