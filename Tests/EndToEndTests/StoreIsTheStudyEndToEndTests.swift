import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The store is the study: every stored-study command reads it, so a study folder that has only
/// its database prints exactly what it printed with its exports beside it, and both print what
/// the committed reference run recorded when it ran.
@Suite struct StoreIsTheStudyEndToEndTests {
    let root = TunerBinary.repositoryRoot.path
    static let commands: [[String]] = [
        ["report"], ["show"], ["frontier"], ["recommend"], ["recommend", "--rule", "knee"], ["env"],
    ]

    /// The committed reference baseline in two fresh folders: `exports/baseline/` with its
    /// exports only (no database: read through the import path), and `store/baseline/` with
    /// only a `study.sqlite` holding the same trials and decision, as `tuner run` stores them.
    func twoFolders() throws -> (exports: String, store: String) {
        let directory = NSTemporaryDirectory() + "tuner-store-truth-\(UUID().uuidString)"
        let source = "\(root)/data/reference/baseline"
        let exports = "\(directory)/exports"
        let store = "\(directory)/store"
        try FileManager.default.createDirectory(atPath: "\(exports)/baseline", withIntermediateDirectories: true)
        for file in ["trials.jsonl", "decision.json"] {
            try FileManager.default.copyItem(atPath: "\(source)/\(file)", toPath: "\(exports)/baseline/\(file)")
        }
        let database = try SQLiteStudyStore(path: "\(store)/baseline/study.sqlite")
        let samples = try TrialsFile.read(path: "\(source)/trials.jsonl")
        for sample in samples {
            try database.begin(trialIndex: sample.trialIndex, setting: sample.setting, repeatIndex: sample.repeatIndex)
            try database.append(sample)
        }
        try database.saveDecision(try #require(try DecisionFile.read(path: "\(source)/decision.json")))
        return (exports, store)
    }

    /// Output with the lines that differ by design taken out: the env file's "written <time>";
    /// the separation warning, which now states how the confirmation's verdict relates to it
    /// (the recorded run printed the warning alone); the noise line, which now lists every
    /// objective (the recorded run listed throughput, pause and latency p99 only); the env
    /// header's line on the limit's ratio to the live heap, which the recorded run did not write.
    func comparable(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter {
                !$0.hasPrefix("# written ") && !$0.contains("WARNING: Not separated beyond the noise here")
                    && !$0.hasPrefix("Noise (coefficient of variation") && !$0.hasPrefix("# GOMEMLIMIT=")
            }
            .joined(separator: "\n")
    }

    @Test func everyStoredStudyCommandPrintsTheSameFromTheStoreAloneAsFromTheExports() throws {
        let (exports, store) = try twoFolders()
        #expect(!FileManager.default.fileExists(atPath: "\(store)/baseline/trials.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: "\(store)/baseline/decision.json"))
        for command in Self.commands {
            let fromExports = try TunerBinary.run(command + ["experiments/baseline.yml", "--data-dir", exports])
            let fromStore = try TunerBinary.run(command + ["experiments/baseline.yml", "--data-dir", store])
            #expect(fromExports.status == 0 && fromStore.status == 0, "\(command): \(fromExports.stderr) \(fromStore.stderr)")
            #expect(!fromStore.stdout.isEmpty, "\(command)")
            #expect(comparable(fromStore.stdout) == comparable(fromExports.stdout), "tuner \(command.joined(separator: " ")) differs")
        }
    }

    @Test func theEnvFileOfTheRecordedStudyIsTheOneItsRunWrote() throws {
        let (_, store) = try twoFolders()
        let env = try TunerBinary.run(["env", "experiments/baseline.yml", "--data-dir", store])
        #expect(env.status == 0, "\(env.stderr)")
        let recorded = try String(contentsOfFile: "\(root)/data/reference/baseline/recommended.env", encoding: .utf8)
        #expect(comparable(env.stdout) == comparable(recorded))
    }

    @Test func theEnvFileStatesTheLimitAsAMultipleOfTheLiveHeapMeasuredWithIt() throws {
        let (_, store) = try twoFolders()
        let env = try TunerBinary.run(["env", "experiments/baseline.yml", "--data-dir", store])
        #expect(env.status == 0, "\(env.stderr)")
        let limit = try #require(env.stdout.split(separator: "\n").first { $0.hasPrefix("GOMEMLIMIT=") }).dropFirst(11)
        let gogc = try #require(env.stdout.split(separator: "\n").first { $0.hasPrefix("GOGC=") }).dropFirst(5)
        let setting = GCSetting(gogc: Int(gogc), memoryLimitBytes: try ByteSize.parse(String(limit)))
        // The median over the setting's trials of the largest live heap a cycle marked in the window.
        let peaks = try TrialsFile.read(path: "\(root)/data/reference/baseline/trials.jsonl")
            .filter { $0.setting == setting && $0.isMeasured }
            .compactMap { Metric.liveHeapPeakBytes.value(of: $0) }
        let median = try #require(Statistics.median(peaks))
        let ratio = formatFixed(Double(try #require(setting.memoryLimitBytes)) / median, decimals: 1)
        #expect(
            env.stdout.contains(
                "# GOMEMLIMIT=\(limit) is \(ratio)× the peak live heap measured with it (\(ByteSize.human(median)), median of \(peaks.count) trial(s))"
            ),
            "\(env.stdout)")
    }

    @Test func theReportOfTheRecordedStudyIsTheSummaryItsRunPrinted() throws {
        let (_, store) = try twoFolders()
        let report = try TunerBinary.run(["report", "experiments/baseline.yml", "--data-dir", store])
        #expect(report.status == 0, "\(report.stderr)")
        let printed = try String(contentsOfFile: "\(root)/data/reference/baseline/run-output.txt", encoding: .utf8)
        // The run printed the same summary, then where it wrote the env file and how long it took.
        let summary = try #require(report.stdout.range(of: "Frontier of study 'baseline'"))
        let body = comparable(String(report.stdout[summary.lowerBound...])).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(comparable(printed).contains(body), "tuner report no longer prints the summary the run printed")
    }
}
