import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Kill -9 in the middle of a trial, then resume.
@Suite(.serialized) struct ResumeTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-resume-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func waitFor(_ timeoutSeconds: Double, _ condition: () -> Bool) -> Bool { TunerBinary.waitFor(timeoutSeconds, condition) }

    @Test func sigkillMidTrialLeavesNoProcessesAndResumeLosesNothing() throws {
        let specPath = try TunerBinary.bundledStudy(name: "resume", seed: 5, directory: directory)
        let studyDirectory = "\(directory)/data/resume"

        // First run: kill -9 while the second trial is under load.
        let stdoutPath = "\(directory)/first.stdout"
        let tuner = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [TunerBinary.path, "run", specPath], workingDirectory: directory,
                environment: ProcessInfo.processInfo.environment, stdoutPath: stdoutPath, stderrPath: "\(directory)/first.stderr"))
        let firstTrialDone = waitFor(120) {
            ((try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "").contains("[1/3]")
        }
        #expect(
            firstTrialDone,
            "first trial did not finish: \((try? String(contentsOfFile: "\(directory)/first.stderr", encoding: .utf8)) ?? "")")
        // Wait until trial 2 is under load (its server and load both recorded), rather than guess a delay.
        var groups: [(group: Int32, role: String)] = []
        let underLoad = waitFor(60) {
            groups = (try? SQLiteStudyStore.recordedProcessGroups(path: "\(studyDirectory)/study.sqlite")) ?? []
            return Set(groups.map(\.role)) == ["server", "load"]
        }
        #expect(underLoad, "trial 2 never got under load")
        let store = try SQLiteStudyStore(path: "\(studyDirectory)/study.sqlite")
        #expect(Set(groups.map(\.role)) == ["server", "load"], "trial 2 should be under load: \(groups)")
        let before = try store.samples()
        #expect(before.count == 1)

        let killedAt = monotonicSeconds()
        kill(tuner.pid, SIGKILL)
        _ = tuner.wait(timeoutSeconds: 5)
        let survivors = ProcessTable.waitUntilGone(groups: groups.map(\.group), timeoutSeconds: 2)
        let goneAfter = monotonicSeconds() - killedAt
        #expect(survivors.isEmpty, "process groups still alive 2 s after SIGKILL: \(survivors)")
        #expect(try store.interruptedTrials().count == 1)

        // Second run resumes: only the missing trials run.
        let resumeStarted = monotonicSeconds()
        let result = try TunerBinary.run(["run", specPath], timeoutSeconds: 180)
        let resumeSeconds = monotonicSeconds() - resumeStarted
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("was interrupted; it runs again"))
        #expect(result.stdout.contains("resuming study 'resume': 1 trial(s) already recorded"))
        #expect(result.stdout.contains("2 to run"))

        let after = try store.samples()
        #expect(after.count == 3)
        let keys = after.map { "\($0.setting) \($0.repeatIndex)" }
        #expect(Set(keys).count == 3, "every planned trial exactly once: \(keys)")
        #expect(after.allSatisfy { $0.isMeasured })
        #expect(after.contains(before[0]), "the trial finished before the kill is kept unchanged")
        #expect(try store.interruptedTrials().isEmpty)
        #expect(try TrialsFile.read(path: "\(studyDirectory)/trials.jsonl").count == 3)
        print(
            "resume timings: processes gone \(formatFixed(goneAfter, decimals: 3)) s after SIGKILL; resumed run took \(formatFixed(resumeSeconds, decimals: 1)) s for 2 trials"
        )
    }

    @Test func changedTargetIsRefusedUntilFresh() throws {
        let script = "\(directory)/server.sh"
        try "#!/bin/sh\nexit 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        func spec(_ command: String) throws -> String {
            let path = "\(directory)/changing.yml"
            try """
            study: changing
            target: {workdir: \(directory), command: [\(command)], ready: {log: "ready", timeout: 1s}}
            load: {binary: ./server.sh}
            parameters: {gogc: {values: [100]}}
            budget: {settings: 2, repeats: 1, warmup: 0s, duration: 1s, noise_check: off}
            output: {data_dir: \(directory)/data}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        _ = try TunerBinary.run(["run", try spec("./server.sh")], timeoutSeconds: 60)
        let refused = try TunerBinary.run(["run", try spec("./server.sh, --other")], timeoutSeconds: 60)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("target.command changed from './server.sh' to './server.sh --other'"))
        #expect(refused.stderr.contains("--fresh"))
        let fresh = try TunerBinary.run(["run", try spec("./server.sh, --other"), "--fresh"], timeoutSeconds: 60)
        #expect(!fresh.stderr.contains("changed from"))
        let kept = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/data/changing")
        #expect(kept.contains { $0.hasPrefix("study-") && $0.hasSuffix(".sqlite") }, "old database kept: \(kept)")
    }
}

@Suite(.serialized) struct SignalTests {
    /// A study whose trial hangs in its load for a long time, so signals arrive mid-trial.
    func hangingStudy(_ directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "#!/bin/sh\nexec python3 -m http.server \"$1\" --bind 127.0.0.1\n".write(
            toFile: "\(directory)/server.sh", atomically: true, encoding: .utf8)
        try "#!/bin/sh\nexec sleep 60\n".write(toFile: "\(directory)/load.sh", atomically: true, encoding: .utf8)
        chmod("\(directory)/server.sh", 0o755)
        chmod("\(directory)/load.sh", 0o755)
        let spec = "\(directory)/hang.yml"
        try """
        study: hang
        target: {workdir: \(directory), command: [./server.sh, "{port}"], ready: {timeout: 30s}}
        load: {binary: ./load.sh}
        parameters: {gogc: {values: [50, 100]}}
        budget: {settings: 2, repeats: 1, warmup: 0s, duration: 20s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        return spec
    }

    func start(_ spec: String, _ directory: String) throws -> RunningProcess {
        try PosixLauncher().launch(
            LaunchRequest(
                arguments: [TunerBinary.path, "run", spec], workingDirectory: directory,
                environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/out", stderrPath: "\(directory)/err"))
    }

    /// Waits until the trial's server and load are both recorded, and returns their groups.
    func groupsUnderLoad(_ directory: String) throws -> [Int32] {
        let deadline = monotonicSeconds() + 60
        while monotonicSeconds() < deadline {
            if FileManager.default.fileExists(atPath: "\(directory)/data/hang/study.sqlite"),
                let groups = try? SQLiteStudyStore.recordedProcessGroups(path: "\(directory)/data/hang/study.sqlite"),
                Set(groups.map(\.role)) == ["server", "load"]
            {
                return groups.map(\.group)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let out = (try? String(contentsOfFile: "\(directory)/out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? ""
        Issue.record("the trial never got under load; stdout: \(out) stderr: \(err)")
        return []
    }

    @Test func sigtermEndsTheStudyAndEveryChildAtOnce() throws {
        let directory = NSTemporaryDirectory() + "tuner-sigterm-\(UUID().uuidString)"
        let spec = try hangingStudy(directory)
        let tuner = try start(spec, directory)
        let groups = try groupsUnderLoad(directory)
        kill(tuner.pid, SIGTERM)
        let exit = tuner.wait(timeoutSeconds: 5)
        #expect(exit == .exited(code: 143))
        #expect(ProcessTable.waitUntilGone(groups: groups, timeoutSeconds: 2).isEmpty)
        let stderr = (try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? ""
        #expect(stderr.contains("aborted: child processes killed"))
    }

    @Test func secondCtrlCAbortsAtOnce() throws {
        let directory = NSTemporaryDirectory() + "tuner-sigint-\(UUID().uuidString)"
        let spec = try hangingStudy(directory)
        let tuner = try start(spec, directory)
        let groups = try groupsUnderLoad(directory)
        kill(tuner.pid, SIGINT)
        // The first Ctrl-C is acknowledged, and the running trial goes on.
        let acknowledged = TunerBinary.waitFor(10) {
            ((try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? "").contains("stopping after the running trial")
        }
        #expect(acknowledged)
        #expect(tuner.poll() == nil, "the first Ctrl-C lets the running trial finish")
        #expect(groups.allSatisfy { !ProcessTable.liveMembers(ofGroup: $0).isEmpty }, "its server and load still run")
        kill(tuner.pid, SIGINT)
        #expect(tuner.wait(timeoutSeconds: 5) == .exited(code: 130))
        #expect(ProcessTable.waitUntilGone(groups: groups, timeoutSeconds: 2).isEmpty)
        let stderr = (try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? ""
        #expect(stderr.contains("stopping after the running trial"))
    }
}
