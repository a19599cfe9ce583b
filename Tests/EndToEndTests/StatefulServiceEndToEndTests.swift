import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// A service run as people run it (`Fixtures/stateful-service`): its main port from `PORT`, its
/// admin port and data folder from a config file tuner renders per trial, an admin endpoint that
/// answers 403 unless `Host` carries the port, state on disk that refuses a second start in the
/// same folder, and all of it started through a shell wrapper that stays the group's leader.
@Suite(.serialized) struct StatefulServiceEndToEndTests {
    let directory = NSTemporaryDirectory() + "tuner-stateful-\(UUID().uuidString)"
    static let fixture = TunerBinary.repositoryRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/stateful-service").path

    func spec(study: String, extra: String = "") throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
        # the fixture's config: its admin listener and its state
        admin_addr = 127.0.0.1:{port:admin}
        data_dir = {scratch}/data
        """.write(toFile: "\(directory)/service.conf.tmpl", atomically: true, encoding: .utf8)
        let path = "\(directory)/\(study).yml"
        try """
        study: \(study)
        seed: 3
        target:
          workdir: \(Self.fixture)
          build: [go, build, -o, bin/stateful-service, .]
          command: [sh, -c, "bin/stateful-service -config {scratch}/service.conf; exit $?"]
          env: {PORT: "{port}"}
          files: {service.conf: service.conf.tmpl}
          ready: {http: "http://127.0.0.1:{port}/healthz", timeout: 15s}
          pauses: {source: prometheus, url: "http://127.0.0.1:{port:admin}/metrics", interval: 500ms}
        \(extra)
        load: {kind: wrk, url: "http://127.0.0.1:{port}/work", threads: 1, connections: 8}
        parameters: {gogc: {values: [50, 200]}}
        budget: {settings: 2, repeats: 1, warmup: 500ms, duration: 2s, confirm: 0, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aStudyRunsEndToEndWithPrometheusPausesAndLeavesNoScratchFolder() throws {
        let run = try TunerBinary.run(["run", try spec(study: "stateful")], timeoutSeconds: 300)
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        // The preflight found the Go binary behind the shell and read its build info.
        #expect(run.stdout.contains("is not a Go binary (a wrapper?): starting it once"), "\(run.stdout)")
        #expect(run.stdout.contains("target: \(Self.fixture)/bin/stateful-service: go1."), "\(run.stdout)")
        #expect(!run.stderr.contains("carries no Go build info"), "\(run.stderr)")
        let samples = try SQLiteStudyStore(path: "\(directory)/data/stateful/study.sqlite").samples()
        #expect(samples.count == 3, "the Go default and the two settings")
        for sample in samples {
            #expect(sample.isMeasured, "\(sample.outcome)")
            #expect(sample.pauses?.source == .prometheus, "pauses read from the Host-checking admin endpoint")
            #expect((sample.pauses?.count ?? 0) > 0, "\(sample.setting): the window's pauses were counted")
            #expect(sample.targetBuild?.goVersion.hasPrefix("go1.") == true, "the wrapper's Go child is recorded")
        }
        let scratch = "\(directory)/data/stateful/scratch"
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        #expect(left.isEmpty, "measured trials leave no scratch folder behind: \(left)")
    }

    @Test func aServiceThatFindsStateLeftBehindFailsAndItsScratchFolderIsKeptWithItsSize() throws {
        // A reset that leaves a LOCK in the trial's folder: the fixture refuses to start on it.
        let path = try spec(study: "stale", extra: "  reset: [sh, -c, \"mkdir -p {scratch}/data && touch {scratch}/data/LOCK\"]")
        let run = try TunerBinary.run(["run", path], timeoutSeconds: 300)
        #expect(run.status != 0)
        #expect(run.stderr.contains("preflight") || run.stdout.contains("FAILED"), "\(run.stderr)\n\(run.stdout)")
        #expect(run.stderr.contains("LOCK exists") || run.stdout.contains("LOCK exists"), "\(run.stderr)\n\(run.stdout)")
    }
}
