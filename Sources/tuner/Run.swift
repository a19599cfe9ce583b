import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension ColorChoice: ExpressibleByArgument {}

extension Tuner {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a study: measure every planned setting, print the frontier, write the env file.")

        @Argument(help: "Study spec (YAML), e.g. experiments/baseline.yml.")
        var spec: String

        @Option(name: .customLong("seed"), help: "Override the spec's seed.")
        var seed: UInt64?

        @Option(help: "Where to write the env file (default: data/<study>/recommended.env).")
        var envFile: String?

        @Flag(help: "Stop (instead of raising repeats) when the noise check finds the machine too noisy.")
        var stopIfNoisy = false

        @Flag(help: "Start the study afresh even if data/<study>/ holds trials (the old database is kept, renamed).")
        var fresh = false

        @Option(
            help:
                "Where the study is stored: sqlite:///path/study.sqlite (default: data/<study>/study.sqlite) or postgres://user@host:5432/db, a store shared with 'tuner worker' on other machines (this run then works as one of them, and decides when the search is over)."
        )
        var storage: String?

        @Flag(help: "Print only the final summary, warnings and errors: no per-trial lines and no live progress line.")
        var quiet = false

        @Option(help: "Colour: auto (only on a terminal, and not with NO_COLOR set or TERM=dumb), on (also overrides NO_COLOR) or off.")
        var color: ColorChoice = .auto

        func run() throws {
            var studySpec: StudySpec
            do { studySpec = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error(error.description)
                throw ExitCode.failure
            }
            if let seed { studySpec.seed = seed }
            if stopIfNoisy { studySpec.budget.noiseCheck?.action = .stop }
            // Progress on stdout: a live line on a terminal, plain lines off one (OutputMode.decide).
            let display = ProgressDisplay(
                mode: OutputMode.decide(
                    color: color, quiet: quiet, isTerminal: isatty(1) == 1,
                    environment: ProcessInfo.processInfo.environment))
            Diagnostics.configure(color: color, display: display)
            defer { display.stop() }
            let say = display.permanent
            let launcher = PosixLauncher()
            let stop = StopFlag.install(onAbort: { launcher.stopAll() })
            let started = monotonicSeconds()
            var location: StoreLocation?
            do { location = try storage.map(StoreLocation.parse) } catch {
                Diagnostics.error("\(error)")
                throw ExitCode.failure
            }
            var runner: StudyRunner
            do {
                runner = try StudyRunner.standard(
                    spec: studySpec, fresh: fresh, storage: location, launcher: launcher, events: display.handle)
            } catch {
                if let studyError = error as? StudyError {
                    Diagnostics.error(studyError.description)
                } else {
                    Diagnostics.error("cannot prepare \(studySpec.dataDirectory)/\(studySpec.study): \(error)")
                }
                throw ExitCode.failure
            }
            var samples: [TrialSample]
            var decided: StudyDecision?
            do {
                display.start()
                try runner.build()
                for warning in try runner.preflight() { display.handle(.warning(warning)) }
                #if Postgres
                    if let shared = runner.store as? PostgresStudyStore {
                        // A shared study: this run joins whatever workers run it, as one more worker.
                        let others = try shared.liveWorkers().filter { !$0.isSameProcess(as: shared.owner) }
                        say(
                            others.isEmpty
                                ? "no worker runs study '\(studySpec.study)' at \(shared.location.redacted): this run works it as a worker (others join with 'tuner worker \(spec) --storage \(shared.location.url)'), then decides"
                                : "\(others.count) worker(s) run study '\(studySpec.study)' (\(others.map(\.description).joined(separator: "; "))): this run joins them as a worker, then decides when the search is over"
                        )
                        samples = try runner.work(on: shared, shouldStop: { stop.isSet }).samples
                    } else {
                        samples = try runner.runTrials(shouldStop: { stop.isSet })
                    }
                #else
                    samples = try runner.runTrials(shouldStop: { stop.isSet })
                #endif
                if !stop.isSet {
                    decided = try runner.recommendAndConfirm(samples: &samples, shouldStop: { stop.isSet })
                }
                if let decided, !stop.isSet {
                    try runner.store.saveDecision(decided)
                    // verify.on_run: the recommendation at the verify levels, after its confirmation.
                    var decidedReport = runner.report(samples: samples)
                    decidedReport.apply(decided)
                    if studySpec.verify.onRun, let setting = decidedReport.recommendation?.setting, !setting.isGoDefault {
                        _ = try runner.verify(candidate: setting, fresh: true, shouldStop: { stop.isSet })
                    }
                }
            } catch {
                launcher.stopAll()
                display.stop()
                Diagnostics.error("\(error)")
                let kept = (try? runner.store.samples().count) ?? 0
                if kept > 0 {
                    Diagnostics.note("\(kept) finished trial(s) are kept in \(runner.studyDirectory)/ ('tuner run \(spec)' resumes)")
                }
                throw ExitCode.failure
            }
            // Every file of the study folder is rendered from the store, the decision included.
            do { try runner.exports?.render(from: runner.store) } catch {
                Diagnostics.error("cannot read the study back from its store to write its exports: \(error)")
            }
            var report = runner.report(samples: samples)
            if let decided { report.apply(decided) } else { report.isInterim = true }
            report.verification = try? runner.store.verification()
            let envPath = envFile ?? "\(runner.studyDirectory)/recommended.env"
            var written: String?
            if let text = ReportRenderer.envFile(report, specPath: spec) {
                do {
                    try text.write(toFile: envPath, atomically: true, encoding: .utf8)
                    written = envPath
                } catch {
                    Diagnostics.error("cannot write the env file --env-file \(envPath): \(error)")
                }
            }
            display.stop()
            say("")
            say(display.style.summary(ReportRenderer.summary(report, envFilePath: written)))
            say(
                "Study wall time: \(formatFixed(monotonicSeconds() - started, decimals: 1)) s; samples: \(runner.studyDirectory)/trials.jsonl"
            )
            if samples.allSatisfy({ !$0.isMeasured }) {
                Diagnostics.error("no trial was measured; the FAILED lines above say why")
                throw ExitCode.failure
            }
        }
    }
}

/// Ctrl-C handling: the first SIGINT asks the study to stop after the running trial; a second
/// SIGINT, or SIGTERM/SIGHUP, ends every child process group at once and exits.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var requests = 0
    private var sources: [DispatchSourceSignal] = []

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requests > 0
    }

    /// - Parameter onAbort: kills every child process group (the launcher's `stopAll`).
    static func install(onAbort: @escaping @Sendable () -> Void) -> StopFlag {
        let flag = StopFlag()
        let queue = DispatchQueue(label: "tuner.signals")
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                flag.lock.lock()
                flag.requests += 1
                let count = flag.requests
                flag.lock.unlock()
                if signalNumber == SIGINT && count == 1 {
                    Diagnostics.note("\nstopping after the running trial (Ctrl-C again to abort now)")
                    return
                }
                onAbort()
                Diagnostics.stopProgress()
                Diagnostics.note("aborted: child processes killed; finished trials are kept")
                exit(signalNumber == SIGINT ? 130 : 128 + signalNumber)
            }
            source.resume()
            flag.sources.append(source)
        }
        return flag
    }
}
