import Foundation
import TunerCore

/// Starts a load tool through the launcher, bounds its run, and hands back what it printed.
public struct ToolRunner: Sendable {
    public let launcher: Launcher
    public let workingDirectory: String
    public let cpus: String?
    /// Extra seconds past the run's duration before the tool is declared hung.
    public var slackSeconds: Double = 30

    public init(launcher: Launcher, workingDirectory: String, cpus: String?) {
        self.launcher = launcher
        self.workingDirectory = workingDirectory
        self.cpus = cpus
    }

    /// What one run of a tool left behind.
    public struct Finished: Sendable {
        public var exit: ProcessExit
        public var stdout: String
        public var stderr: String
        /// Unix ns just before the spawn and just after the exit.
        public var startedUnixNanos: Int64
        public var endedUnixNanos: Int64
    }

    /// Runs `arguments` for about `durationSeconds`, killing it past the slack.
    /// - Parameter what: the tool's name in messages (`wrk`, `load.command`, …).
    public func run(_ arguments: [String], durationSeconds: Double, logPrefix: String, what: String) throws -> Finished {
        let request = LaunchRequest(
            arguments: arguments, workingDirectory: workingDirectory,
            environment: ProcessInfo.processInfo.environment,
            stdoutPath: "\(logPrefix).load.stdout", stderrPath: "\(logPrefix).load.stderr",
            role: "load", cpus: cpus, exclusiveOutput: true)
        let started = unixNanos()
        let process: RunningProcess
        do { process = try launcher.launch(request) } catch {
            throw TrialFailure("\(what) could not start: \(error)")
        }
        let deadline = durationSeconds + slackSeconds
        guard let exit = process.wait(timeoutSeconds: deadline) else {
            process.stop(graceSeconds: 1)
            throw TrialFailure(
                "\(what) did not finish within \(DurationText.format(deadline)) (server hung?); see \(logPrefix).load.stderr")
        }
        return Finished(
            exit: exit, stdout: process.standardOutput(), stderr: process.standardError(),
            startedUnixNanos: started, endedUnixNanos: unixNanos())
    }
}
