import ArgumentParser
import TunerCore
import TunerRuntime

extension Tuner {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a study spec and print the plan without running anything.")

        @Argument(help: "Study spec (YAML).")
        var spec: String

        func run() throws {
            let studySpec: StudySpec
            do { studySpec = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error(error.description)
                throw ExitCode.failure
            }
            let runner = StudyRunner(
                spec: studySpec, store: InMemoryStudyStore(),
                trialRunner: StudyRunner.trialRunner(spec: studySpec, launcher: PosixLauncher(), logDirectory: "/tmp"),
                log: say)
            let sampler = runner.sampler()
            let perTrial = studySpec.budget.warmupSeconds + studySpec.budget.durationSeconds
            let budget = studySpec.budget
            for warning in studySpec.target.warnings { Diagnostics.note("WARNING: \(warning)") }
            say("\(spec): valid. Study '\(studySpec.study)', seed \(studySpec.seed).")
            say(
                "target: \(studySpec.target.command.joined(separator: " ")) (ports: \(studySpec.target.boundPortNames.map { $0.isEmpty ? "{port}" : "{port:\($0)}" }.joined(separator: ", "))); pauses from \(studySpec.target.pauses.kind.rawValue)\(studySpec.target.pauses.url.map { " at \($0)" } ?? ""); load: \(studySpec.load.kindName), warm-up as a separate unmeasured run"
            )
            if let check = budget.noiseCheck {
                say(
                    "noise check: the Go default \(check.repeats) times first (max CV \(formatFixed(check.maxCV * 100, decimals: 0)) %, then \(check.action.rawValue))."
                )
            }
            say("method: \(sampler.methodDescription).")
            guard let planned = sampler.plannedTrials, let settings = sampler.plannedSettings else {
                let trials = budget.trials + 2 * budget.confirmPairs
                say(
                    "surrogate search: at most \(budget.trials) search trials + \(budget.confirmPairs) confirmation pairs = \(trials) trials, at most \(DurationText.format(perTrial * Double(trials))) of load."
                )
                say(
                    "initial design: \(budget.initialDesign) settings, the Go default first; the others are chosen one at a time as trials finish: GOGC values paired with the limit just above their peak RSS, each the one farthest in heap goal from those measured."
                )
                return
            }
            say(
                "\(settings.count) settings × \(budget.repeats) repeats = \(planned) trials, at least \(DurationText.format(perTrial * Double(planned))) of load:"
            )
            for setting in settings { say("  \(setting)\(setting.isGoDefault ? "  (Go default, baseline)" : "")") }
        }
    }
}
