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
            var report = FrontierReport.make(study: studySpec.study, samples: samples,
                                             objectives: studySpec.objectives.map { ($0.metric, $0.direction) },
                                             constraints: studySpec.constraints, rule: studySpec.recommend, seed: studySpec.seed)
            // The decision `tuner run` made and stored; report renders it rather than deciding anew.
            let decisionPath = "\(studySpec.dataDirectory)/\(studySpec.study)/decision.json"
            let decision: StudyDecision?
            do { decision = trials == nil ? try DecisionFile.read(path: decisionPath) : nil } catch {
                Diagnostics.error("\(decisionPath) cannot be read (\(error)); run 'tuner run \(spec)' again to decide anew")
                throw ExitCode.failure
            }
            if let decision {
                report.apply(surrogate: decision.surrogate, confirmation: decision.confirmation)
            }
            say(ReportRenderer.summary(report, envFilePath: nil))
            if let decision, decision.trialCount != samples.count {
                say("NOTE: the stored decision was made on \(decision.trialCount) trials; the study now holds \(samples.count). Run 'tuner run \(spec)' to decide again.")
            } else if decision == nil {
                say("NOTE: no decision is stored for this study (\(trials == nil ? "it stopped before its recommendation was confirmed, or was run by an older tuner" : "--trials reads a file, not a study")): the recommendation above is the rule's pick among measured settings, UNCONFIRMED.")
            }
        }
    }
}
