import Foundation
import TunerCore

/// Runs a whole study: build the target, plan settings, run every trial in an interleaved
/// order recording each as it finishes, then compute the report.
public struct StudyRunner {
    public let spec: StudySpec
    public let launcher: Launcher
    public let store: StudyStore
    public let trialRunner: TrialRunner
    /// Receives one line per event (trial finished, phase changes).
    public let log: (String) -> Void

    /// The study's folder, `data/<study>/`.
    public var studyDirectory: String { "\(spec.dataDirectory)/\(spec.study)" }

    public init(spec: StudySpec, launcher: Launcher, store: StudyStore, trialRunner: TrialRunner, log: @escaping (String) -> Void) {
        self.spec = spec
        self.launcher = launcher
        self.store = store
        self.trialRunner = trialRunner
        self.log = log
    }

    /// The real wiring: posix_spawn, sync-bench, gctrace, `data/<study>/trials.jsonl`.
    public static func standard(spec: StudySpec, log: @escaping (String) -> Void) throws -> StudyRunner {
        let launcher = PosixLauncher()
        let directory = "\(spec.dataDirectory)/\(spec.study)"
        let logs = "\(directory)/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let store = try JSONLinesStudyStore(directory: directory)
        let trialRunner = TrialRunner(
            target: spec.target, launcher: launcher,
            load: SyncBenchDriver(spec: spec.load, launcher: launcher, workingDirectory: spec.target.workdir),
            pauses: GCTracePauseSource(), logDirectory: logs,
            warmupSeconds: spec.budget.warmupSeconds, durationSeconds: spec.budget.durationSeconds)
        return StudyRunner(spec: spec, launcher: launcher, store: store, trialRunner: trialRunner, log: log)
    }

    /// The settings the budget's sampler plans (the Go default first).
    public func plannedSettings() -> [GCSetting] {
        switch spec.budget.sampler {
        case .grid: return PlannedSampler.grid(space: spec.space, settingCount: spec.budget.settings).plan
        case .lhs: return PlannedSampler.latinHypercube(space: spec.space, settingCount: spec.budget.settings, seed: spec.seed).plan
        }
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

    /// Runs every planned trial and returns all samples (failed ones included).
    /// - Parameter shouldStop: polled between trials (first Ctrl-C).
    public func runTrials(shouldStop: () -> Bool = { false }) throws -> [TrialSample] {
        let settings = plannedSettings()
        let schedule = interleavedSchedule(settings: settings, repeats: spec.budget.repeats, seed: spec.seed)
        log("plan: \(settings.count) settings × \(spec.budget.repeats) repeats = \(schedule.count) trials (\(spec.budget.sampler.rawValue)), each \(DurationText.format(spec.budget.warmupSeconds)) warm-up + \(DurationText.format(spec.budget.durationSeconds)) measured; order interleaved by repeat")
        var samples: [TrialSample] = []
        var consecutiveFailures = 0
        for (index, entry) in schedule.enumerated() {
            if shouldStop() {
                log("stopped by request after \(samples.count) of \(schedule.count) trials; every finished trial is in \(studyDirectory)/trials.jsonl")
                break
            }
            let seed = spec.seed &+ UInt64(index) &* 7919
            let sample = trialRunner.run(setting: entry.setting, trialIndex: index, repeatIndex: entry.repeatIndex, seed: seed)
            try store.append(sample)
            samples.append(sample)
            log(Self.trialLine(sample, total: schedule.count))
            consecutiveFailures = sample.isMeasured ? 0 : consecutiveFailures + 1
            if consecutiveFailures >= 3 && samples.allSatisfy({ !$0.isMeasured }) {
                throw StudyError.tooManyFailures("the first \(consecutiveFailures) trials all failed; last: \(sample.outcome.failureReason ?? "")")
            }
            if consecutiveFailures >= 5 {
                throw StudyError.tooManyFailures("\(consecutiveFailures) trials in a row failed; last: \(sample.outcome.failureReason ?? "")")
            }
        }
        return samples
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

    public var description: String {
        switch self {
        case .buildFailed(let message): return "build failed: \(message)"
        case .tooManyFailures(let message): return "study stopped: \(message)"
        }
    }
}
