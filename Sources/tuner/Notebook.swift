import ArgumentParser
import Foundation
import TunerRuntime

extension Tuner {
    struct Notebook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write an executed Jupyter notebook and its HTML of a stored study's data and plots (runs nothing against the service).",
            discussion:
                "Writes DIR/<study>.json (the data), DIR/<study>.ipynb (executed), DIR/<study>.html and DIR/<study>-frontier.png. Needs python3 with the packages of scripts/requirements-notebook.txt (scripts/setup.sh installs them)."
        )

        @OptionGroup var study: StoredStudyOptions

        @Option(help: "Output folder.")
        var out: String = "notebooks-export"

        @Option(
            help:
                "Trials file to read instead of data/<study>/trials.jsonl (its decision is then rebuilt from its confirmation trials, as tuner report does)."
        )
        var trials: String?

        func run() throws {
            let stored = try study.load(trials: trials)
            let directory = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
            do {
                let script = try NotebookExport.locateScript(
                    executablePath: Bundle.main.executablePath ?? CommandLine.arguments[0],
                    workingDirectory: FileManager.default.currentDirectoryPath)
                let data = NotebookData(stored: stored, specPath: study.spec)
                let written = try NotebookExport(directory: directory, scriptPath: script).write(data)
                if let note = stored.decisionNote { Diagnostics.note(note) }
                say("Notebook: \(written.notebook)")
                say("HTML: \(written.html)")
                if FileManager.default.fileExists(atPath: written.frontierPNG) { say("Frontier plot: \(written.frontierPNG)") }
            } catch let failure as NotebookExport.Failure {
                Diagnostics.error(failure.description)
                throw ExitCode.failure
            }
        }
    }
}
