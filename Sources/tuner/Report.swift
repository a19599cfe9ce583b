import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the frontier and the study's stored decision again from its recorded trials.")

        @Argument(help: "Study spec (YAML) whose recorded trials to report.")
        var spec: String

        @Option(help: "Trials file to read instead of data/<study>/trials.jsonl (no stored decision then).")
        var trials: String?

        func run() throws {
            let stored = try loadStoredStudy(spec, trials: trials)
            say(ReportRenderer.summary(stored.report, envFilePath: nil))
            if let note = stored.decisionNote { say(note) }
        }
    }
}

/// Loads a spec and its stored study, printing a normal error for either.
func loadStoredStudy(_ spec: String, trials: String? = nil) throws -> StoredStudy {
    let studySpec: StudySpec
    do { studySpec = try SpecLoader.load(path: spec) } catch {
        Diagnostics.error(error.description)
        throw ExitCode.failure
    }
    do { return try StoredStudy.load(spec: studySpec, specPath: spec, trialsPath: trials) } catch {
        Diagnostics.error("\(error)")
        throw ExitCode.failure
    }
}
