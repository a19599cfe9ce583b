import ArgumentParser
import TunerRuntime

extension Tuner {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every recorded trial of a study, one line each.")

        @OptionGroup var study: StoredStudyOptions

        func run() throws {
            let stored = try study.load()
            for sample in stored.samples {
                say(TrialLine.text(sample, total: stored.samples.count) + "  [\(sample.phase ?? "search")]")
            }
        }
    }
}
