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
            say("\(settings.count) settings × \(studySpec.budget.repeats) repeats = \(settings.count * studySpec.budget.repeats) trials, at least \(DurationText.format(perTrial * Double(settings.count * studySpec.budget.repeats))) of load:")
            for setting in settings { say("  \(setting)\(setting.isGoDefault ? "  (Go default, baseline)" : "")") }
        }
    }
}
