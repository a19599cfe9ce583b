import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work on a study shared through PostgreSQL: claim a trial, run it on this machine, record it, repeat.",
            discussion: """
                Start one worker per machine, each with the same spec and --storage URL:
                  tuner worker experiments/baseline.yml --storage postgres://tuner@db.example:5432/tuner
                A worker that dies (killed, machine gone) stops heartbeating; after the timeout its trial
                returns to the queue and another worker runs it again. When the search is over, run
                'tuner run SPEC --storage URL' once to decide and confirm (or 'tuner report').
                """)

        @Argument(help: "Study spec (YAML), the same on every worker, e.g. experiments/baseline.yml.")
        var spec: String

        @Option(help: "The shared store: postgres://user@host:5432/database (postgres://user@/db?host=/socket/dir for a unix socket).")
        var storage: String

        @Flag(
            help:
                "Let this worker share the machine with another tuner on the same study (replays and tests only: real trials side by side disturb each other's measurements)."
        )
        var shareMachine = false

        @Option(help: "Seconds between claims while other workers' trials run and nothing is claimable.")
        var pollSeconds: Double = 1

        @Flag(help: "Print only warnings and errors.")
        var quiet = false

        @Option(help: "Colour: auto, on or off.")
        var color: ColorChoice = .auto

        func run() throws {
            let studySpec: StudySpec
            do { studySpec = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error(error.description)
                throw ExitCode.failure
            }
            let location: StoreLocation
            do { location = try StoreLocation.parse(storage) } catch {
                Diagnostics.error("\(error)")
                throw ExitCode.failure
            }
            guard StoreLocation.postgresIsBuiltIn else {
                Diagnostics.error(StoreLocation.postgresNotBuiltIn.description)
                throw ExitCode.failure
            }
            guard case .postgres = location else {
                Diagnostics.error(
                    "--storage \(storage): workers share a study through PostgreSQL (postgres://user@host/db); a SQLite study has one tuner, 'tuner run \(spec)'"
                )
                throw ExitCode.failure
            }
            let display = ProgressDisplay(
                mode: OutputMode.decide(
                    color: color, quiet: quiet, isTerminal: isatty(1) == 1, environment: ProcessInfo.processInfo.environment))
            Diagnostics.configure(color: color, display: display)
            defer { display.stop() }
            let launcher = PosixLauncher()
            let stop = StopFlag.install(onAbort: { launcher.stopAll() })
            var runner: StudyRunner
            do {
                runner = try StudyRunner.standard(
                    spec: studySpec, storage: location, shareMachine: shareMachine, launcher: launcher, events: display.handle)
            } catch {
                Diagnostics.error((error as? StudyError)?.description ?? "cannot join study '\(studySpec.study)': \(error)")
                throw ExitCode.failure
            }
            runner.exports = nil
            #if Postgres
                runner.exports = nil
                guard let store = runner.store as? PostgresStudyStore else { throw ExitCode.failure }
                do {
                    display.start()
                    try runner.build()
                    for warning in try runner.preflight() { display.handle(.warning(warning)) }
                    let (_, summary) = try runner.work(on: store, pollSeconds: pollSeconds, shouldStop: { stop.isSet })
                    display.stop()
                    display.permanent(
                        "worker done: \(summary.trialsRun) trial(s) run here (\(summary.takenOver) taken over from a dead worker); \(summary.stopReason)"
                    )
                    try store.resign()
                } catch {
                    launcher.stopAll()
                    display.stop()
                    Diagnostics.error("\(error)")
                    throw ExitCode.failure
                }
            #endif
        }
    }
}
