import ArgumentParser
import Foundation
import TunerRuntime

extension EnvFormat: ExpressibleByArgument {}

extension Tuner {
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a study's recommended GOGC/GOMEMLIMIT for where you deploy it (from its stored decision).")

        @OptionGroup var study: StoredStudyOptions

        @Option(
            help:
                "dotenv (also a systemd EnvironmentFile), systemd (a drop-in), kubernetes (a container env: list), dockerfile (ENV) or compose (environment:)."
        )
        var format: EnvFormat = .dotenv

        func run() throws {
            let stored = try study.load()
            guard let text = format.render(stored.report, specPath: study.spec) else {
                Diagnostics.error("study '\(stored.spec.study)' has no recommendation: no setting was measured successfully")
                throw ExitCode.failure
            }
            if let note = stored.decisionNote { Diagnostics.note(note) }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
