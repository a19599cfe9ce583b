import Foundation
import Testing
@testable import TunerCore
@testable import TunerRuntime

/// One writer per study, and leftovers reaped only when their owner is gone.
@Suite(.serialized) struct StudyOwnershipTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-owner-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Starts `command` in its own process group and returns it.
    func spawn(_ command: [String]) throws -> RunningProcess {
        try PosixLauncher().launch(LaunchRequest(arguments: command, workingDirectory: directory,
                                                 environment: ProcessInfo.processInfo.environment,
                                                 stdoutPath: "\(directory)/\(UUID().uuidString).out",
                                                 stderrPath: "/dev/null"))
    }

    @Test func aSecondLockOnTheSameStudyIsRefusedAndNamesTheHolder() throws {
        let path = "\(directory)/study.lock"
        let first = try StudyLock(path: path)
        #expect(throws: StudyLock.Failure.self) { try StudyLock(path: path) }
        do {
            _ = try StudyLock(path: path)
        } catch {
            guard case .held(_, let owner) = error else { Issue.record("expected held, got \(error)"); return }
            #expect(owner?.pid == getpid())
            #expect(owner?.isSameProcess(as: .current) == true)
        }
        first.release()
        let again = try StudyLock(path: path)
        again.release()
    }

    @Test func aLockHeldByAKilledProcessIsFreeAtOnce() throws {
        let path = "\(directory)/study.lock"
        let marker = "\(directory)/holder.out"
        let holder = try PosixLauncher().launch(LaunchRequest(
            arguments: ["python3", "-c", "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", path],
            workingDirectory: directory, environment: ProcessInfo.processInfo.environment,
            stdoutPath: marker, stderrPath: "/dev/null"))
        defer { holder.stop(graceSeconds: 0) }
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline, !((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").contains("locked") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(throws: StudyLock.Failure.self) { try StudyLock(path: path) }
        kill(holder.pid, SIGKILL)
        _ = holder.wait(timeoutSeconds: 5)
        let lock = try StudyLock(path: path)
        #expect(StudyLock.readOwner(path: path)?.pid == getpid(), "the new holder names itself in the file")
        lock.release()
    }

    @Test func reapingKillsOnlyTheGroupsOfADeadOwner() throws {
        let databasePath = "\(directory)/study.sqlite"
        // A dead owner: a process that has exited (its pid is free or reused with another start time).
        let exited = try spawn(["true"])
        _ = exited.wait(timeoutSeconds: 5)
        let host = ProcessInfo.processInfo.hostName
        let dead = StudyOwner(host: host, pid: exited.pid, startTicks: 1, sinceUnixSeconds: 0)
        let live = StudyOwner.current
        // The run that reaps: another process identity on this host (same pid, other start time).
        let reaper = StudyOwner(host: host, pid: live.pid, startTicks: live.startTicks + 1, sinceUnixSeconds: 0)

        let deadSleeper = try spawn(["sleep", "60"])
        let liveSleeper = try spawn(["sleep", "60"])
        defer { deadSleeper.stop(graceSeconds: 0); liveSleeper.stop(graceSeconds: 0) }
        let deadRun = try SQLiteStudyStore(path: databasePath, owner: dead)
        try deadRun.begin(trialIndex: 0, setting: GCSetting(gogc: 50, memoryLimitBytes: nil), repeatIndex: 0)
        try deadRun.recordProcess(group: deadSleeper.pid, role: "server", setting: GCSetting(gogc: 50, memoryLimitBytes: nil), repeatIndex: 0)
        let liveRun = try SQLiteStudyStore(path: databasePath, owner: live)
        try liveRun.begin(trialIndex: 1, setting: GCSetting(gogc: 200, memoryLimitBytes: nil), repeatIndex: 0)
        try liveRun.recordProcess(group: liveSleeper.pid, role: "server", setting: GCSetting(gogc: 200, memoryLimitBytes: nil), repeatIndex: 0)

        let store = try SQLiteStudyStore(path: databasePath, owner: reaper)
        #expect(try store.interruptedTrials().map(\.trialIndex) == [0], "a live owner's running trial is not interrupted")
        let killed = try store.reapLeftovers()
        #expect(killed == [deadSleeper.pid])
        #expect(deadSleeper.wait(timeoutSeconds: 5) == .signalled(signal: SIGKILL))
        #expect(liveSleeper.poll() == nil, "the live owner's server was left alone")
        #expect(try store.recordedProcessGroups().map(\.group) == [liveSleeper.pid], "only the dead owner's record is forgotten")
    }
}
