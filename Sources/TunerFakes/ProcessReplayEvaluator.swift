import Foundation
import TunerCore
import TunerRuntime

/// A replayed trial that still occupies a process for its duration: `sleep` started through the
/// launcher as the trial's server (so the store records its process group, and the group dies
/// with its tuner), then the replay's recorded measurement. Lets many lightweight workers stand in
/// for real ones (`tuner-lab worker`).
public struct ProcessReplayEvaluator: TrialEvaluator {
    public let replay: ReplayEvaluator
    public let launcher: Launcher
    /// How long each trial's process runs, seconds.
    public let trialSeconds: Double

    public init(replay: ReplayEvaluator, launcher: Launcher, trialSeconds: Double) {
        self.replay = replay
        self.launcher = launcher
        self.trialSeconds = trialSeconds
    }

    public func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        let started = Date().timeIntervalSince1970
        if trialSeconds > 0 {
            do {
                let process = try launcher.launch(
                    LaunchRequest(
                        arguments: ["sleep", String(trialSeconds)], workingDirectory: "/", environment: [:],
                        stdoutPath: "/dev/null", stderrPath: "/dev/null", role: "server"))
                _ = process.wait(timeoutSeconds: trialSeconds + 30)
            } catch {
                return TrialSample(
                    trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex,
                    outcome: .failed(reason: "cannot start the replay's process: \(error)"), startedAtUnixSeconds: started,
                    wallSeconds: 0, readySeconds: nil, tunerCPUSeconds: 0, load: nil, gc: nil, memory: nil)
            }
        }
        var sample = replay.run(setting: setting, trialIndex: trialIndex, repeatIndex: repeatIndex, seed: seed)
        sample.startedAtUnixSeconds = started
        return sample
    }

    public func startOnceForBuildInfo() throws -> (path: String, info: GoBuildInfo)? { nil }
}
