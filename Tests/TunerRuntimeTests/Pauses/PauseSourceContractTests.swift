import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// One contract for the pause sources that can run without the bundled server: gctrace on a
/// fake process's captured stderr, runtime-metrics and Prometheus scraped over real HTTP from a
/// server that answers with the captured before/after snapshots, and the fake. (The real sources
/// against the real server: `PauseSourceAgreementTests`.)
@Suite(.serialized) struct PauseSourceContractTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../TunerCoreTests/Fixtures/pauses").standardizedFileURL.path

    func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: "\(Self.fixtures)/\(name)", encoding: .utf8)
    }

    /// A loopback HTTP server over a folder; `body` gets its port and the folder.
    func withFileServer(_ body: (Int, String) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "tuner-pause-http-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let launcher = PosixLauncher()
        let port = try launcher.freePort()
        let server = try launcher.launch(
            LaunchRequest(
                arguments: ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"],
                workingDirectory: folder, environment: ProcessInfo.processInfo.environment,
                stdoutPath: "\(folder)/.out", stderrPath: "\(folder)/.err"))
        defer { server.stop(graceSeconds: 1) }
        _ = TunerTesting.waitFor(10) { Loopback.tcpOpen(port: port) }
        try body(port, folder)
    }

    func context(port: Int, stderr: String = "") throws -> PauseContext {
        var script = FakeProcessScript()
        script.standardError = stderr
        let server = try FakeLauncher(scripts: ["server": [script]]).launch(
            LaunchRequest(arguments: ["server"], workingDirectory: "/", environment: [:], stdoutPath: "", stderrPath: "", role: "server"))
        var context = PauseContext(server: server, ports: ["": port], launchUnixNanos: 0, windowSeconds: 3, logPrefix: "/tmp/x")
        context.setting = .goDefault
        return context
    }

    /// What every source's reading must satisfy.
    func checkContract(_ reading: PauseReading, kind: PauseSourceKind) {
        #expect(reading.summary.source == kind)
        #expect(reading.summary.count > 0 && reading.summary.totalMillis > 0, "\(kind.rawValue): \(reading.summary)")
        #expect(reading.summary.totalMillisLower <= reading.summary.totalMillis, "\(kind.rawValue)")
        if reading.summary.resolution != .exact { #expect(!reading.summary.notes.isEmpty, "\(kind.rawValue) says what it cannot resolve") }
    }

    @Test func gctraceAndTheFakeMeetTheContract() throws {
        let trace = try fixture("gctrace.stderr")
        let session = try GCTracePauseSource().begin(try context(port: 1, stderr: trace))
        checkContract(try session.end(windowStart: 0, windowEnd: .max), kind: .gctrace)
        let fake = try FakePauseSource(gctrace: trace).begin(try context(port: 1))
        checkContract(try fake.end(windowStart: 0, windowEnd: 1), kind: .gctrace)
    }

    @Test(arguments: [
        (PauseSourceKind.runtimeMetrics, "gcmetrics-before.json", "gcmetrics-after.json"),
        (.prometheus, "metrics-before.txt", "metrics-after.txt"),
    ])
    func aScrapedSourceDifferencesTheReadsThatBracketTheWindow(kind: PauseSourceKind, before: String, after: String) throws {
        try withFileServer { port, folder in
            try fixture(before).write(toFile: "\(folder)/endpoint", atomically: true, encoding: .utf8)
            let source = ScrapedPauseSource(kind: kind, url: "http://127.0.0.1:{port}/endpoint", intervalSeconds: 60)
            let session = try source.begin(try context(port: port))
            let windowStart = unixNanos()
            try fixture(after).write(toFile: "\(folder)/endpoint", atomically: true, encoding: .utf8)
            let reading = try session.end(windowStart: windowStart, windowEnd: unixNanos())
            checkContract(reading, kind: kind)
            #expect(reading.summary.spanStartUnixNanos != nil && reading.summary.spanEndUnixNanos != nil)
            // The captured window: 357 − 170 cycles of the bundled server, about 2 pauses each.
            #expect((300...420).contains(reading.summary.stopTheWorldPauses), "\(kind.rawValue): \(reading.summary.stopTheWorldPauses)")
        }
    }

    @Test(arguments: [PauseSourceKind.runtimeMetrics, .expvar, .prometheus])
    func anEndpointThatIsNotServedFailsNamingTheKey(kind: PauseSourceKind) throws {
        try withFileServer { port, _ in
            let session = try ScrapedPauseSource(kind: kind, url: "http://127.0.0.1:{port}/no/such/endpoint", intervalSeconds: 60)
                .begin(try context(port: port))
            do {
                _ = try session.end(windowStart: 0, windowEnd: unixNanos())
                Issue.record("expected a failure")
            } catch {
                #expect("\(error)".contains("target.pauses.url http://127.0.0.1:\(port)/no/such/endpoint answered HTTP 404"), "\(error)")
            }
        }
    }

    @Test func aServiceThatOverridesGOGCFailsTheTrial() throws {
        try withFileServer { port, folder in
            // The captured server ran at GOGC=100; tell the source the trial asked for 400.
            try fixture("gcmetrics-before.json").write(toFile: "\(folder)/endpoint", atomically: true, encoding: .utf8)
            var context = try context(port: port)
            context.setting = GCSetting(gogc: 400, memoryLimitBytes: nil)
            let session = try ScrapedPauseSource(kind: .runtimeMetrics, url: "http://127.0.0.1:{port}/endpoint", intervalSeconds: 60).begin(
                context)
            try fixture("gcmetrics-after.json").write(toFile: "\(folder)/endpoint", atomically: true, encoding: .utf8)
            do {
                _ = try session.end(windowStart: 0, windowEnd: unixNanos())
                Issue.record("expected a failure")
            } catch {
                #expect("\(error)".contains("GOGC=100 instead of 400"), "\(error)")
            }
        }
    }
}

/// Polling helper for tests in this target.
enum TunerTesting {
    static func waitFor(_ timeoutSeconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + timeoutSeconds
        while monotonicSeconds() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
