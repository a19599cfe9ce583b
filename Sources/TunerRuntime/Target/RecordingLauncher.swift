import Foundation
import TunerCore

/// A launcher that tells the study store about every process group a trial starts, so a
/// later run can reap them if this tuner dies.
public final class RecordingLauncher: Launcher, @unchecked Sendable {
    public func freePort() throws -> Int { try base.freePort() }
    public func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool { base.probe(check, of: process) }
    public func goBuildInfo(executable: String) -> GoBuildInfo? { base.goBuildInfo(executable: executable) }
    public func resolveExecutable(_ program: String, workingDirectory: String) throws -> String {
        try base.resolveExecutable(program, workingDirectory: workingDirectory)
    }
    public func startTicks(of pid: Int32) -> Int { base.startTicks(of: pid) }
    public func reap(_ leftover: ProcessRecord) -> Bool { base.reap(leftover) }
    public func stopAll() { base.stopAll() }

    private let base: Launcher
    private let store: StudyStore
    private let lock = NSLock()
    private var current: (setting: GCSetting, repeatIndex: Int)?

    public init(base: Launcher, store: StudyStore) {
        self.base = base
        self.store = store
    }

    /// The trial whose processes are being started now (nil between trials).
    public func setCurrentTrial(_ trial: (setting: GCSetting, repeatIndex: Int)?) {
        lock.lock()
        current = trial
        lock.unlock()
    }

    public func launch(_ request: LaunchRequest) throws -> RunningProcess {
        let process = try base.launch(request)
        lock.lock()
        let trial = current
        lock.unlock()
        if let trial {
            try? store.recordProcess(
                group: process.pid, startTicks: base.startTicks(of: process.pid), role: request.role,
                setting: trial.setting, repeatIndex: trial.repeatIndex)
        }
        return process
    }
}
