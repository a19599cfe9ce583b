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
            let runner = StudyRunner(spec: studySpec, launcher: PosixLauncher(), store: InMemoryStudyStore(),
                                     trialRunner: TrialRunner(target: studySpec.target, launcher: PosixLauncher(),
                                                              load: SyncBenchDriver(spec: studySpec.load, launcher: PosixLauncher(), workingDirectory: studySpec.target.workdir),
                                                              pauses: GCTracePauseSource(), logDirectory: "/tmp",
                                                              warmupSeconds: studySpec.budget.warmupSeconds,
                                                              durationSeconds: studySpec.budget.durationSeconds),
                                     log: say)
            let settings = runner.plannedSettings()
            let perTrial = studySpec.budget.warmupSeconds + studySpec.budget.durationSeconds
            say("\(spec): valid. Study '\(studySpec.study)', seed \(studySpec.seed).")
            let budget = studySpec.budget
            if budget.sampler == .surrogate {
                let trials = budget.trials + 2 * budget.confirmPairs
                say("surrogate search: at most \(budget.trials) search trials + \(budget.confirmPairs) confirmation pairs = \(trials) trials, at most \(DurationText.format(perTrial * Double(trials))) of load.")
                if let check = budget.noiseCheck { say("noise check: the Go default \(check.repeats) times first (max CV \(formatFixed(check.maxCV * 100, decimals: 0)) %, then \(check.action.rawValue)).") }
                let search = runner.surrogateSearch
                say("method: \(search.methodDescription).")
                say("initial design: \(search.initialDesign) settings, the Go default first; the others are chosen one at a time as trials finish: GOGC values paired with the limit just above their peak RSS, each the one farthest in heap goal from those measured.")
                return
            } else {
                say("\(settings.count) settings × \(budget.repeats) repeats = \(settings.count * budget.repeats) trials, at least \(DurationText.format(perTrial * Double(settings.count * budget.repeats))) of load:")
            }
            for setting in settings { say("  \(setting)\(setting.isGoDefault ? "  (Go default, baseline)" : "")") }
        }
    }
}
