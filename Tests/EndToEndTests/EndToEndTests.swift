import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Runs the built `tuner` binary as a user would.
struct TunerBinary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var path: String {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tuner").path,
            repositoryRoot.appendingPathComponent(".build/debug/tuner").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The bundled collab server as a spec's `target:` line (one flow mapping, so it can be
    /// interpolated into any spec at any indentation): built from experiments/workload, ready on /healthz.
    static var bundledTarget: String {
        let workload = repositoryRoot.appendingPathComponent("experiments/workload").path
        return "target: {workdir: \(workload), build: [go, build, -o, bin/, ./cmd/...], "
            + "command: [bin/collab-server, -addr, \"127.0.0.1:{port}\"], ready: {http: \"http://127.0.0.1:{port}/healthz\", timeout: 15s}}"
    }

    /// A real study of the bundled server: GOGC 50, 100 and 200, one repeat each of 0.5 s + 3 s,
    /// written to DIRECTORY/NAME.yml with its data in DIRECTORY/data.
    static func bundledStudy(name: String, seed: Int, directory: String) throws -> String {
        let path = "\(directory)/\(name).yml"
        try """
        study: \(name)
        seed: \(seed)
        \(TunerBinary.bundledTarget)
        load: {binary: bin/sync-bench, mode: closed, clients: 8, docs: 2, doc_size: 16KiB}
        parameters:
          gogc: {values: [50, 100, 200]}
        budget: {settings: 3, repeats: 1, warmup: 500ms, duration: 3s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Polls `condition` every 50 ms for up to `timeoutSeconds`; its last answer.
    static func waitFor(_ timeoutSeconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + timeoutSeconds
        while monotonicSeconds() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    /// Runs tuner with `arguments`, killing it after `timeoutSeconds`.
    static func run(_ arguments: [String], timeoutSeconds: Double = 300) throws -> Result {
        let directory = NSTemporaryDirectory() + "tuner-e2e-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [path] + arguments, workingDirectory: repositoryRoot.path,
                environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/stdout", stderrPath: "\(directory)/stderr"))
        let exit = process.wait(timeoutSeconds: timeoutSeconds) ?? process.stop(graceSeconds: 1)
        let status: Int32
        switch exit {
        case .exited(let code): status = code
        case .signalled(let signal): status = 128 + signal
        }
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: "\(directory)/stdout", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: "\(directory)/stderr", encoding: .utf8)) ?? "")
    }
}

@Suite(.serialized) struct EndToEndTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tuner-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func writeSpec(_ text: String, name: String = "spec.yml") throws -> String {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A tiny study against the real bundled collab server: 2 settings × 1 repeat, 2 s trials.
    @Test func tinyStudyAgainstTheRealCollabServerWritesSamplesAndAnEnvFile() throws {
        let spec = try writeSpec(
            """
            study: e2e-tiny
            seed: 3
            \(TunerBinary.bundledTarget)
            load: {binary: bin/sync-bench, mode: closed, clients: 16, docs: 2, doc_size: 32KiB}
            parameters:
              gogc: {values: [25, 100]}
            budget: {settings: 2, repeats: 1, warmup: 500ms, duration: 2s, noise_check: off}
            output: {data_dir: \(directory)/data}
            """)
        let result = try TunerBinary.run(["run", spec])
        #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
        #expect(result.stdout.contains("[1/2] GOGC="))
        #expect(result.stdout.contains("Frontier of study 'e2e-tiny'"))
        #expect(result.stdout.contains("Tuner's own CPU per trial"))

        let samples = try TrialsFile.read(path: "\(directory)/data/e2e-tiny/trials.jsonl")
        #expect(samples.count == 2)
        #expect(Set(samples.map(\.setting)) == [GCSetting(gogc: 25, memoryLimitBytes: nil), .goDefault])
        for sample in samples {
            #expect(sample.isMeasured, "\(sample.outcome)")
            let load = try #require(sample.load)
            #expect(load.converged == true)
            #expect(load.operations > 0)
            #expect(load.throughputOpsPerSecond > 0)
            #expect(abs(load.windowSeconds - 2) < 0.5)
            let gc = try #require(sample.gc)
            #expect(!gc.cycles.isEmpty, "a GC-sensitive workload collects during 2 s of load")
            #expect(gc.pausesMillis.count == 2 * gc.cycles.count)
            #expect(gc.pausesMillis.allSatisfy { $0 >= 0 && $0 < 1000 })
            let memory = try #require(sample.memory)
            #expect(memory.peakBytes > 4 << 20)
            #expect(memory.sampleCount >= 5)
            #expect(sample.tunerCPUSeconds < 0.5 * sample.wallSeconds)
        }
        // GOGC=25 collects more often than the default under the same load.
        let cycles25 = samples.first { $0.setting.gogc == 25 }!.gc!.cycles.count
        let cycles100 = samples.first { $0.setting.gogc == 100 }!.gc!.cycles.count
        #expect(cycles25 > cycles100)

        let env = try String(contentsOfFile: "\(directory)/data/e2e-tiny/recommended.env", encoding: .utf8)
        #expect(env.hasPrefix("# tuner recommendation for study 'e2e-tiny'"))
        let assignments = env.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(assignments.count == 2)
        #expect(assignments[0] == "GOGC=25" || assignments[0] == "GOGC=100")
        #expect(assignments[1] == "GOMEMLIMIT=off")
        #expect(FileManager.default.fileExists(atPath: "\(directory)/data/e2e-tiny/report.json"))
    }

    @Test func missingSpecFileExitsNonZeroWithAClearError() throws {
        let result = try TunerBinary.run(["run", "\(directory)/absent.yml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("absent.yml: no such file"))
    }

    @Test func yamlSyntaxErrorNamesTheLine() throws {
        let spec = try writeSpec("study: x\ntarget:\n  command: [a, b\n", name: "broken.yml")
        let result = try TunerBinary.run(["run", spec])
        #expect(result.status != 0)
        #expect(result.stderr.contains("broken.yml:"))
        #expect(result.stderr.contains("YAML syntax error"))
    }

    @Test func unknownKeyIsRejectedBeforeAnythingRuns() throws {
        let spec = try writeSpec(
            """
            study: x
            target: {command: [bin/none, "{port}"]}
            load: {}
            parameters: {gogc: {values: [100]}}
            budget: {settings: 2, duration: 1s, repaets: 2}
            """, name: "typo.yml")
        let result = try TunerBinary.run(["run", spec])
        #expect(result.status != 0)
        #expect(result.stderr.contains("typo.yml:5: budget.repaets: unknown key (did you mean 'repeats'?)"))
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/../data/x"))
    }

    @Test func studyWhoseServerCannotStartStopsWithNoSurvivors() throws {
        let server = "\(directory)/crash.sh"
        try "#!/bin/sh\necho 'fatal: no config' >&2\nexit 2\n".write(toFile: server, atomically: true, encoding: .utf8)
        chmod(server, 0o755)
        let loadStub = "\(directory)/load.sh"
        try "#!/bin/sh\nexit 1\n".write(toFile: loadStub, atomically: true, encoding: .utf8)
        chmod(loadStub, 0o755)
        let spec = try writeSpec(
            """
            study: crashing
            target: {workdir: \(directory), command: [./crash.sh, "{port}"], ready: {timeout: 2s}}
            load: {binary: ./load.sh}
            parameters: {gogc: {values: [50, 100, 200]}}
            budget: {settings: 3, repeats: 1, warmup: 0s, duration: 1s, noise_check: off}
            output: {data_dir: \(directory)/data}
            """, name: "crashing.yml")
        let result = try TunerBinary.run(["run", spec], timeoutSeconds: 60)
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAILED: server exited with status 2 at start: fatal: no config"))
        #expect(result.stderr.contains("study stopped"))
        let samples = try TrialsFile.read(path: "\(directory)/data/crashing/trials.jsonl")
        #expect(samples.count == 3)
        #expect(samples.allSatisfy { !$0.isMeasured })
        // The exports rewritten after every trial survive the failure, marked in progress.
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/data/crashing/report.json")))
            as? [String: Any]
        #expect(
            (report?["status"] as? String)?.hasPrefix("in progress: 3 trial(s) so far") == true, "\(String(describing: report?["status"]))")
        let csv = try String(contentsOfFile: "\(directory)/data/crashing/frontier.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 4, "header + one row per setting: \(csv)")
    }
}
