import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// A service configured through its environment, config files and a folder of its own: the
/// placeholders are filled in everywhere, each attempt gets a new scratch folder, a measured
/// trial's folder goes, a failed trial's stays (the newest few).
@Suite struct TrialScratchTests {
    let root = NSTemporaryDirectory() + "tuner-scratch-test-\(UUID().uuidString)"

    func target() -> TargetSpec {
        var target = TargetSpec(
            name: "kv", workdir: "/srv", build: nil, command: ["bin/kv", "-config", "{scratch}/kv.conf"],
            environment: ["PORT": "{port}", "KV_DATA": "{scratch}/data"],
            readiness: ReadinessProbe(kind: .tcp(port: "{port}"), timeoutSeconds: 0.2), stopGraceSeconds: 1,
            maxRSSBytes: 1 << 30)
        target.files = ["kv.conf": "admin_addr = 127.0.0.1:{port:admin}\ndata_dir = {scratch}/data\n"]
        target.reset = ["bin/reset", "{scratch}"]
        return target
    }

    func runner(_ launcher: FakeLauncher, load: FakeLoadDriver = FakeLoadDriver()) -> TrialRunner {
        var runner = TrialRunner(
            target: target(), launcher: launcher, load: load, pauses: FakePauseSource(gctrace: TrialRunnerTests.twoCycles),
            logDirectory: "/logs", warmupSeconds: 0, durationSeconds: 1)
        runner.scratchRoot = root
        runner.runID = "run1"
        return runner
    }

    @Test func placeholdersAreFilledInTheEnvironmentTheConfigFileAndTheReset() throws {
        let launcher = FakeLauncher()
        var observed: (config: String?, exists: Bool) = (nil, false)
        let load = FakeLoadDriver()
        load.onRun = { _ in
            // While the trial runs, its scratch folder holds the rendered config file.
            let folder = "\(root)/trial-000-run1-a1"
            observed = (try? String(contentsOfFile: "\(folder)/kv.conf", encoding: .utf8), FileManager.default.fileExists(atPath: folder))
        }
        let sample = runner(launcher, load: load).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        #expect(sample.isMeasured, "\(sample.outcome)")
        let server = try #require(launcher.requests.first { $0.role == "server" })
        let scratch = "\(root)/trial-000-run1-a1"
        #expect(server.arguments == ["bin/kv", "-config", "\(scratch)/kv.conf"])
        let port = try #require(Int(server.environment["PORT"] ?? ""))
        #expect(server.environment["KV_DATA"] == "\(scratch)/data")
        let reset = try #require(launcher.requests.first { $0.role == "reset" })
        #expect(reset.arguments == ["bin/reset", scratch])
        #expect(observed.exists)
        let config = try #require(observed.config)
        #expect(config.hasPrefix("admin_addr = 127.0.0.1:") && config.contains("data_dir = \(scratch)/data"), "\(config)")
        let admin = Int(config.split(separator: "\n")[0].split(separator: ":").last ?? "")
        #expect(admin != nil && admin != port, "the admin port is a port of its own")
        #expect(!FileManager.default.fileExists(atPath: scratch), "a measured trial leaves no scratch folder behind")
    }

    @Test func aFailedTrialKeepsItsScratchFolderAndOnlyTheNewestFewAreKept() throws {
        let load = FakeLoadDriver(outcomes: [.failure(TrialFailure("load: connection refused"))])
        let runner = runner(FakeLauncher(), load: load)
        var reasons: [String] = []
        for index in 0..<5 {
            let sample = runner.run(setting: .goDefault, trialIndex: index, repeatIndex: 0, seed: 1)
            reasons.append(sample.outcome.failureReason ?? "")
            Thread.sleep(forTimeInterval: 0.01)  // distinct modification times
        }
        #expect(reasons[4].contains("its scratch folder is kept: \(root)/trial-004-run1-a1 ("), "\(reasons[4])")
        let kept = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(kept == ["trial-002-run1-a1", "trial-003-run1-a1", "trial-004-run1-a1"], "the newest three: \(kept)")
    }

    @Test func aScratchFolderThatCannotBeCreatedFailsTheTrialNamingIt() throws {
        var runner = runner(FakeLauncher())
        let blocker = root + "-file"
        try "not a folder".write(toFile: blocker, atomically: true, encoding: .utf8)
        runner.scratchRoot = blocker
        let sample = runner.run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.contains("cannot create the trial's scratch folder \(blocker)/trial-000-run1-a1 ({scratch})"), "\(reason)")
        #expect(reason.contains("make \(blocker) writable or point output.data_dir elsewhere"), "\(reason)")
    }

    @Test func aFailingResetFailsTheTrialBeforeTheServerStarts() throws {
        var reset = FakeProcessScript()
        reset.exitStatus = 3
        reset.standardError = "redis: connection refused"
        let launcher = FakeLauncher(scripts: ["reset": [reset]])
        let sample = runner(launcher).run(setting: .goDefault, trialIndex: 0, repeatIndex: 0, seed: 1)
        let reason = try #require(sample.outcome.failureReason)
        #expect(reason.hasPrefix("target.reset exited with status 3: redis: connection refused"), "\(reason)")
        #expect(!launcher.requests.contains { $0.role == "server" })
    }

    @Test func behindAWrapperTheBuildInfoIsTheListeningGoProcesss() throws {
        var wrapper = FakeProcessScript()
        wrapper.executablePath = "/usr/bin/dash"
        wrapper.groupExecutablePaths = ["/srv/bin/kv"]
        let launcher = FakeLauncher(scripts: ["server": [wrapper]])
        launcher.buildInfoByExecutable = [
            "/srv/bin/kv": GoBuildInfo(goVersion: "go1.27.3", mainModule: "kv", experiments: [], defaultGODEBUG: nil)
        ]
        let found = try #require(try runner(launcher).startOnceForBuildInfo())
        #expect(found.path == "/srv/bin/kv" && found.info.goVersion == "go1.27.3")
        #expect(launcher.processes.allSatisfy { $0.stoppedWith != nil || $0.role != "server" }, "the preflight's server is stopped")
    }
}
