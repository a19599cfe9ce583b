import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// `data/<study>/trials.jsonl` as a study writes it: appended per trial, rewritten only when a
/// trial replaces one, and always the store's trials.
@Suite struct TrialsFileTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "tuner-trials-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func anAppendAfterALineACrashCutShortKeepsEveryCompleteTrial() throws {
        let samples = Array(ReplayStudyTests.surface().prefix(3))
        let path = try directory() + "/trials.jsonl"
        try TrialsFile.write(Array(samples.prefix(2)), to: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"trialIndex\": 9, \"sett".utf8))  // a crash mid-line
        try handle.close()
        try TrialsFile.append(samples[2], to: path)
        let read = try TrialsFile.read(path: path)
        #expect(read.map(\.trialIndex) == [0, 1, 2])
        #expect(read[2].setting == samples[2].setting && read[2].load?.throughputOpsPerSecond == samples[2].load?.throughputOpsPerSecond)
    }

    @Test func anAppendToAMissingFileCreatesIt() throws {
        let sample = ReplayStudyTests.surface()[0]
        let path = try directory() + "/trials.jsonl"
        try TrialsFile.append(sample, to: path)
        #expect(try TrialsFile.read(path: path).map(\.trialIndex) == [0])
    }

    /// A replayed grid study with its confirmation, writing its files: after it, trials.jsonl
    /// holds exactly the store's trials, in order, though a stale file was there before it.
    @Test func aStudysTrialsFileIsTheStoresTrials() throws {
        let data = try directory()
        try FileManager.default.createDirectory(atPath: "\(data)/appended", withIntermediateDirectories: true)
        try TrialsFile.write(Array(ReplayStudyTests.surface().suffix(5)), to: "\(data)/appended/trials.jsonl")  // stale
        var spec = try SpecLoader.parse(
            yaml: """
                study: appended
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {values: [50, 100, 200]}}
                budget: {sampler: grid, settings: 3, repeats: 2, confirm: 2, duration: 1s, noise_check: off}
                output: {data_dir: \(data)}
                """, file: "appended.yml", absolutePath: "\(data)/appended.yml")
        spec.space = SearchSpace(gogc: .values([50, 100, 200]), memoryLimit: .values([nil]))
        let store = InMemoryStudyStore()
        var runner = StudyRunner(spec: spec, store: store, trialRunner: ReplayEvaluator(samples: ReplayStudyTests.surface()), log: { _ in })
        var samples = try runner.runTrials()
        _ = try runner.confirm(candidate: GCSetting(gogc: 200, memoryLimitBytes: nil), samples: &samples)
        let written = try TrialsFile.read(path: "\(data)/appended/trials.jsonl")
        let stored = try store.samples().sorted { $0.trialIndex < $1.trialIndex }
        #expect(written.count == 10)
        #expect(written.map(\.trialIndex) == stored.map(\.trialIndex))
        #expect(written.map(\.setting) == stored.map(\.setting))
        #expect(written.map(\.phase) == stored.map(\.phase))
    }

    @Test func dearInterimExportsTakeAtMostOneTwentiethOfTheWallTimeAndCheapOnesFollowEveryTrial() {
        for cost in [0.1, 0.5, 3.0] {
            let spacing = StudyExports.interimExportSpacing(costSeconds: cost)
            #expect(cost <= 0.05 * (cost + spacing) + 1e-12)
        }
        for cost in [0.0, 0.02, 0.09] { #expect(StudyExports.interimExportSpacing(costSeconds: cost) == 0) }
    }
}
