import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the frontier and the study's stored decision again from its recorded trials.")

        @OptionGroup var study: StoredStudyOptions

        @Option(help: "Trials file to read instead of <data-dir>/<study>/trials.jsonl (no stored decision then).")
        var trials: String?

        func run() throws {
            let stored = try study.load(trials: trials)
            say(ReportRenderer.summary(stored.report, envFilePath: nil))
            if let note = stored.decisionNote { say(note) }
        }
    }
}

/// The spec of a stored study and where its files are: what every command that reads a stored
/// study (report, show, frontier, recommend, env) takes.
struct StoredStudyOptions: ParsableArguments {
    @Argument(help: "Study spec (YAML).")
    var spec: String

    @Option(
        help: ArgumentHelp(
            "Read the study from DIR/<study>/ instead of the spec's output.data_dir (e.g. --data-dir data/reference for the committed reference runs).",
            valueName: "DIR"))
    var dataDir: String?

    @Option(help: "Read the study from this store instead: sqlite:///path/study.sqlite or postgres://user@host:5432/db (a shared study).")
    var storage: String?

    /// Loads the spec and its stored study, printing a normal error for either.
    func load(trials: String? = nil) throws -> StoredStudy {
        var studySpec: StudySpec
        do { studySpec = try SpecLoader.load(path: spec) } catch {
            Diagnostics.error(error.description)
            throw ExitCode.failure
        }
        if let dataDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                Diagnostics.error("--data-dir \(dataDir): no such directory; give the folder that holds <study>/ (e.g. data/reference)")
                throw ExitCode.failure
            }
            studySpec.dataDirectory = dataDir
        }
        var location: StoreLocation?
        do { location = try storage.map(StoreLocation.parse) } catch {
            Diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        do { return try StoredStudy.load(spec: studySpec, specPath: spec, trialsPath: trials, storage: location) } catch {
            Diagnostics.error("\(error)")
            throw ExitCode.failure
        }
    }
}
