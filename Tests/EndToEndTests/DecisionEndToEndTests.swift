import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// One decision, rendered everywhere: after a real tiny study with a confirmation, the env file,
/// `tuner report` and the JSON export name the same setting.
@Suite(.serialized) struct DecisionEndToEndTests {
    @Test func theEnvFileTheReportAndTheJSONNameTheSameSetting() throws {
        let directory = NSTemporaryDirectory() + "tuner-decision-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spec = "\(directory)/decide.yml"
        try """
        study: decide
        seed: 4
        \(TunerBinary.bundledTarget)
        load: {binary: bin/sync-bench, mode: closed, clients: 8, docs: 2, doc_size: 16KiB}
        parameters:
          gogc: {values: [25, 400]}
        budget: {settings: 3, repeats: 1, confirm: 2, warmup: 500ms, duration: 2s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let run = try TunerBinary.run(["run", spec], timeoutSeconds: 240)
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        let study = "\(directory)/data/decide"
        let decision = try #require(try DecisionFile.read(path: "\(study)/decision.json"))
        let env = try String(contentsOfFile: "\(study)/recommended.env", encoding: .utf8)
        let envSetting = env.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: " ")
        let runLine = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended: ") })
        let report = try TunerBinary.run(["report", spec], timeoutSeconds: 60)
        #expect(report.status == 0, "\(report.stderr)")
        let reportLine = try #require(report.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended: ") })
        #expect(reportLine == runLine, "tuner report renders the stored decision, not a new one")
        #expect(!report.stdout.contains("no decision is stored"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(study)/report.json"))) as? [String: Any]
        let recommended = try #require(json?["recommended"] as? String)
        #expect(json?["status"] as? String == "decided", "the per-trial interim export is replaced by the decided one")
        #expect(runLine.hasPrefix("Recommended: \(recommended)"), "\(runLine) vs \(recommended)")
        #expect(envSetting == recommended, "env \(envSetting) vs \(recommended)")
        // The rule's pick is confirmed against the default unless the pick is the default itself.
        let pickedDefault = recommended == GCSetting.goDefault.description
        #expect(pickedDefault || decision.confirmation != nil, "a candidate other than the default was confirmed or refuted")
        let kubernetes = try TunerBinary.run(["env", spec, "--format", "kubernetes"], timeoutSeconds: 60)
        #expect(kubernetes.status == 0, "\(kubernetes.stderr)")
        let setting = decision.confirmation.map { $0.confirmed ? $0.candidate : GCSetting.goDefault } ?? .goDefault
        #expect(kubernetes.stdout.contains("value: \"\(setting.gogcValue)\""), "\(kubernetes.stdout)")
        #expect(envSetting == setting.description, "the env file holds the stored decision's setting")

        // recommend with no flags renders the same decision; with flags it re-decides, unconfirmed.
        let same = try TunerBinary.run(["recommend", spec], timeoutSeconds: 60)
        #expect(same.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended: ") } == runLine)

        // The rule that chose the setting, the same words everywhere.
        func chosenBy(_ output: String) -> String? {
            output.split(separator: "\n").first { $0.hasPrefix("Chosen by: ") }.map { String($0.dropFirst(11).dropLast()) }
        }
        let rule = try #require(chosenBy(run.stdout))
        #expect(chosenBy(report.stdout) == rule)
        #expect(chosenBy(same.stdout) == rule)
        #expect(env.contains("# chosen by: \(rule)\n"), "\(env)")
        #expect(json?["chosen_by"] as? String == rule)
        let tight = try TunerBinary.run(["recommend", spec, "--max-rss", "1MiB"], timeoutSeconds: 60)
        #expect(
            tight.status == 0
                && tight.stdout.contains("UNCONFIRMED: this choice is re-decided from the stored trials under rss_peak <= 1MiB"),
            "\(tight.stdout)")
        let bad = try TunerBinary.run(["recommend", spec, "--rule", "fastest"], timeoutSeconds: 60)
        #expect(bad.status != 0 && bad.stderr.contains("--rule fastest is not a rule; use best, knee or weighted"), "\(bad.stderr)")
        let csv = try TunerBinary.run(["frontier", spec, "--format", "csv"], timeoutSeconds: 60)
        let csvLines = csv.stdout.split(separator: "\n")
        #expect(csvLines.first?.hasPrefix("gogc,gomemlimit,measured,failed,on_frontier") == true)
        #expect(csvLines.count == 1 + 3, "a row per setting: \(csv.stdout)")
        #expect(csvLines.dropFirst().filter { $0.split(separator: ",")[8] == "true" }.count == 1, "one recommended row")
        let markdown = try TunerBinary.run(["frontier", spec, "--format", "markdown"], timeoutSeconds: 60)
        #expect(markdown.stdout.hasPrefix("| mark | GOGC | GOMEMLIMIT |"), "\(markdown.stdout)")
        let frontierJSON = try TunerBinary.run(["frontier", spec, "--format", "json"], timeoutSeconds: 60)
        #expect((try? JSONSerialization.jsonObject(with: Data(frontierJSON.stdout.utf8))) != nil)
        let show = try TunerBinary.run(["show", spec], timeoutSeconds: 60)
        #expect(show.stdout.split(separator: "\n").count == (try TrialsFile.read(path: "\(study)/trials.jsonl")).count)

        // Without decision.json (a study recorded by an older tuner) the decision is rebuilt from
        // the recorded confirmation pairs: the same setting again.
        try FileManager.default.removeItem(atPath: "\(study)/decision.json")
        let rebuilt = try TunerBinary.run(["report", spec], timeoutSeconds: 60)
        let rebuiltLine = rebuilt.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended: ") }
        #expect(rebuiltLine.map { $0.hasPrefix("Recommended: \(recommended)") } == true, "\(rebuilt.stdout)")
    }
}
