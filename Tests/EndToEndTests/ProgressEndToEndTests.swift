import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// `tuner run`'s progress as a user sees it: under a pseudo-terminal (util-linux `script`) a
/// live line redrawn in place; into a pipe plain lines only; with `--quiet` no trial lines.
@Suite(.serialized) struct ProgressEndToEndTests {
    let directory: String
    static let clearLine = "\r\u{1B}[K"

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-progress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// A tiny real study of the bundled server: GOGC 50 and 100, one repeat of 0.5 s + 2 s each.
    func tinyStudy(_ name: String) throws -> String {
        let path = "\(directory)/\(name).yml"
        try """
        study: \(name)
        seed: 4
        \(TunerBinary.bundledTarget)
        load: {binary: bin/sync-bench, mode: closed, clients: 8, docs: 2, doc_size: 16KiB}
        parameters:
          gogc: {values: [50, 100]}
        budget: {settings: 2, repeats: 1, warmup: 500ms, duration: 2s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The environment of a colour terminal, whatever the test runner's own.
    static var terminalEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = nil
        environment["COLUMNS"] = nil
        return environment
    }

    /// Starts `tuner ARGUMENTS` on a pseudo-terminal: `script -qfec` gives it a pty for
    /// stdin, stdout and stderr and copies what the terminal shows to a file. The shell writes
    /// its pid to `pidFile` and then becomes tuner, so signals can go to tuner itself.
    func startUnderPseudoTerminal(_ arguments: [String], name: String) throws -> (process: RunningProcess, output: String, pidFile: String)
    {
        let pidFile = "\(directory)/\(name).pid"
        let command = "echo $$ > '\(pidFile)'; exec '\(TunerBinary.path)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
        let output = "\(directory)/\(name).pty"
        let process = try PosixLauncher().launch(
            LaunchRequest(
                arguments: ["/usr/bin/script", "-qfec", command, "/dev/null"], workingDirectory: directory,
                environment: Self.terminalEnvironment, stdoutPath: output, stderrPath: "\(directory)/\(name).script-stderr"))
        return (process, output, pidFile)
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func duringLoadCPU(_ study: String) throws -> [Double] {
        try TrialsFile.read(path: "\(directory)/data/\(study)/trials.jsonl").compactMap(\.tunerCPUSecondsDuringLoad)
    }

    @Test func onATerminalTheLiveLineIsRedrawnInPlaceAndOffOneEachTrialIsOnePlainLine() throws {
        // Under a pseudo-terminal.
        let live = try startUnderPseudoTerminal(["run", try tinyStudy("progress-pty")], name: "pty")
        let exit = live.process.wait(timeoutSeconds: 300) ?? live.process.stop(graceSeconds: 1)
        let screen = read(live.output)
        #expect(exit == .exited(code: 0), "\(screen)")
        let redraws = screen.components(separatedBy: Self.clearLine + "trial ").count - 1
        #expect(redraws >= 2, "the live line is redrawn with \\r and erase-to-end-of-line: \(screen.debugDescription)")
        #expect(screen.contains("trial 1/2 · search · GOGC="))
        #expect(screen.contains("ETA ?"), "before a trial finished the ETA is unknown")
        #expect(
            screen.range(
                of:
                    #"trial 2/2 · search · GOGC=\S+ GOMEMLIMIT=off rep 1 · \d+s of ~\d+s · elapsed \d+s · ETA \d+s · last: \d+ ops/s, pause p99 [0-9.]+ ms, RSS"#,
                options: .regularExpression) != nil, "\(screen.debugDescription)")
        // Finished trials and the summary are permanent lines; the summary's decision in colour.
        #expect(screen.contains(Self.clearLine + "[1/2] GOGC="))
        #expect(screen.contains("Frontier of study 'progress-pty'"))
        #expect(screen.contains("\u{1B}[1mRecommended: "))
        #expect(screen.contains("pause p99 (ms), lower is better"), "the terminal plot follows the table")
        // Nothing of the live line is left after the summary starts.
        let summary = try #require(screen.range(of: "Frontier of study"))
        #expect(!screen[summary.lowerBound...].contains("ETA"))

        // Into a pipe (a file): one plain line per trial plus the messages, no \r, no escape code.
        let piped = try TunerBinary.run(["run", try tinyStudy("progress-pipe")], timeoutSeconds: 300)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("\r") && !piped.stdout.contains("\u{1B}"), "\(piped.stdout.debugDescription)")
        let lines = piped.stdout.components(separatedBy: "\n")
        #expect(lines.filter { $0.hasPrefix("[1/2] GOGC=") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("[2/2] GOGC=") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("[") && $0.contains("] GOGC=") }.count == 2)
        #expect(!piped.stdout.contains("ETA"))
        #expect(lines.contains { $0.hasPrefix("plan: grid") })
        #expect(piped.stdout.contains("Frontier of study 'progress-pipe'"))

        // The live line costs the tuner no CPU while the load runs (a busy loop would add seconds).
        let ptyCPU = try duringLoadCPU("progress-pty")
        let pipeCPU = try duringLoadCPU("progress-pipe")
        let ptyMedian = try #require(Statistics.median(ptyCPU))
        let pipeMedian = try #require(Statistics.median(pipeCPU))
        print(
            "tuner CPU s during load per trial: pty \(ptyCPU.map { formatFixed($0, decimals: 4) }), pipe \(pipeCPU.map { formatFixed($0, decimals: 4) })"
        )
        #expect(ptyMedian <= pipeMedian + 0.02, "pty \(ptyCPU) vs pipe \(pipeCPU)")
    }

    @Test func quietPrintsNoTrialLinesOnlyTheSummary() throws {
        let quiet = try TunerBinary.run(["run", "--quiet", try tinyStudy("progress-quiet")], timeoutSeconds: 300)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(!quiet.stdout.contains("] GOGC="), "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("plan: ") && !quiet.stdout.contains("building "))
        #expect(quiet.stdout.contains("Frontier of study 'progress-quiet'"))
        #expect(quiet.stdout.contains("Recommended: ") || quiet.stdout.contains("No recommendation: "))
        #expect(try TrialsFile.read(path: "\(directory)/data/progress-quiet/trials.jsonl").count == 2)
    }

    /// Ctrl-C twice during a trial: tuner aborts, and the terminal is left with the live line
    /// erased and the note on a line of its own.
    @Test func abortingOnATerminalLeavesTheLiveLineErased() throws {
        let spec = try SignalTests().hangingStudy("\(directory)/hang")
        let live = try startUnderPseudoTerminal(["run", spec], name: "abort")
        let drawn = TunerBinary.waitFor(60) { read(live.output).contains("trial 1/2 · search") }
        #expect(drawn, "no live line: \(read(live.output).debugDescription)")
        let pid = try #require(Int32(read(live.pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGINT)
        #expect(TunerBinary.waitFor(10) { read(live.output).contains("stopping after the running trial") })
        kill(pid, SIGINT)
        let exit = live.process.wait(timeoutSeconds: 20) ?? live.process.stop(graceSeconds: 1)
        let screen = read(live.output)
        #expect(exit == .exited(code: 130), "\(screen.debugDescription)")
        let last = try #require(screen.range(of: Self.clearLine, options: .backwards), "\(screen.debugDescription)")
        let tail = screen[last.upperBound...]
        #expect(
            tail.hasPrefix("aborted: child processes killed"),
            "after the live line is erased only the note follows: \(tail.debugDescription)")
        #expect(!tail.contains("trial 1/2"))
        #expect(tail.unicodeScalars.last == "\n", "the note ends its line")
    }
}
