import Foundation
import Testing

@testable import TunerRuntime

/// The quick start's first command writes a user's study where git does not look, so a run never
/// changes a committed file; the committed reference runs are read with `--data-dir data/reference`.
@Suite struct QuickStartTests {
    let root = TunerBinary.repositoryRoot.path

    func git(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    var insideAGitCheckout: Bool { FileManager.default.fileExists(atPath: "\(root)/.git") }

    @Test func everyFileTheBaselineStudyWritesIsIgnoredByGitAndNoneIsTracked() throws {
        try #require(insideAGitCheckout, "needs the repository's .git to ask git")
        let spec = try SpecLoader.load(path: "\(root)/experiments/baseline.yml")
        let directory = URL(fileURLWithPath: "\(spec.dataDirectory)/\(spec.study)").standardized.path
        #expect(directory == "\(root)/data/baseline")
        for file in [
            "study.sqlite", "study.sqlite-wal", "study.lock", "trials.jsonl", "recommended.env", "decision.json",
            "report.json", "logs/trial-001-x-a1.stderr",
        ] {
            let relative = String("\(directory)/\(file)".dropFirst(root.count + 1))
            #expect(try git(["check-ignore", "-q", relative]).status == 0, "\(relative) would show up in git status after a run")
        }
        #expect(
            try git(["ls-files", "data/baseline"]).output.isEmpty, "tracked files under data/baseline/ would be rewritten by a user's run")
        let shipped = try git(["ls-files", "data"]).output.split(separator: "\n")
        #expect(
            shipped.allSatisfy { $0 == "data/README.md" || $0.hasPrefix("data/reference/") || $0.hasPrefix("data/surfaces/") },
            "data/ tracks only the data the project ships: \(shipped.filter { !$0.hasPrefix("data/reference/") && !$0.hasPrefix("data/surfaces/") })"
        )
    }

    @Test func theCommittedReferenceRunIsReadWithDataDirAndNamesItsEnvFilesSetting() throws {
        let env = try String(contentsOfFile: "\(root)/data/reference/baseline/recommended.env", encoding: .utf8)
        let settingLines = env.split(separator: "\n").filter { $0.hasPrefix("GOGC=") || $0.hasPrefix("GOMEMLIMIT=") }
        let gogc = try #require(settingLines.first { $0.hasPrefix("GOGC=") }).dropFirst(5)
        let limit = try #require(settingLines.first { $0.hasPrefix("GOMEMLIMIT=") }).dropFirst(11)
        let report = try TunerBinary.run(["report", "experiments/baseline.yml", "--data-dir", "data/reference"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("Recommended: GOGC=\(gogc) GOMEMLIMIT=\(limit)"), "\(report.stdout)")
    }
}
