import ArgumentParser
import TunerRuntime

extension Tuner {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every recorded trial of a study, one line each.")

        @Argument(help: "Study spec (YAML).")
        var spec: String

        func run() throws {
            let stored = try loadStoredStudy(spec)
            for sample in stored.samples {
                say(StudyRunner.trialLine(sample, total: stored.samples.count) + "  [\(sample.phase ?? "search")]")
            }
        }
    }
}
