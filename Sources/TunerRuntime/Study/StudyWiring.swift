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
    public static func standard(spec: StudySpec, fresh: Bool = false, events: @escaping (StudyEvent) -> Void) throws -> StudyRunner {
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
        let stored = try store.storedFingerprint()
        // A study that holds no trial (e.g. its build failed) has nothing to be incomparable with.
        if let stored, let difference = StudyFingerprint.difference(stored: stored, current: fingerprint), try !store.isEmpty() {
            throw StudyError.incomparable("\(databasePath) holds trials of a different study: \(difference). Old and new trials would not be comparable; run again with --fresh to start over (the old database is kept, renamed)")
        }
        if stored != fingerprint { try store.saveFingerprint(fingerprint) }
        let launcher = RecordingLauncher(base: PosixLauncher(), store: store)
        let trialRunner = trialRunner(spec: spec, launcher: launcher, logDirectory: logs)
        var runner = StudyRunner(spec: spec, store: store, trialRunner: trialRunner, events: events)
        runner.recordingLauncher = launcher
        runner.builder = launcher
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

    /// The trial runner this spec describes, over `launcher`: its load kind and pause source
    /// come from the one factory of each.
    public static func trialRunner(spec: StudySpec, launcher: Launcher, logDirectory: String) -> TrialRunner {
        var runner = TrialRunner(
            target: spec.target, launcher: launcher,
            load: LoadDrivers.make(spec.load, launcher: launcher, workingDirectory: spec.target.workdir),
            pauses: PauseSources.make(spec.target.pauses), logDirectory: logDirectory,
            warmupSeconds: spec.budget.warmupSeconds, durationSeconds: spec.budget.durationSeconds)
        runner.maxErrorRate = spec.load.maxErrorRate
        return runner
    }

    /// Runs the build command, if any; throws with its output when it fails.
    public func build() throws {
        guard let command = spec.target.build else { return }
        let logs = "\(studyDirectory)/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        log("building \(spec.target.name): \(command.joined(separator: " ")) (in \(spec.target.workdir))")
        guard let launcher = builder else { return }
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
            throw StudyError.buildFailed("target.build \(exit): \(lastLines(of: process.standardError(), count: 8))")
        }
    }

    /// Checks, after the build and before any trial, that the server and load programs exist
    /// and that the target's Go can take the study's settings. Returns warnings to show.
    /// - Throws: `StudyError.preflight` naming the key to fix.
    public func preflight() throws -> [String] {
        guard let launcher = builder else { return [] }
        func resolve(_ program: String, _ key: String, hint: String) throws -> String {
            do { return try launcher.resolveExecutable(program, workingDirectory: spec.target.workdir) } catch {
                throw StudyError.preflight("\(spec.path): \(key): \(error); \(hint)")
            }
        }
        let server = try resolve(spec.target.command[0], "target.command", hint: "fix target.command (relative paths start in target.workdir) or target.build")
        switch spec.load.kind {
        case .syncBench(let load): _ = try resolve(load.binary, "load.binary", hint: "fix load.binary or target.build")
        case .wrk(let load): _ = try resolve(load.binary, "load.binary", hint: "install it (apt-get install wrk) or give load.binary")
        case .hey(let load): _ = try resolve(load.binary, "load.binary", hint: "install it (apt-get install hey) or give load.binary")
        case .command(let load): _ = try resolve(load.command[0], "load.command", hint: "fix load.command or target.build")
        }
        var warnings: [String] = []
        guard let info = launcher.goBuildInfo(executable: server) else {
            warnings.append("target.command \(server) carries no Go build info (not a Go binary, or a wrapper script): its Go version is read from the running server instead, and GOMEMLIMIT support is not checked before the first trial")
            return warnings
        }
        log("target: \(server): \(info.summary)")
        if !info.supportsMemoryLimit && spec.space.includesMemoryLimit {
            throw StudyError.preflight("\(spec.path): parameters.gomemlimit: the target is built with \(info.goVersion), and GOMEMLIMIT exists only from Go 1.19; drop parameters.gomemlimit (GOGC only) or rebuild the target with a newer Go")
        }
        if !info.gcRelatedGODEBUG.isEmpty {
            warnings.append("the target sets GC-related GODEBUG defaults for itself (\(info.gcRelatedGODEBUG.joined(separator: ", ")), from //go:debug or go.mod): they change what GOGC and GOMEMLIMIT do, and tuner keeps them")
        }
        let inherited = ProcessInfo.processInfo.environment["GODEBUG"] ?? ""
        let gcInherited = inherited.split(separator: ",").filter { !$0.hasPrefix("gctrace=") && GoBuildInfo(goVersion: "", mainModule: nil, experiments: [], defaultGODEBUG: String($0)).gcRelatedGODEBUG.count > 0 }
        if !gcInherited.isEmpty {
            warnings.append("GODEBUG in tuner's environment carries GC settings (\(gcInherited.joined(separator: ","))) that every trial inherits")
        }
        return warnings
    }
}
