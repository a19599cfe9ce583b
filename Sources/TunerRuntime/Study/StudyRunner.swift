import Foundation
import TunerCore

/// Runs a whole study over its seams: the trial evaluator (real or replayed), the store, and a
/// `Sampler` that chooses settings; the noise guard first, then one scheduler loop whatever the
/// sampler, then (in `StudyRunner+Confirmation.swift`) the recommendation and its confirmation.
/// The real wiring is `StudyRunner.standard` (`StudyWiring.swift`).
public struct StudyRunner {
    public var spec: StudySpec
    public let store: StudyStore
    public let trialRunner: any TrialEvaluator
    /// Receives every event of the study as it happens (`StudyEvent.plainText` is its log line).
    public let events: (StudyEvent) -> Void
    /// Set by `standard`: tells the store which trial started a process.
    var recordingLauncher: RecordingLauncher?
    /// The study's one-writer lock, held as long as the runner lives.
    var lock: StudyLock?
    /// Runs target.build (the real launcher; nil in tests and replays).
    var builder: Launcher?
    /// Whether trials.jsonl and other files are written (not for replays).
    public var storesFiles = true

    /// The study's folder, `data/<study>/`.
    public var studyDirectory: String { "\(spec.dataDirectory)/\(spec.study)" }

    public init(spec: StudySpec, store: StudyStore, trialRunner: any TrialEvaluator, events: @escaping (StudyEvent) -> Void) {
        self.spec = spec
        self.store = store
        self.trialRunner = trialRunner
        self.events = events
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

    /// The surrogate search this spec describes (also what recommends after any sampler).
    public var surrogateSearch: SurrogateSearch { Samplers.surrogate(spec) }

    /// Search trials the budget allows: the planned count, or `budget.trials` for the surrogate.
    func trialBudget(_ sampler: any Sampler) -> Int { sampler.plannedTrials ?? spec.budget.trials }

    /// Runs the study's trials that are not already finished and returns all finished samples of
    /// the study (earlier runs' included). Trials a killed tuner left running are run again;
    /// their leftover processes are killed first (only those whose owner is gone).
    /// - Parameter shouldStop: polled between trials (first Ctrl-C).
    public mutating func runTrials(shouldStop: () -> Bool = { false }) throws -> [TrialSample] {
        let killed = try store.reapLeftovers()
        if !killed.isEmpty { log("killed \(killed.count) process group(s) left by an interrupted run: \(killed.map(String.init).joined(separator: ", "))") }
        for trial in try store.interruptedTrials() {
            log("trial \(trial.trialIndex + 1) (GOGC=\(trial.gogc) GOMEMLIMIT=\(trial.gomemlimit) rep \(trial.repeatIndex + 1)) was interrupted; it runs again")
        }
        var state = RunState(samples: try store.samples())
        if !state.samples.isEmpty {
            log("resuming study '\(spec.study)': \(state.samples.count) trial(s) already recorded")
        }
        var repeats = spec.budget.repeats
        if let check = spec.budget.noiseCheck {
            let guardian = NoiseGuard(check: check, repeats: spec.budget.repeats, samplerIsPlanned: spec.budget.sampler != .surrogate)
            if let raised = try guardian.run(&state, runner: self, shouldStop: shouldStop) {
                repeats = raised
                if spec.budget.sampler != .surrogate { spec.budget.repeats = raised }
                spec.budget.confirmPairs = max(spec.budget.confirmPairs, raised)
            }
        }
        if shouldStop() { return state.samples.sorted { $0.trialIndex < $1.trialIndex } }
        try schedule(sampler(repeats: repeats), &state, shouldStop: shouldStop)
        return state.samples.sorted { $0.trialIndex < $1.trialIndex }
    }

    /// The one scheduler loop: ask the sampler, run what it asks, until it stops, the budget is
    /// spent or a stop is requested. Each decision is logged with its reason.
    func schedule(_ sampler: any Sampler, _ state: inout RunState, shouldStop: () -> Bool) throws {
        let budget = trialBudget(sampler)
        let done = state.samples.filter { !$0.isConfirmation }.count
        log("plan: \(sampler.methodDescription); at most \(budget) trials (\(max(budget - done, 0)) to run), each \(DurationText.format(spec.budget.warmupSeconds)) warm-up + \(DurationText.format(spec.budget.durationSeconds)) measured")
        while true {
            let searchTrials = state.samples.filter { !$0.isConfirmation }
            // A planned sampler stops by itself when its schedule is recorded (the noise check's
            // default runs stand in for the default's repeats); the surrogate spends a budget.
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
                try runOne(setting, repeatIndex: state.nextRepeat(of: setting), index: state.nextIndex, total: budget, phase: "search", &state)
            }
        }
    }

    /// Trials so far and the run's failure streak.
    struct RunState {
        var samples: [TrialSample]
        var consecutiveFailures = 0
        /// Whether trials.jsonl holds exactly `samples` (after this run's first write), so the
        /// next trial may be appended to it.
        var trialsFileCurrent = false
        /// Monotonic time (`systemUptime`, seconds) before which no interim export is written.
        var nextInterimExportAt = 0.0
        var nextIndex: Int { (samples.map(\.trialIndex).max() ?? -1) + 1 }
        func nextRepeat(of setting: GCSetting) -> Int {
            (samples.filter { $0.setting == setting }.map(\.repeatIndex).max() ?? -1) + 1
        }
    }

    /// Runs one trial, records it durably, logs it, and enforces the failure limits.
    @discardableResult
    func runOne(_ setting: GCSetting, repeatIndex: Int, index: Int, total: Int, phase: String, _ state: inout RunState) throws -> TrialSample {
        let seed = spec.seed &+ UInt64(index) &* 7919
        try store.begin(trialIndex: index, setting: setting, repeatIndex: repeatIndex)
        recordingLauncher?.setCurrentTrial((setting, repeatIndex))
        events(.trialStarted(TrialStart(trialIndex: index, plannedTrials: plannedTrials(phase: phase, total: total, state),
                                        setting: setting, repeatIndex: repeatIndex, phase: phase,
                                        expectedSeconds: expectedTrialSeconds(state))))
        var sample = trialRunner.run(setting: setting, trialIndex: index, repeatIndex: repeatIndex, seed: seed)
        recordingLauncher?.setCurrentTrial(nil)
        sample.phase = phase
        try store.append(sample)
        let isLast = state.samples.allSatisfy { $0.trialIndex < sample.trialIndex }
        let before = state.samples.count
        state.samples.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        let replaced = state.samples.count < before
        state.samples.append(sample)
        if storesFiles {
            let sorted = state.samples.sorted { $0.trialIndex < $1.trialIndex }
            let trialsPath = "\(studyDirectory)/trials.jsonl"
            if !replaced && isLast && state.trialsFileCurrent {
                try? TrialsFile.append(sample, to: trialsPath)
            } else {
                try? TrialsFile.write(sorted, to: trialsPath)
                state.trialsFileCurrent = true
            }
            let now = ProcessInfo.processInfo.systemUptime
            if now >= state.nextInterimExportAt || !sample.isMeasured {
                writeInterimExports(sorted)
                let cost = ProcessInfo.processInfo.systemUptime - now
                state.nextInterimExportAt = ProcessInfo.processInfo.systemUptime + Self.interimExportSpacing(costSeconds: cost)
            }
        }
        events(.trialFinished(sample, total: total))
        state.consecutiveFailures = sample.isMeasured ? 0 : state.consecutiveFailures + 1
        if state.consecutiveFailures >= 3 && state.samples.allSatisfy({ !$0.isMeasured }) {
            throw StudyError.tooManyFailures("the first \(state.consecutiveFailures) trials all failed; last: \(sample.outcome.failureReason ?? "")")
        }
        if state.consecutiveFailures >= 5 {
            throw StudyError.tooManyFailures("\(state.consecutiveFailures) trials in a row failed; last: \(sample.outcome.failureReason ?? "")")
        }
        return sample
    }

    /// The study's expected trial count for the progress display: the search budget plus the
    /// confirmation trials; within a confirmation, the trials so far plus the pairs it still runs.
    func plannedTrials(phase: String, total: Int, _ state: RunState) -> Int {
        let confirmTrials = 2 * spec.budget.confirmPairs
        if phase.hasPrefix("confirm") {
            let done = state.samples.filter { $0.phase == phase }.count
            return state.nextIndex + max(confirmTrials - done, 1)
        }
        let search = phase == "search" ? total : trialBudget(sampler())
        return max(search + confirmTrials, state.nextIndex + 1)
    }

    /// Warm-up + window + the median overhead (launch, readiness, stop, parsing) of the trials
    /// recorded so far, or 1 s of overhead before any: what the next trial should take, seconds.
    func expectedTrialSeconds(_ state: RunState) -> Double {
        let load = spec.budget.warmupSeconds + spec.budget.durationSeconds
        let overheads = state.samples.filter(\.isMeasured).map { max($0.wallSeconds - load, 0) }
        return load + (Statistics.median(overheads) ?? 1)
    }

    /// Seconds to wait after an interim export that took `costSeconds` before writing the next.
    /// An export under 0.1 s (a study of tens of trials) is written after every trial; a dearer
    /// one (seconds, at hundreds of trials in a debug build) waits 19 × its cost, so the exports
    /// take at most 5 % of the study's wall time. A failed trial is always followed by one, so a
    /// study that stops on failures leaves them in its report. Nothing is lost in between:
    /// trials.jsonl and the store hold every trial, and `tuner report` draws them.
    static func interimExportSpacing(costSeconds: Double) -> Double { costSeconds < 0.1 ? 0 : 19 * costSeconds }

    /// Rewrites `report.json` (marked in progress) and `frontier.csv` as the study goes (after
    /// every trial, unless ``interimExportSpacing(costSeconds:)`` says the last one was too
    /// recent), as hyperfine rewrites its exports after every run: a study that fails later
    /// still leaves its frontier so far. Runs between trials, never while one is measured.
    /// `tuner run` overwrites both with the decided report at the end.
    func writeInterimExports(_ samples: [TrialSample]) {
        var report = self.report(samples: samples)
        report.isInterim = true
        if let json = try? ReportRenderer.json(report) { try? json.write(to: URL(fileURLWithPath: "\(studyDirectory)/report.json"), options: .atomic) }
        try? ReportRenderer.csv(report).write(toFile: "\(studyDirectory)/frontier.csv", atomically: true, encoding: .utf8)
    }

    /// One line per finished trial.
    public static func trialLine(_ sample: TrialSample, total: Int) -> String {
        let head = "[\(sample.trialIndex + 1)/\(total)] \(sample.setting) rep \(sample.repeatIndex + 1)"
        guard sample.isMeasured, let load = sample.load else {
            return "\(head): FAILED: \(sample.outcome.failureReason ?? "unknown")"
        }
        let p99 = Metric.pauseP99Millis.value(of: sample) ?? 0
        let rss = sample.memory.map { ByteSize.human(Double($0.peakBytes)) } ?? "?"
        let gcCount = Metric.gcCount.value(of: sample)
        let cycles = gcCount.map { formatFixed($0, decimals: 0) } ?? "?"
        let unit = load.tool == nil || load.tool == "sync-bench" ? "ops/s" : "/s"
        let noGC = gcCount == 0
        return "\(head): \(formatFixed(load.throughputOpsPerSecond, decimals: 0)) \(unit), latency p99 \(formatFixed(load.latencyP99Millis, decimals: 1)) ms, "
            + "\(cycles) GCs, pause p99 \(formatFixed(p99, decimals: 3)) ms, peak RSS \(rss), "
            + "tuner CPU \(formatFixed(sample.tunerCPUSeconds, decimals: 3)) s, \(formatFixed(sample.wallSeconds, decimals: 1)) s"
            + (noGC ? " (no GC in the window: pause figures are 0)" : "")
    }

    public func report(samples: [TrialSample]) -> FrontierReport { spec.report(of: samples) }
}

/// The one factory of samplers: the budget's kind becomes a `Sampler`; nothing else switches on it.
public enum Samplers {
    public static func make(_ spec: StudySpec, repeats: Int) -> any Sampler {
        switch spec.budget.sampler {
        case .grid:
            return PlannedSampler.grid(space: spec.space, settingCount: spec.budget.settings).repeated(repeats, seed: spec.seed)
        case .lhs:
            return PlannedSampler.latinHypercube(space: spec.space, settingCount: spec.budget.settings, seed: spec.seed).repeated(repeats, seed: spec.seed)
        case .surrogate:
            return surrogate(spec)
        }
    }

    /// `inputModel` other than the default is for the search benchmark's ablation only
    /// (`tuner bench-search --records --input-model box`); `tuner run` always uses heap-goal inputs.
    public static func surrogate(_ spec: StudySpec, inputModel: SurrogateSearch.InputModel = .heapGoal) -> SurrogateSearch {
        SurrogateSearch(space: spec.space, objectives: spec.objectives.map { ($0.metric, $0.direction) },
                        constraints: spec.constraints, seed: spec.seed, initialDesign: spec.budget.initialDesign,
                        inputModel: inputModel)
    }
}
