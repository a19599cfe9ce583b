import Foundation
import TunerCore

/// What a short-lived tool printed and how it ended.
public struct ToolRun: Sendable {
    public var exit: ProcessExit
    public var standardOutput: String
    public var standardError: String

    public var succeeded: Bool { exit.succeeded }
}

extension Launcher {
    /// Runs a short-lived tool (`go env`, `go version -m`, `go tool trace`, `gzip -dc`, python) to
    /// completion through ``launch(_:)``, so it is started like every other process of tuner's:
    /// in its own group, killed with the tuner, and faked in tests by the fake launcher's scripts
    /// (role `tool`). Its output goes through two temporary files that are removed afterwards.
    /// - Throws: `LaunchError` when it cannot start or does not end within `timeoutSeconds`
    ///   (it is then killed).
    public func runTool(
        _ arguments: [String], workingDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeoutSeconds: Double = 600
    ) throws -> ToolRun {
        let base = NSTemporaryDirectory() + "tuner-tool-\(UUID().uuidString)"
        let (stdoutPath, stderrPath) = (base + ".stdout", base + ".stderr")
        defer {
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        let process = try launch(
            LaunchRequest(
                arguments: arguments, workingDirectory: workingDirectory, environment: environment,
                stdoutPath: stdoutPath, stderrPath: stderrPath, role: "tool"))
        guard let exit = process.wait(timeoutSeconds: timeoutSeconds) else {
            process.stop(graceSeconds: 1)
            throw LaunchError(
                description: "\(arguments.joined(separator: " ")) did not finish within \(DurationText.format(timeoutSeconds))")
        }
        return ToolRun(exit: exit, standardOutput: process.standardOutput(), standardError: process.standardError())
    }
}
