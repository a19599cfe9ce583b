import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// What a launcher fixture supplies to the shared suite: the launcher, and the requests for
/// "a server that prints `ready` on stderr and listens on PORT until stopped" and "a program
/// that exits with status 3".
protocol LauncherFixture: Sendable {
    var name: String { get }
    var launcher: Launcher { get }
    func serverRequest(port: Int, directory: String) -> LaunchRequest
    func crashingRequest(directory: String) -> LaunchRequest
}

struct PosixLauncherFixture: LauncherFixture {
    var name: String { "posix" }
    var launcher: Launcher { PosixLauncher() }
    func serverRequest(port: Int, directory: String) -> LaunchRequest {
        let script =
            "import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); print('ready', file=sys.stderr, flush=True); time.sleep(60)"
        return LaunchRequest(
            arguments: ["python3", "-c", script, String(port)], workingDirectory: directory,
            environment: ProcessInfo.processInfo.environment,
            stdoutPath: "\(directory)/server.stdout", stderrPath: "\(directory)/server.stderr", role: "server")
    }
    func crashingRequest(directory: String) -> LaunchRequest {
        LaunchRequest(
            arguments: ["sh", "-c", "echo boom >&2; exit 3"], workingDirectory: directory,
            environment: ProcessInfo.processInfo.environment,
            stdoutPath: "\(directory)/crash.stdout", stderrPath: "\(directory)/crash.stderr", role: "crash")
    }
}

struct FakeLauncherFixture: LauncherFixture {
    var name: String { "fake" }
    let launcher: Launcher
    init() {
        var server = FakeProcessScript()
        server.standardError = "ready\n"
        var crash = FakeProcessScript()
        crash.exitsAtStart = 3
        crash.standardError = "boom\n"
        launcher = FakeLauncher(scripts: ["server": [server], "crash": [crash]])
    }
    func serverRequest(port: Int, directory: String) -> LaunchRequest {
        LaunchRequest(
            arguments: ["server", String(port)], workingDirectory: directory, environment: [:],
            stdoutPath: "\(directory)/server.stdout", stderrPath: "\(directory)/server.stderr", role: "server")
    }
    func crashingRequest(directory: String) -> LaunchRequest {
        LaunchRequest(
            arguments: ["crash"], workingDirectory: directory, environment: [:],
            stdoutPath: "\(directory)/crash.stdout", stderrPath: "\(directory)/crash.stderr", role: "crash")
    }
}

/// One suite, run against the real launcher and the fake: what `TrialRunner` relies on.
@Suite struct LauncherContractTests {
    static let fixtures: [any LauncherFixture] = [PosixLauncherFixture(), FakeLauncherFixture()]

    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "tuner-launcher-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Polls `condition` for up to 10 s (the real process needs a moment; the fake answers at once).
    func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + 10
        while monotonicSeconds() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    @Test(arguments: fixtures)
    func aStartedServerBecomesReadyByPortAndByLogAndStopsOnce(fixture: any LauncherFixture) throws {
        let launcher = fixture.launcher
        let port = try launcher.freePort()
        #expect((1024...65535).contains(port), "\(fixture.name)")
        let server = try launcher.launch(fixture.serverRequest(port: port, directory: try directory()))
        #expect(server.poll() == nil, "\(fixture.name): running")
        #expect(eventually { launcher.probe(.tcp(port: port), of: server) }, "\(fixture.name): tcp probe")
        #expect(eventually { launcher.probe(.log(pattern: "^ready$"), of: server) }, "\(fixture.name): log probe")
        #expect(!launcher.probe(.log(pattern: "never printed"), of: server), "\(fixture.name)")
        #expect(server.standardError().contains("ready"))
        let memory = server.watchMemory(capBytes: 8 << 30).finish()
        #expect(memory.peakBytes > 0 && !memory.exceededCap, "\(fixture.name)")
        let exit = server.stop(signal: SIGTERM, graceSeconds: 1)
        #expect(exit == .signalled(signal: SIGTERM), "\(fixture.name): \(exit)")
        #expect(server.poll() == exit)
        #expect(server.stop(signal: SIGTERM, graceSeconds: 1) == exit, "\(fixture.name): stop is idempotent")
    }

    @Test(arguments: fixtures)
    func aProgramThatExitsReportsItsStatusAndOutput(fixture: any LauncherFixture) throws {
        let process = try fixture.launcher.launch(fixture.crashingRequest(directory: try directory()))
        #expect(process.wait(timeoutSeconds: 10) == .exited(code: 3), "\(fixture.name)")
        #expect(process.lastErrorLines() == "boom", "\(fixture.name)")
    }

    @Test func posixStopEndsTheWholeGroupAndACapKillsTheHog() throws {
        let directory = try directory()
        let launcher = PosixLauncher()
        // A leader with a background child in its group: both must end with the group.
        let group = try launcher.launch(
            LaunchRequest(
                arguments: ["sh", "-c", "sleep 60 & exec sleep 60"], workingDirectory: directory,
                environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/g.out", stderrPath: "\(directory)/g.err"))
        #expect(eventually { ProcessTable.liveMembers(ofGroup: group.pid).count == 2 })
        group.stop(graceSeconds: 1)
        #expect(ProcessTable.waitUntilGone(groups: [group.pid], timeoutSeconds: 2).isEmpty)
        // Past the RSS cap the sampler kills the group and says so.
        let hog = try launcher.launch(
            LaunchRequest(
                arguments: ["python3", "-c", "import time; b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(60)"],
                workingDirectory: directory, environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(directory)/h.out", stderrPath: "\(directory)/h.err"))
        let watch = hog.watchMemory(capBytes: 64 << 20)
        #expect(hog.wait(timeoutSeconds: 20) == .signalled(signal: SIGKILL))
        #expect(watch.finish().exceededCap)
    }

    /// The Go toolchain on PATH, if any.
    static let go: String? = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/go" })
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) })

    @Test(.enabled(if: go != nil, "needs the Go toolchain on PATH (source scripts/setup.sh)"))
    func posixReadsTheGoBuildInfoOfAGoBinaryAndNothingOfAScript() throws {
        let launcher = PosixLauncher()
        #expect(launcher.goBuildInfo(executable: "/bin/sh") == nil)
        let go = try #require(Self.go)
        // The toolchain's own binary may be a shim script (pyenv); ask it where it lives.
        let goroot = Process()
        goroot.executableURL = URL(fileURLWithPath: go)
        goroot.arguments = ["env", "GOROOT"]
        let pipe = Pipe()
        goroot.standardOutput = pipe
        try goroot.run()
        goroot.waitUntilExit()
        let root = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let info = try #require(launcher.goBuildInfo(executable: "\(root)/bin/gofmt"))
        #expect(info.goVersion.hasPrefix("go1."))
        #expect(info.supportsMemoryLimit)
    }
}
