import Foundation
import TunerCore

/// Runs a whole study: build the target, plan settings, run every trial in an interleaved
/// order recording each as it finishes, then compute the report.
public struct StudyRunner {
    public var spec: StudySpec
    public let launcher: Launcher
    public let store: StudyStore
    public let trialRunner: any TrialEvaluator
    /// Receives one line per event (trial finished, phase changes).
    public let log: (String) -> Void
    /// Set by `standard`: tells the store which trial started a process.
    var recordingLauncher: RecordingLauncher?
    var sqliteStore: SQLiteStudyStore?
    /// The study's one-writer lock, held as long as the runner lives.
    var lock: StudyLock?
    /// Whether trials.jsonl and other files are written (not for replays).
    public var storesFiles = true

    /// The study's folder, `data/<study>/`.
    public var studyDirectory: String { "\(spec.dataDirectory)/\(spec.study)" }

    public init(spec: StudySpec, launcher: Launcher, store: StudyStore, trialRunner: any TrialEvaluator, log: @escaping (String) -> Void) {
        self.spec = spec
        self.launcher = launcher
        self.store = store
        self.trialRunner = trialRunner
        self.log = log
    }

    /// The real wiring: posix_spawn, sync-bench, gctrace, `data/<study>/study.sqlite`.
    /// - Parameter fresh: start a new study even if one with an incomparable spec exists
    ///   (the old database is moved aside, not deleted).
    public static func standard(spec: StudySpec, fresh: Bool = false, log: @escaping (String) -> Void) throws -> StudyRunner {
        let directory = "\(spec.dataDirectory)/\(spec.study)"
        let logs = "\(directory)/logs"
        try prepareDirectory(spec: spec, directory: directory)
        // One writer per study: taken before anything is built, moved aside or measured.
        let databasePath = "\(directory)/study.sqlite"
        let lock = try takeLock(spec: spec, directory: directory, databasePath: databasePath)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        if fresh { try moveAside(databasePath) }
        let store = try SQLiteStudyStore(path: databasePath, machine: .current(goVersion: goVersion()))
        let fingerprint = StudyFingerprint.of(spec)
        if let stored = try store.storedFingerprint(),
           let difference = StudyFingerprint.difference(stored: stored, current: fingerprint) {
            // A study that holds no trial (e.g. its build failed) has nothing to be incomparable with.
            guard try store.isEmpty() else {
                throw StudyError.incomparable("\(databasePath) holds trials of a different study: \(difference). Old and new trials would not be comparable; run again with --fresh to start over (the old database is kept, renamed)")
            }
            try store.saveFingerprint(fingerprint)
        } else if try store.storedFingerprint() == nil {
            try store.saveFingerprint(fingerprint)
        }
        let launcher = RecordingLauncher(base: PosixLauncher(), store: store)
        let trialRunner = TrialRunner(
            target: spec.target, launcher: launcher,
            load: SyncBenchDriver(spec: spec.load, launcher: launcher, workingDirectory: spec.target.workdir),
            pauses: GCTracePauseSource(), logDirectory: logs,
            warmupSeconds: spec.budget.warmupSeconds, durationSeconds: spec.budget.durationSeconds)
        var runner = StudyRunner(spec: spec, launcher: launcher, store: store, trialRunner: trialRunner, log: log)
        runner.recordingLauncher = launcher
        runner.sqliteStore = store
        runner.lock = lock
        return runner
    }

    /// Creates `data/<study>/`, or says which key to fix when a file stands in its way.
    static func prepareDirectory(spec: StudySpec, directory: String) throws {
        var isDirectory: ObjCBool = false
        for (path, key) in [(spec.dataDirectory, "output.data_dir"), (directory, "study")]
        where FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
            let fix = key == "study" ? "rename the study or move that file" : "point output.data_dir at a folder"
            throw StudyError.badDataDirectory("\(spec.path): \(key): \(path) is a file, not a folder; \(fix)")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw StudyError.badDataDirectory("\(spec.path): output.data_dir: cannot create \(directory): \(reason); point output.data_dir at a folder you can write")
        }
    }

    /// Takes the study's lock, or refuses naming the tuner that holds it and its running trial.
    static func takeLock(spec: StudySpec, directory: String, databasePath: String) throws -> StudyLock {
        do {
            return try StudyLock(path: "\(directory)/study.lock")
        } catch {
            guard case .held(_, let owner) = error else {
                throw StudyError.badDataDirectory("\(spec.path): output.data_dir: \(error)")
            }
            var trial = ""
            if let owner, FileManager.default.fileExists(atPath: databasePath),
               let running = try? SQLiteStudyStore.runningTrials(path: databasePath)
                .first(where: { $0.owner.pid == owner.pid && $0.owner.host == owner.host }) {
                trial = ", measuring trial \(running.trialIndex + 1) (GOGC=\(running.gogc) GOMEMLIMIT=\(running.gomemlimit) rep \(running.repeatIndex + 1))"
            }
            let who = owner.map { "another tuner (\($0)\(trial))" } ?? "another tuner"
            let stopHint = owner.map { " or stop it (kill -INT \($0.pid): it finishes its trial and keeps every result)" } ?? ""
            throw StudyError.studyBusy("study '\(spec.study)' in \(directory)/ is being run by \(who). Two runs on one study would kill each other's servers and share two cores; wait for it to finish\(stopHint), then run again, or give this run another study name")
        }
    }

    /// Renames a database (and its WAL files) with a timestamp.
    static func moveAside(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let base = (path as NSString).deletingPathExtension
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.moveItem(atPath: path + suffix, toPath: "\(base)-\(stamp).sqlite\(suffix)")
        }
    }

    /// `go version` of the toolchain on PATH, for the trial records.
    static func goVersion() -> String? {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["go", "env", "GOVERSION"]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The settings the budget's sampler plans (the Go default first).
    public func plannedSettings() -> [GCSetting] {
        switch spec.budget.sampler {
        case .grid: return PlannedSampler.grid(space: spec.space, settingCount: spec.budget.settings).plan
        case .lhs: return PlannedSampler.latinHypercube(space: spec.space, settingCount: spec.budget.settings, seed: spec.seed).plan
        case .surrogate: return [.goDefault] // the rest of the start is chosen as trials finish
        }
    }

    /// The surrogate search this spec describes.
    public var surrogateSearch: SurrogateSearch {
        SurrogateSearch(space: spec.space, objectives: spec.objectives.map { ($0.metric, $0.direction) },
                        constraints: spec.constraints, seed: spec.seed, initialDesign: spec.budget.initialDesign)
    }

    /// Runs the build command, if any; throws with its output when it fails.
    public func build() throws {
        guard let command = spec.target.build else { return }
        let logs = "\(studyDirectory)/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        log("building \(spec.target.name): \(command.joined(separator: " ")) (in \(spec.target.workdir))")
        let process: RunningProcess
        do {
            process = try launcher.launch(LaunchRequest(
                arguments: command, workingDirectory: spec.target.workdir,
                environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(logs)/build.stdout", stderrPath: "\(logs)/build.stderr"))
        } catch {
            throw StudyError.buildFailed("target.build: \(error). Install what it needs (the README's quick start does) or fix target.build in \(spec.path)")
        }
        guard let exit = process.wait(timeoutSeconds: 600) else {
            process.stop(graceSeconds: 1)
            throw StudyError.buildFailed("target.build did not finish within 10 minutes")
        }
        guard exit.succeeded else {
            throw StudyError.buildFailed("target.build \(exit): \(lastLines(of: "\(logs)/build.stderr", count: 8))")
        }
        guard FileManager.default.isExecutableFile(atPath: spec.load.binary) else {
            throw StudyError.buildFailed("load.binary \(spec.load.binary) does not exist after the build; fix load.binary or target.build in \(spec.path)")
        }
    }

    /// Runs the study's trials (planned grid/LHS, or the surrogate search) that are not already
    /// finished and returns all finished samples of the study (earlier runs' included). Trials a
    /// killed tuner left running are run again; their leftover processes are killed first.
    /// - Parameter shouldStop: polled between trials (first Ctrl-C).
    public mutating func runTrials(shouldStop: () -> Bool = { false }) throws -> [TrialSample] {
        if let sqliteStore {
            let killed = try sqliteStore.reapLeftovers()
            if !killed.isEmpty { log("killed \(killed.count) process group(s) left by an interrupted run: \(killed.map(String.init).joined(separator: ", "))") }
            for trial in try sqliteStore.interruptedTrials() {
                log("trial \(trial.trialIndex + 1) (GOGC=\(trial.gogc) GOMEMLIMIT=\(trial.gomemlimit) rep \(trial.repeatIndex + 1)) was interrupted; it runs again")
            }
        }
        var state = RunState(samples: try store.samples())
        if !state.samples.isEmpty {
            log("resuming study '\(spec.study)': \(state.samples.count) trial(s) already recorded")
        }
        var effective = self
        if let check = spec.budget.noiseCheck {
            if let raised = try noiseGuard(check, &state, shouldStop: shouldStop) {
                effective.spec.budget.repeats = raised
                effective.spec.budget.confirmPairs = max(spec.budget.confirmPairs, raised)
            }
        }
        spec = effective.spec
        if shouldStop() { return state.samples.sorted { $0.trialIndex < $1.trialIndex } }
        if spec.budget.sampler == .surrogate {
            try effective.runSurrogate(&state, shouldStop: shouldStop)
        } else {
            try effective.runPlanned(&state, shouldStop: shouldStop)
        }
        return state.samples.sorted { $0.trialIndex < $1.trialIndex }
    }

    /// Trials so far and the run's failure streak.
    struct RunState {
        var samples: [TrialSample]
        var consecutiveFailures = 0
        var nextIndex: Int { (samples.map(\.trialIndex).max() ?? -1) + 1 }
    }

    /// Runs one trial, records it durably, logs it, and enforces the failure limits.
    @discardableResult
    func runOne(_ setting: GCSetting, repeatIndex: Int, index: Int, total: Int, phase: String, _ state: inout RunState) throws -> TrialSample {
        let seed = spec.seed &+ UInt64(index) &* 7919
        try store.begin(trialIndex: index, setting: setting, repeatIndex: repeatIndex)
        recordingLauncher?.setCurrentTrial((setting, repeatIndex))
        var sample = trialRunner.run(setting: setting, trialIndex: index, repeatIndex: repeatIndex, seed: seed)
        recordingLauncher?.setCurrentTrial(nil)
        sample.phase = phase
        try store.append(sample)
        state.samples.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        state.samples.append(sample)
        if storesFiles {
            try? TrialsFile.write(state.samples.sorted { $0.trialIndex < $1.trialIndex }, to: "\(studyDirectory)/trials.jsonl")
        }
        log(Self.trialLine(sample, total: total))
        state.consecutiveFailures = sample.isMeasured ? 0 : state.consecutiveFailures + 1
        if state.consecutiveFailures >= 3 && state.samples.allSatisfy({ !$0.isMeasured }) {
            throw StudyError.tooManyFailures("the first \(state.consecutiveFailures) trials all failed; last: \(sample.outcome.failureReason ?? "")")
        }
        if state.consecutiveFailures >= 5 {
            throw StudyError.tooManyFailures("\(state.consecutiveFailures) trials in a row failed; last: \(sample.outcome.failureReason ?? "")")
        }
        return sample
    }

    /// The noisy-machine guard: measures the Go default `check.repeats` times first (these
    /// trials count as the default's repeats), then compares the coefficient of variation of its
    /// throughput and p99 pause with `check.maxCV`. Returns the raised repeat count when the
    /// machine is too noisy and the action is `raise`; throws when it is `stop`.
    func noiseGuard(_ check: NoiseCheck, _ state: inout RunState, shouldStop: () -> Bool) throws -> Int? {
        func defaults() -> [TrialSample] { state.samples.filter { $0.setting.isGoDefault && !$0.isConfirmation } }
        var announced = false
        while defaults().count < check.repeats {
            if shouldStop() { return nil }
            if !announced {
                log("noise check: measuring the Go default \(check.repeats) times before the search")
                announced = true
            }
            let repeatIndex = (defaults().map(\.repeatIndex).max() ?? -1) + 1
            try runOne(.goDefault, repeatIndex: repeatIndex, index: state.nextIndex, total: check.repeats, phase: "noise-check", &state)
        }
        let measured = defaults().filter(\.isMeasured)
        let cvs = [Metric.throughputOpsPerSecond, .pauseP99Millis].compactMap { metric in
            Statistics.coefficientOfVariation(measured.compactMap { metric.value(of: $0) }).map { (metric, $0) }
        }
        let text = cvs.map { "\($0.0.rawValue) \(formatFixed($0.1 * 100, decimals: 1)) %" }.joined(separator: ", ")
        guard let worst = cvs.map(\.1).max(), worst > check.maxCV else {
            log("noise check: coefficient of variation over \(measured.count) default runs: \(text) (limit \(formatFixed(check.maxCV * 100, decimals: 0)) %)")
            return nil
        }
        let warning = "noise check: this machine is noisy: coefficient of variation over \(measured.count) default runs: \(text), above the \(formatFixed(check.maxCV * 100, decimals: 0)) % limit (budget.noise_check)"
        switch check.action {
        case .stop:
            throw StudyError.tooNoisy("\(warning); stopping as asked. Quiet the machine, or set budget.noise_check.action to raise or warn")
        case .warn:
            log("WARNING: \(warning); results will carry wide intervals")
            return nil
        case .raise:
            // Repeats grow with the squared ratio of noise to limit (interval width ∝ CV/√n), capped.
            let factor = (worst / check.maxCV) * (worst / check.maxCV)
            let raised = min(max(spec.budget.repeats + 1, Int((Double(spec.budget.repeats) * factor).rounded(.up))), spec.budget.repeats * 3, 10)
            log("WARNING: \(warning); raising repeats from \(spec.budget.repeats) to \(max(raised, spec.budget.repeats)) and confirmation pairs to at least that")
            return max(raised, spec.budget.repeats)
        }
    }

    /// Grid or Latin hypercube: every planned setting × repeat, in interleaved rounds.
    func runPlanned(_ state: inout RunState, shouldStop: () -> Bool) throws {
        let settings = plannedSettings()
        let schedule = interleavedSchedule(settings: settings, repeats: spec.budget.repeats, seed: spec.seed)
        let finished = Set(state.samples.map { TrialKey(setting: $0.setting, repeatIndex: $0.repeatIndex) })
        let remaining = schedule.enumerated().filter { !finished.contains(TrialKey(setting: $0.element.setting, repeatIndex: $0.element.repeatIndex)) }
        log("plan: \(settings.count) settings × \(spec.budget.repeats) repeats = \(schedule.count) trials (\(spec.budget.sampler.rawValue)), each \(DurationText.format(spec.budget.warmupSeconds)) warm-up + \(DurationText.format(spec.budget.durationSeconds)) measured; order interleaved by repeat; \(remaining.count) to run")
        for (position, (index, entry)) in remaining.enumerated() {
            if shouldStop() {
                log("stopped by request with \(remaining.count - position) trial(s) left; finished trials are kept in \(studyDirectory)/ and 'tuner run' resumes")
                return
            }
            try runOne(entry.setting, repeatIndex: entry.repeatIndex, index: index, total: schedule.count, phase: "search", &state)
        }
    }

    /// Surrogate search: the initial design, then one proposal at a time until the trial budget
    /// is spent or the stopping rule fires. Each decision is logged with its reason.
    func runSurrogate(_ state: inout RunState, shouldStop: () -> Bool) throws {
        let search = surrogateSearch
        let budget = spec.budget.trials
        log("plan: surrogate search (\(search.methodDescription)), at most \(budget) trials, \(search.initialDesign) settings in the initial design; each \(DurationText.format(spec.budget.warmupSeconds)) warm-up + \(DurationText.format(spec.budget.durationSeconds)) measured")
        while true {
            let searchTrials = state.samples.filter { !$0.isConfirmation }
            guard searchTrials.count < budget else {
                log("search: trial budget of \(budget) spent")
                return
            }
            if shouldStop() {
                log("stopped by request; finished trials are kept in \(studyDirectory)/ and 'tuner run' resumes")
                return
            }
            switch search.next(completed: searchTrials) {
            case .stop(let reason):
                log("search stops: \(reason)")
                return
            case .measure(let setting, let reason):
                log("next: \(setting) — \(reason)")
                let repeatIndex = (state.samples.filter { $0.setting == setting }.map(\.repeatIndex).max() ?? -1) + 1
                try runOne(setting, repeatIndex: repeatIndex, index: state.nextIndex, total: budget, phase: "search", &state)
            }
        }
    }

    /// Confirms a recommendation on the real service: the default and the candidate alternate
    /// (default first in each pair) for `budget.confirm` pairs; pairs already recorded by an
    /// earlier run count. Returns the analysis, or nil when there is nothing to confirm.
    public func confirm(candidate: GCSetting, samples: inout [TrialSample], shouldStop: () -> Bool = { false }) throws -> Confirmation? {
        let pairsWanted = spec.budget.confirmPairs
        guard pairsWanted > 0, !candidate.isGoDefault else { return nil }
        var state = RunState(samples: samples)
        let tag = "confirm \(candidate)"
        func confirmTrials(_ setting: GCSetting) -> [TrialSample] {
            // Each confirmation has its own pairs: a later candidate never reuses an earlier
            // candidate's default runs, so every pair was run back to back.
            state.samples.filter { $0.phase == tag && $0.setting == setting }.sorted { $0.trialIndex < $1.trialIndex }
        }
        log("confirmation: \(candidate) against the Go default, \(pairsWanted) alternating pairs (ABAB…)")
        while min(confirmTrials(.goDefault).count, confirmTrials(candidate).count) < pairsWanted {
            if shouldStop() { break }
            for setting in [GCSetting.goDefault, candidate] where confirmTrials(setting).count < min(confirmTrials(.goDefault).count, confirmTrials(candidate).count) + 1 {
                let repeatIndex = (state.samples.filter { $0.setting == setting }.map(\.repeatIndex).max() ?? -1) + 1
                try runOne(setting, repeatIndex: repeatIndex, index: state.nextIndex, total: state.nextIndex + 1, phase: tag, &state)
            }
        }
        samples = state.samples.sorted { $0.trialIndex < $1.trialIndex }
        let baseline = confirmTrials(.goDefault).filter(\.isMeasured)
        let candidates = confirmTrials(candidate).filter(\.isMeasured)
        let pairs = Array(zip(baseline, candidates))
        guard !pairs.isEmpty else { return nil }
        let decisive: Int
        if case .best(let k) = spec.recommend { decisive = k } else { decisive = spec.objectives.firstIndex { $0.metric == .throughputOpsPerSecond } ?? 0 }
        return Confirmation.analyse(candidate: candidate, pairs: pairs.map { ($0.0, $0.1) },
                                    objectives: spec.objectives.map { ($0.metric, $0.direction) },
                                    constraints: spec.constraints, decisive: decisive, seed: spec.seed)
    }

    /// One line per finished trial.
    public static func trialLine(_ sample: TrialSample, total: Int) -> String {
        let head = "[\(sample.trialIndex + 1)/\(total)] \(sample.setting) rep \(sample.repeatIndex + 1)"
        guard sample.isMeasured, let load = sample.load, let gc = sample.gc else {
            return "\(head): FAILED: \(sample.outcome.failureReason ?? "unknown")"
        }
        let p99 = Metric.pauseP99Millis.value(of: sample) ?? 0
        let rss = sample.memory.map { ByteSize.human(Double($0.peakBytes)) } ?? "?"
        return "\(head): \(formatFixed(load.throughputOpsPerSecond, decimals: 0)) ops/s, latency p99 \(formatFixed(load.latencyP99Millis, decimals: 1)) ms, "
            + "\(gc.cycles.count) GCs, pause p99 \(formatFixed(p99, decimals: 3)) ms, peak RSS \(rss), "
            + "tuner CPU \(formatFixed(sample.tunerCPUSeconds, decimals: 3)) s, \(formatFixed(sample.wallSeconds, decimals: 1)) s"
            + (gc.cycles.isEmpty ? " (no GC in the window: pause figures are 0)" : "")
    }

    public func report(samples: [TrialSample]) -> FrontierReport {
        FrontierReport.make(study: spec.study, samples: samples,
                            objectives: spec.objectives.map { ($0.metric, $0.direction) },
                            constraints: spec.constraints, rule: spec.recommend, seed: spec.seed)
    }
}

/// Study-level failures (the run stops; finished trials are kept).
public enum StudyError: Error, CustomStringConvertible {
    /// target.build failed or its products are missing.
    case buildFailed(String)
    /// Too many trials failed in a row to go on.
    case tooManyFailures(String)
    /// The stored study was measured under a spec whose trials are not comparable.
    case incomparable(String)
    /// The noise check found the machine too noisy and was told to stop.
    case tooNoisy(String)
    /// Another live tuner process is running the study.
    case studyBusy(String)
    /// `output.data_dir` (or the study's folder in it) cannot be used.
    case badDataDirectory(String)

    public var description: String {
        switch self {
        case .buildFailed(let message): return "build failed: \(message)"
        case .tooManyFailures(let message): return "study stopped: \(message)"
        case .incomparable(let message): return message
        case .tooNoisy(let message): return message
        case .studyBusy(let message): return message
        case .badDataDirectory(let message): return message
        }
    }
}

/// A trial's identity within a study: the same setting and repeat is the same trial.
struct TrialKey: Hashable {
    var setting: GCSetting
    var repeatIndex: Int
}

/// The parts of a spec that make trials comparable: a change to any of them makes old trials
/// incomparable with new ones. (Parameters, repeats and the number of settings may change: they
/// only add or drop trials.)
public enum StudyFingerprint {
    public static func of(_ spec: StudySpec) -> [String: String] {
        let fingerprint: [String: String] = [
            "target.command": spec.target.command.joined(separator: " "),
            "target.workdir": spec.target.workdir,
            "target.build": spec.target.build?.joined(separator: " ") ?? "",
            "target.cpus": spec.target.cpus ?? "",
            "load.cpus": spec.load.cpus ?? "",
            "target.env": spec.target.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            "load.binary": spec.load.binary,
            "load.mode": spec.load.mode.rawValue,
            "load.clients": String(spec.load.clients),
            "load.rate_hz": String(spec.load.rateHz),
            "load.docs": String(spec.load.docs),
            "load.doc_size": String(spec.load.docSizeBytes),
            "load.args": spec.load.extraArguments.joined(separator: " "),
            "budget.warmup": DurationText.format(spec.budget.warmupSeconds),
            "budget.duration": DurationText.format(spec.budget.durationSeconds),
            "objectives": spec.objectives.map { "\($0.direction.rawValue) \($0.metric.rawValue)" }.joined(separator: ", "),
        ]
        return fingerprint
    }

    /// The first difference, as "KEY changed from 'A' to 'B'", or nil when comparable.
    public static func difference(stored: [String: String], current: [String: String]) -> String? {
        for key in Set(stored.keys).union(current.keys).sorted() where stored[key] != current[key] {
            return "\(key) changed from '\(stored[key] ?? "(unset)")' to '\(current[key] ?? "(unset)")'"
        }
        return nil
    }
}
