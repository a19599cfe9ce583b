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
        try PosixLauncher().launch(
            LaunchRequest(
                arguments: command, workingDirectory: directory,
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
            guard case .held(_, let owner) = error else {
                Issue.record("expected held, got \(error)")
                return
            }
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
        let holder = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [
                    "python3", "-c",
                    "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                    path,
                ],
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
}
