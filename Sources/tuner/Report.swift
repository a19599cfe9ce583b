import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the frontier again from a study's recorded trials (data/<study>/trials.jsonl).")

        @Argument(help: "Study spec (YAML) whose recorded trials to report.")
        var spec: String

        @Option(help: "Trials file to read instead of data/<study>/trials.jsonl.")
        var trials: String?

        func run() throws {
            let studySpec: StudySpec
            do { studySpec = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error(error.description)
                throw ExitCode.failure
            }
            let path = trials ?? "\(studySpec.dataDirectory)/\(studySpec.study)/trials.jsonl"
            let samples = (try? TrialsFile.read(path: path)) ?? []
            guard !samples.isEmpty else {
                Diagnostics.error("no trials in \(path); run 'tuner run \(spec)' first or pass --trials FILE")
                throw ExitCode.failure
            }
            let report = FrontierReport.make(study: studySpec.study, samples: samples,
                                             objectives: studySpec.objectives.map { ($0.metric, $0.direction) },
                                             constraints: studySpec.constraints, rule: studySpec.recommend, seed: studySpec.seed)
            say(ReportRenderer.summary(report, envFilePath: nil))
        }
    }
}
