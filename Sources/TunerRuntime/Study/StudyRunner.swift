import Foundation
import TunerCore

/// Runs a whole study over its seams: the trial evaluator (real or replayed), the store, and a
/// `Sampler` that chooses settings. This file is the scheduler: the noise guard first, then one
/// loop whatever the sampler. Around it, one job per file: recording a trial durably
/// (`StudyRunner+Recording.swift`, `StudyExports.swift`, `FailurePolicy.swift`), the progress
/// figures (`StudyRunner+Progress.swift`), the recommendation and its confirmation
/// (`StudyRunner+Confirmation.swift`), build and preflight (`Preflight.swift`), and the real
/// wiring (`StudyWiring.swift`).
public struct StudyRunner {
    public var spec: StudySpec
    public let store: StudyStore
    public let trialRunner: any TrialEvaluator
    /// The evaluator of one verification level (`tuner verify`); nil: `trialRunner` at every
    /// level (a replay, a fake).
    public var levelEvaluator: ((LoadLevel) -> any TrialEvaluator)?
    /// Runs the confirmation's trials when set (the real wiring's: with CPU profiles when the spec
    /// names the service's pprof); else `trialRunner`.
    public var confirmationEvaluator: (any TrialEvaluator)?
    /// Receives every event of the study as it happens (`StudyEvent.plainText` is its log line).
    public let events: (StudyEvent) -> Void
    /// Starts, reaps and stops the study's processes (the real one, wrapped so the store hears of
    /// every process group; nil for a replay, which starts none).
    public var launcher: Launcher?
    /// Set by `standard`: tells the store which trial started a process.
    var recordingLauncher: RecordingLauncher?
    /// The study's one-writer lock, held as long as the runner lives.
    var lock: StudyLock?
    /// The heartbeat to a shared store, beating as long as the runner lives.
    var heartbeat: Heartbeat?
    /// This machine's name, recorded with every trial when the study is shared by workers on
    /// several machines (nil: a study of one machine).
    public var host: String?
    /// The export files rendered as the study goes (nil: none, as for a replay).
    public var exports: StudyExports?
    /// Why the study stopped before its search (`budget.stop_below`), once `runTrials` said so.
    public var stoppedBeforeSearch: String?

    /// The study's folder, `data/<study>/`.
    public var studyDirectory: String { StudyExports.directory(of: spec) }

    public init(spec: StudySpec, store: StudyStore, trialRunner: any TrialEvaluator, events: @escaping (StudyEvent) -> Void) {
        self.spec = spec
        self.store = store
        self.trialRunner = trialRunner
        self.events = events
        self.exports = StudyExports(spec: spec)
    }

    /// A runner that reports each event as its line of text (events without one print nothing).
    public init(spec: StudySpec, store: StudyStore, trialRunner: any TrialEvaluator, log: @escaping (String) -> Void) {
        self.init(spec: spec, store: store, trialRunner: trialRunner, events: { if let line = $0.plainText { log(line) } })
    }

    /// Reports one line: a "WARNING: " line as a warning, any other as a message.
    func log(_ line: String) { events(.line(line)) }

    /// The sampler this spec's budget names, with `repeats` rounds for planned samplers.
    public func sampler(repeats: Int? = nil) -> any Sampler {
        Samplers.make(spec, repeats: repeats ?? spec.budget.repeats)
    }

    /// Search trials the budget allows: the planned count, or `budget.trials` for a sampler that
    /// decides as it goes.
    func trialBudget(_ sampler: any Sampler) -> Int { sampler.plannedTrials ?? spec.budget.trials }

    /// Runs the study's trials that are not already finished and returns all finished samples of
    /// the study (earlier runs' included). Trials a killed tuner left running are run again;
    /// their leftover processes are killed first (only those whose owner is gone).
    /// - Parameter shouldStop: polled between trials (first Ctrl-C).
    public mutating func runTrials(shouldStop: () -> Bool = { false }) throws -> [TrialSample] {
        try reapLeftovers()
        var state = RunState(samples: try store.samples())
        if !state.samples.isEmpty {
            log("resuming study '\(spec.study)': \(state.samples.count) trial(s) already recorded")
        }
        var repeats = spec.budget.repeats
        if let check = spec.budget.noiseCheck {
            let samplerIsPlanned = sampler().plannedTrials != nil
            let guardian = NoiseGuard(check: check, repeats: spec.budget.repeats, samplerIsPlanned: samplerIsPlanned)
            let outcome = try guardian.run(&state, runner: self, shouldStop: shouldStop)
            if let raised = outcome.raisedRepeats {
                repeats = raised
                if samplerIsPlanned { spec.budget.repeats = raised }
                spec.budget.confirmPairs = max(spec.budget.confirmPairs, raised)
            }
            if let reason = outcome.stopReason {
                stoppedBeforeSearch = reason
                return state.samples.sorted { $0.trialIndex < $1.trialIndex }
            }
        }
        if shouldStop() { return state.samples.sorted { $0.trialIndex < $1.trialIndex } }
        try schedule(sampler(repeats: repeats), &state, shouldStop: shouldStop)
        return state.samples.sorted { $0.trialIndex < $1.trialIndex }
    }

    /// Kills what a tuner that died left running (the store hands over the records whose owner
    /// is gone; the launcher kills those still alive) and says which trials run again.
    func reapLeftovers() throws {
        let leftovers = try store.takeLeftovers()
        let killed = launcher.map { launcher in leftovers.filter { launcher.reap($0) }.map(\.group) } ?? []
        if !killed.isEmpty {
            log("killed \(killed.count) process group(s) left by an interrupted run: \(killed.map(String.init).joined(separator: ", "))")
        }
        for trial in try store.interruptedTrials() {
            log(
                "trial \(trial.trialIndex + 1) (GOGC=\(trial.gogc) GOMEMLIMIT=\(trial.gomemlimit) rep \(trial.repeatIndex + 1)) was interrupted; it runs again"
            )
        }
    }

    /// The one scheduler loop: ask the sampler, run what it asks, until it stops, the budget is
    /// spent or a stop is requested. Each decision is logged with its reason.
    func schedule(_ sampler: any Sampler, _ state: inout RunState, shouldStop: () -> Bool) throws {
        let budget = trialBudget(sampler)
        let done = state.samples.filter { !$0.isConfirmation }.count
        log(
            "plan: \(sampler.methodDescription); at most \(budget) trials (\(max(budget - done, 0)) to run), each \(DurationText.format(spec.budget.warmupSeconds)) warm-up + \(DurationText.format(spec.budget.durationSeconds)) measured"
        )
        while true {
            let searchTrials = state.samples.filter { !$0.isConfirmation }
            // A planned sampler stops by itself when its schedule is recorded (the noise check's
            // default runs stand in for the default's repeats); the others spend a budget.
            guard sampler.plannedTrials != nil || searchTrials.count < budget else {
                log("search: trial budget of \(budget) spent")
                return
            }
            if shouldStop() {
                log("stopped by request; finished trials are kept in \(studyDirectory)/ and 'tuner run' resumes")
                return
            }
            switch sampler.next(completed: searchTrials) {
            case .stop(let reason):
                log("search stops: \(reason)")
                return
            case .measure(let setting, let reason):
                if sampler.plannedTrials == nil { log("next: \(setting) — \(reason)") }
                try runOne(
                    setting, repeatIndex: state.nextRepeat(of: setting), index: state.nextIndex, total: budget, phase: "search", &state)
            }
        }
    }

    /// Trials so far, the run's failure streak and its exports' state.
    struct RunState {
        var samples: [TrialSample]
        var failures = FailurePolicy()
        var nextIndex: Int { (samples.map(\.trialIndex).max() ?? -1) + 1 }
        func nextRepeat(of setting: GCSetting) -> Int {
            (samples.filter { $0.setting == setting }.map(\.repeatIndex).max() ?? -1) + 1
        }
    }

    public func report(samples: [TrialSample]) -> FrontierReport { spec.report(of: samples) }
}
