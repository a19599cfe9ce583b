import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// A study's files read back as the report `tuner run` printed: the stored decision, or one
/// rebuilt from recorded confirmation pairs, or an honest "unconfirmed".
@Suite struct StoredStudyTests {
    static let candidate = GCSetting(gogc: nil, memoryLimitBytes: 239 << 20)

    func spec(_ directory: String) throws -> StudySpec {
        try SpecLoader.parse(
            yaml: """
                study: stored
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {values: [50, 100]}}
                budget: {settings: 2, confirm: 5, duration: 1s}
                output: {data_dir: \(directory)}
                """, file: "stored.yml", absolutePath: "\(directory)/stored.yml")
    }

    func sample(_ index: Int, _ setting: GCSetting, throughput: Double, phase: String) -> TrialSample {
        var sample = TrialSample(
            trialIndex: index, setting: setting, repeatIndex: index, outcome: .measured, startedAtUnixSeconds: 0,
            wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: FakeLoadDriver.result(throughput: throughput),
            gc: GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 0, cyclesInRun: 2), memory: nil)
        sample.phase = phase
        return sample
    }

    func write(_ samples: [TrialSample]) throws -> (StudySpec, String) {
        let directory = NSTemporaryDirectory() + "tuner-stored-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(directory)/stored", withIntermediateDirectories: true)
        try TrialsFile.write(samples, to: "\(directory)/stored/trials.jsonl")
        return (try spec(directory), directory)
    }

    @Test func anOlderStudysDecisionIsRebuiltFromItsConfirmationPairs() throws {
        // The search's best-looking setting (GOGC=50, one fast trial) is not what was confirmed.
        var samples = [
            sample(0, .goDefault, throughput: 1000, phase: "search"),
            sample(1, GCSetting(gogc: 50, memoryLimitBytes: nil), throughput: 1500, phase: "search"),
        ]
        for pair in 0..<5 {
            samples.append(sample(2 + 2 * pair, .goDefault, throughput: 1000, phase: "confirm \(Self.candidate)"))
            samples.append(sample(3 + 2 * pair, Self.candidate, throughput: 1200, phase: "confirm \(Self.candidate)"))
        }
        let (spec, _) = try write(samples)
        let stored = try StoredStudy.load(spec: spec, specPath: "stored.yml")
        #expect(stored.decision?.confirmation?.confirmed == true)
        #expect(stored.report.recommendation?.setting == Self.candidate, "the confirmed setting, as the env file holds")
        #expect(stored.report.recommendationExplanation.contains("rebuilt from the study's recorded confirmation trials"))
        #expect(stored.decisionNote == nil)
    }

    @Test func aStudyWithNoConfirmationSaysItsPickIsUnconfirmed() throws {
        let (spec, _) = try write([
            sample(0, .goDefault, throughput: 1000, phase: "search"),
            sample(1, GCSetting(gogc: 50, memoryLimitBytes: nil), throughput: 1500, phase: "search"),
        ])
        let stored = try StoredStudy.load(spec: spec, specPath: "stored.yml")
        #expect(stored.decision == nil)
        #expect(stored.decisionNote?.contains("UNCONFIRMED") == true)
    }
}
