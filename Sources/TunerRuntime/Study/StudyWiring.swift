import Foundation
import TunerCore

/// The real wiring of a study and what it checks before the first trial.
extension StudyRunner {
    /// The real wiring: posix_spawn, the spec's load kind and pause source,
    /// `data/<study>/study.sqlite` under the study's lock.
    /// - Parameter fresh: start a new study even if one with an incomparable spec exists
    ///   (the old database is moved aside, not deleted).
    public static func standard(spec: StudySpec, fresh: Bool = false, log: @escaping (String) -> Void) throws -> StudyRunner {
        try standard(spec: spec, fresh: fresh, events: { if let line = $0.plainText { log(line) } })
    }

    /// The real wiring, reporting structured events (`tuner run` feeds them to its progress display).
    /// - Parameter launcher: starts every process of the study (the caller keeps it to stop
    ///   them all on an abort).
    /// - Parameter storage: where the study is stored (nil: `data/<study>/study.sqlite`); a
    ///   PostgreSQL store is shared with workers on other hosts, and this tuner heartbeats to it.
    /// - Parameter shareMachine: skip the machine's one-tuner-per-study lock (replays and tests:
    ///   real trials side by side disturb each other's measurements).
    public static func standard(
        spec: StudySpec, fresh: Bool = false, storage: StoreLocation? = nil, shareMachine: Bool = false,
        launcher base: Launcher = PosixLauncher(), events: @escaping (StudyEvent) -> Void
    ) throws -> StudyRunner {
        let directory = "\(spec.dataDirectory)/\(spec.study)"
        let logs = "\(directory)/logs"
        try prepareDirectory(spec: spec, directory: directory)
        var databasePath = "\(directory)/study.sqlite"
        if case .sqlite(let path) = storage { databasePath = path }
        // One tuner per study on this machine: taken before anything is built, moved aside or measured.
        let lock = shareMachine ? nil : try takeLock(spec: spec, directory: directory, databasePath: databasePath)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let machine = MachineFacts.current(goVersion: goVersion(launcher: base))
        let store: StudyStore
        var heartbeat: Heartbeat?
        if case .postgres(let location) = storage {
            if fresh {
                throw StudyError.incomparable(
                    "--fresh with --storage \(location.redacted): a shared study is not moved aside; give the study another name (study: in \(spec.path)) to start over"
                )
            }
            #if Postgres
                let shared = try PostgresStudyStore(location: location, study: spec.study, machine: machine)
                heartbeat = try Heartbeat(
                    store: shared, intervalSeconds: shared.heartbeatTimeoutSeconds / 3, warn: { events(.warning($0)) })
                store = shared
            #else
                throw StoreLocation.postgresNotBuiltIn
            #endif
        } else {
            if fresh { try moveAside(databasePath) }
            store = try SQLiteStudyStore(path: databasePath, machine: machine)
        }
        let fingerprint = StudyFingerprint.of(spec)
        let stored = try store.storedFingerprint()
        // A study that holds no trial (e.g. its build failed) has nothing to be incomparable with.
        if let stored, let difference = StudyFingerprint.difference(stored: stored, current: fingerprint), try !store.isEmpty() {
            #if Postgres
                if let shared = store as? PostgresStudyStore {
                    throw StudyError.incomparable(
                        "study '\(spec.study)' at \(shared.location.redacted) holds trials of a different spec: \(difference). Old and new trials would not be comparable; give the same spec to every worker, or another study name (study: in \(spec.path)) to start over"
                    )
                }
            #endif
            throw StudyError.incomparable(
                "\(databasePath) holds trials of a different study: \(difference). Old and new trials would not be comparable; run again with --fresh to start over (the old database is kept, renamed)"
            )
        }
        if stored != fingerprint { try store.saveFingerprint(fingerprint) }
        let launcher = RecordingLauncher(base: base, store: store)
        let trialRunner = trialRunner(spec: spec, launcher: launcher, logDirectory: logs)
        var runner = StudyRunner(spec: spec, store: store, trialRunner: trialRunner, events: events)
        runner.recordingLauncher = launcher
        runner.levelEvaluator = { level in
            var levelRunner = StudyRunner.trialRunner(spec: spec.at(level), launcher: launcher, logDirectory: logs)
            if let pprof = spec.verify.pprofURL {
                levelRunner.cpuProfiles = CPUProfiles(
                    pprofURL: pprof, metricsURL: spec.verify.metricsURL, directory: "\(directory)/profiles")
            }
            return levelRunner
        }
        if let pprof = spec.verify.pprofURL {
            var profiled = trialRunner
            profiled.cpuProfiles = CPUProfiles(pprofURL: pprof, metricsURL: spec.verify.metricsURL, directory: "\(directory)/profiles")
            runner.confirmationEvaluator = profiled
        }
        runner.launcher = launcher
        runner.lock = lock
        runner.heartbeat = heartbeat
        if heartbeat != nil { runner.host = machine.hostname }
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
            throw StudyError.badDataDirectory(
                "\(spec.path): output.data_dir: cannot create \(directory): \(reason); point output.data_dir at a folder you can write")
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
                    .first(where: { $0.owner.pid == owner.pid && $0.owner.host == owner.host })
            {
                trial =
                    ", measuring trial \(running.trialIndex + 1) (GOGC=\(running.gogc) GOMEMLIMIT=\(running.gomemlimit) rep \(running.repeatIndex + 1))"
            }
            let who = owner.map { "another tuner (\($0)\(trial))" } ?? "another tuner"
            let stopHint = owner.map { " or stop it (kill -INT \($0.pid): it finishes its trial and keeps every result)" } ?? ""
            throw StudyError.studyBusy(
                "study '\(spec.study)' in \(directory)/ is being run by \(who). Two runs on one study would kill each other's servers and share two cores; wait for it to finish\(stopHint), then run again, or give this run another study name"
            )
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
    static func goVersion(launcher: Launcher) -> String? {
        guard let run = try? launcher.runTool(["go", "env", "GOVERSION"], timeoutSeconds: 60), run.succeeded else { return nil }
        return run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The trial runner this spec describes, over `launcher`: its load kind and pause source
    /// come from the one factory of each.
    public static func trialRunner(spec: StudySpec, launcher: Launcher, logDirectory: String) -> TrialRunner {
        var runner = TrialRunner(
            target: spec.target, launcher: launcher,
            load: LoadDrivers.make(spec.load, launcher: launcher, workingDirectory: spec.target.workdir),
            pauses: PauseSources.make(spec.target.pauses, launcher: launcher), logDirectory: logDirectory,
            warmupSeconds: spec.budget.warmupSeconds, durationSeconds: spec.budget.durationSeconds)
        runner.maxErrorRate = spec.load.maxErrorRate
        runner.scratchRoot = "\(StudyExports.directory(of: spec))/scratch"
        return runner
    }
}
