import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Recommend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-decide from a study's stored trials under other constraints or another rule, without running anything.",
            discussion:
                "With no options it prints the stored decision. With options the new choice is UNCONFIRMED: put the constraints in the spec and run 'tuner run' to confirm it against the default."
        )

        @OptionGroup var study: StoredStudyOptions

        @Option(help: "Largest p99 pause, a duration (e.g. 1ms, 250us).")
        var maxPauseP99: String?

        @Option(help: "Largest p99 latency of the load, a duration (e.g. 50ms).")
        var maxLatencyP99: String?

        @Option(help: "Largest peak RSS, a size in Go's syntax (e.g. 512MiB).")
        var maxRss: String?

        @Option(help: "best, knee or weighted.")
        var rule: String?

        @Option(help: "For --rule best: the objective metric to optimise (default: the spec's).")
        var objective: String?

        @Option(help: "For --rule weighted: one weight per objective, comma-separated (e.g. 1,2,1).")
        var weights: String?

        func run() throws {
            let stored = try study.load()
            let spec = stored.spec
            var constraints = spec.constraints
            func bound(_ text: String?, _ flag: String, _ metric: Metric, parse: (String) throws -> Double) throws {
                guard let text else { return }
                let value: Double
                do { value = try parse(text) } catch { throw ValidationError("\(flag) \(text): \(error)") }
                constraints.removeAll { $0.metric == metric && $0.comparison == .atMost }
                constraints.append(Constraint(metric: metric, comparison: .atMost, bound: value))
            }
            try bound(maxPauseP99, "--max-pause-p99", .pauseP99Millis) { try DurationText.seconds($0) * 1000 }
            try bound(maxLatencyP99, "--max-latency-p99", .latencyP99Millis) { try DurationText.seconds($0) * 1000 }
            try bound(maxRss, "--max-rss", .rssPeakBytes) { Double(try ByteSize.parse($0)) }
            let names = spec.objectives.map(\.metric.rawValue)
            var selection = spec.recommend
            switch rule {
            case nil:
                if objective != nil || weights != nil { throw ValidationError("--objective and --weights go with --rule best / weighted") }
            case "best":
                let name = objective ?? names[StudySpec.defaultRecommendObjective(spec.objectives.map(\.metric))]
                guard let index = names.firstIndex(of: name) else {
                    throw ValidationError("--objective \(name) is not one of the study's objectives (\(names.joined(separator: ", ")))")
                }
                selection = .best(objective: index)
            case "knee":
                selection = .knee
            case "weighted":
                let values = (weights ?? "").split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard values.count == names.count, values.allSatisfy({ $0 >= 0 }) else {
                    throw ValidationError(
                        "--weights needs \(names.count) non-negative numbers, one per objective (\(names.joined(separator: ", ")))")
                }
                selection = .weightedLoss(weights: values)
            case let other?:
                throw ValidationError("--rule \(other) is not a rule; use best, knee or weighted")
            }
            let changed = constraints != spec.constraints || selection != spec.recommend
            guard changed else {
                say(ReportRenderer.summary(stored.report, envFilePath: nil))
                if let note = stored.decisionNote { say(note) }
                return
            }
            let report = stored.redecided(constraints: constraints, rule: selection)
            say(ReportRenderer.summary(report, envFilePath: nil))
            say(
                "UNCONFIRMED: this choice is re-decided from the stored trials under \(constraints.isEmpty ? "no constraints" : constraints.map(\.description).joined(separator: ", ")); nothing was run. Put these constraints in \(study.spec) and run 'tuner run' to confirm it against the default in alternating pairs."
            )
        }
    }
}
