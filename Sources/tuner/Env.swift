import ArgumentParser
import Foundation
import TunerRuntime

extension EnvFormat: ExpressibleByArgument {}

extension Tuner {
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a study's recommended GOGC/GOMEMLIMIT for where you deploy it (from its stored decision).")

        @Argument(help: "Study spec (YAML) whose stored decision to print.")
        var spec: String

        @Option(help: "dotenv (also a systemd EnvironmentFile), systemd (a drop-in), kubernetes (a container env: list), dockerfile (ENV) or compose (environment:).")
        var format: EnvFormat = .dotenv

        func run() throws {
            let stored = try loadStoredStudy(spec)
            guard let text = format.render(stored.report, specPath: spec) else {
                Diagnostics.error("study '\(stored.spec.study)' has no recommendation: no setting was measured successfully")
                throw ExitCode.failure
            }
            if let note = stored.decisionNote { Diagnostics.note(note) }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
