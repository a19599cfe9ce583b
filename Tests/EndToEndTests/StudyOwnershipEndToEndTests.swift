import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Two `tuner run`s on one study, a killed owner, a study that holds nothing, a data_dir that is a file.
@Suite(.serialized) struct StudyOwnershipEndToEndTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-ownership-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// A real study of the bundled server: 3 settings × 1 repeat of 0.5 s + 3 s.
    func realStudy(name: String) throws -> String {
        try TunerBinary.bundledStudy(name: name, seed: 11, directory: directory)
    }

    func waitFor(_ timeoutSeconds: Double, _ condition: () -> Bool) -> Bool { TunerBinary.waitFor(timeoutSeconds, condition) }

    /// Starts `tuner run SPEC` in the background; waits until a trial is under load.
    func startUnderLoad(_ spec: String, study: String) throws -> (RunningProcess, [Int32]) {
        let tuner = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [TunerBinary.path, "run", spec], workingDirectory: directory,
                environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/first.stdout", stderrPath: "\(directory)/first.stderr"))
        let database = "\(directory)/data/\(study)/study.sqlite"
        var groups: [(group: Int32, role: String)] = []
        let underLoad = waitFor(120) {
            guard FileManager.default.fileExists(atPath: database),
                let recorded = try? SQLiteStudyStore.recordedProcessGroups(path: database)
            else { return false }
            groups = recorded
            return Set(recorded.map(\.role)) == ["server", "load"]
        }
        #expect(
            underLoad,
            "the first run never got under load: \((try? String(contentsOfFile: "\(directory)/first.stderr", encoding: .utf8)) ?? "")")
        return (tuner, groups.map(\.group))
    }

    @Test func aSecondRunOnABusyStudyIsRefusedAtOnceAndTheFirstFinishesIntact() throws {
        let spec = try realStudy(name: "busy")
        let (first, groups) = try startUnderLoad(spec, study: "busy")
        defer { first.stop(graceSeconds: 1) }

        let second = try TunerBinary.run(["run", spec], timeoutSeconds: 60)
        #expect(second.status != 0)
        #expect(second.stderr.contains("study 'busy'"))
        #expect(second.stderr.contains("is being run by another tuner (pid \(first.pid) on "))
        #expect(second.stderr.contains("measuring trial "))
        #expect(second.stderr.contains("kill -INT \(first.pid)"))
        #expect(!second.stdout.contains("[1/3]"), "the second run measured nothing: \(second.stdout)")
        #expect(first.poll() == nil, "the second run returned while the first still runs")
        #expect(
            groups.allSatisfy { !ProcessTable.liveMembers(ofGroup: $0).isEmpty || first.poll() != nil },
            "no process of the first run was killed by the second")

        let exit = first.wait(timeoutSeconds: 120)
        #expect(exit == .exited(code: 0), "\((try? String(contentsOfFile: "\(directory)/first.stderr", encoding: .utf8)) ?? "")")
        let stdout = (try? String(contentsOfFile: "\(directory)/first.stdout", encoding: .utf8)) ?? ""
        #expect(!stdout.contains("FAILED"), "\(stdout)")
        let samples = try SQLiteStudyStore(path: "\(directory)/data/busy/study.sqlite").samples()
        #expect(samples.count == 3)
        for sample in samples {
            #expect(sample.isMeasured, "\(sample.outcome)")
            #expect((sample.gc?.cycles.count ?? 0) > 0, "every trial parsed its own trace: \(sample.setting)")
        }
        // Every log file belongs to the first run: one run id in every trial file name.
        let logs = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/data/busy/logs").filter { $0.hasPrefix("trial-") }
        let runIDs = Set(logs.map { $0.split(separator: "-")[2] })
        #expect(runIDs.count == 1, "\(logs)")
    }

    @Test func aKilledOwnerLeavesNoLockAndTheNextRunResumes() throws {
        let spec = try realStudy(name: "killed")
        let (first, groups) = try startUnderLoad(spec, study: "killed")
        kill(first.pid, SIGKILL)
        _ = first.wait(timeoutSeconds: 5)
        #expect(ProcessTable.waitUntilGone(groups: groups, timeoutSeconds: 2).isEmpty)
        #expect(
            StudyLock.readOwner(path: "\(directory)/data/killed/study.lock")?.pid == first.pid,
            "the lock file still names the dead owner; only the kernel's lock is gone")

        let second = try TunerBinary.run(["run", spec], timeoutSeconds: 180)
        #expect(second.status == 0, "\(second.stderr)\n\(second.stdout)")
        #expect(!second.stderr.contains("is being run by"))
        #expect(second.stdout.contains("was interrupted; it runs again"))
        let samples = try SQLiteStudyStore(path: "\(directory)/data/killed/study.sqlite").samples()
        #expect(samples.count == 3)
        #expect(samples.allSatisfy { $0.isMeasured })
        #expect(try SQLiteStudyStore.recordedProcessGroups(path: "\(directory)/data/killed/study.sqlite").isEmpty)
    }

    @Test func aStudyThatHoldsNoTrialTakesAChangedSpecWithoutFresh() throws {
        func spec(build: String) throws -> String {
            let path = "\(directory)/empty.yml"
            try """
            study: empty
            target: {workdir: \(directory), build: [\(build)], command: [./none.sh, "{port}"], ready: {timeout: 1s}}
            load: {binary: ./none.sh}
            parameters: {gogc: {values: [100]}}
            budget: {settings: 2, repeats: 1, warmup: 0s, duration: 1s, noise_check: off}
            output: {data_dir: \(directory)/data}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let broken = try TunerBinary.run(["run", try spec(build: "\"false\"")], timeoutSeconds: 60)
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("build failed"))
        let fixed = try TunerBinary.run(["run", try spec(build: "\"true\"")], timeoutSeconds: 60)
        #expect(!fixed.stderr.contains("changed from"), "\(fixed.stderr)")
        #expect(!fixed.stderr.contains("--fresh"), "\(fixed.stderr)")
        // Past the spec check, the run stops where this spec is broken: its server does not exist.
        #expect(fixed.status == 1, "\(fixed.stderr)")
        #expect(fixed.stderr.contains("target.command") && fixed.stderr.contains("none.sh"), "\(fixed.stderr)")
    }

    @Test func aDataDirThatIsAFileIsANormalErrorNamingTheKey() throws {
        let file = "\(directory)/not-a-folder"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let path = "\(directory)/file-data.yml"
        try """
        study: filedata
        target: {workdir: \(directory), command: [./none.sh, "{port}"]}
        load: {binary: ./none.sh}
        parameters: {gogc: {values: [100]}}
        budget: {settings: 2, repeats: 1, warmup: 0s, duration: 1s, noise_check: off}
        output: {data_dir: \(file)}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try TunerBinary.run(["run", path], timeoutSeconds: 60)
        #expect(result.status != 0)
        #expect(result.stderr.contains("output.data_dir: \(file) is a file, not a folder"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect((try? String(contentsOfFile: file, encoding: .utf8)) == "x", "nothing lost")
    }
}
