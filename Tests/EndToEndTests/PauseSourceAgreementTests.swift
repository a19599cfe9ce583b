import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The bundled server measured with every pause source: each trial records the source's
/// reading and gctrace's over the same span, and they must agree.
///
/// Tolerances (stated in the README, "Pause sources"):
/// - count of stop-the-world pauses: within 2 + 3 % (a cycle in progress at each edge of the
///   span is counted by one side and not the other; per-cycle sources count 2 per cycle);
/// - total pause time: within 15 % + 0.5 ms, except the execution trace, whose mark-termination
///   ranges end only once the world has restarted, later than the runtime's own clock stops:
///   its total is checked from below only (at least 90 % of gctrace's);
/// - gctrace truncates every printed pause to two significant digits, so it reads low by up to
///   one unit of the last digit per pause;
/// - a summary (client_golang's go_gc_duration_seconds) has no window quantiles and says so.
@Suite(.serialized) struct PauseSourceAgreementTests {
    static let sources: [(PauseSourceKind, String)] = [
        (.runtimeMetrics, "/debug/gcmetrics"), (.expvar, "/debug/vars"), (.prometheus, "/metrics"), (.trace, "/debug/pprof/trace"),
    ]

    func study(_ kind: PauseSourceKind, path: String) throws -> [TrialSample] {
        let workload = TunerBinary.repositoryRoot.appendingPathComponent("experiments/workload").path
        let directory = NSTemporaryDirectory() + "tuner-agree-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spec = "\(directory)/agree.yml"
        try """
        study: agree-\(kind.rawValue)
        seed: 5
        target:
          workdir: \(workload)
          build: [go, build, -o, bin/, ./cmd/...]
          command: [bin/collab-server, -addr, "127.0.0.1:{port}"]
          ready: {http: "http://127.0.0.1:{port}/healthz", timeout: 15s}
          pauses: {source: \(kind.rawValue), url: "http://127.0.0.1:{port}\(path)", interval: 500ms}
        load: {kind: sync-bench, mode: closed, clients: 16, docs: 2, doc_size: 32KiB}
        parameters:
          gogc: {values: [50, 200]}
        budget: {settings: 2, repeats: 1, warmup: 1s, duration: 2s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try TunerBinary.run(["run", spec], timeoutSeconds: 240)
        #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
        return try TrialsFile.read(path: "\(directory)/data/agree-\(kind.rawValue)/trials.jsonl")
    }

    @Test(arguments: sources)
    func everySourceAgreesWithGCTraceOverTheSameSpan(kind: PauseSourceKind, path: String) throws {
        let samples = try study(kind, path: path)
        #expect(samples.count == 3, "the Go default and the two listed settings")
        for sample in samples {
            #expect(sample.isMeasured, "\(kind.rawValue): \(sample.outcome)")
            let source = try #require(sample.pauses, "\(kind.rawValue)")
            let reference = try #require(sample.gctracePauses, "\(kind.rawValue): gctrace over the same span")
            #expect(source.source == kind)
            let count = source.stopTheWorldPauses
            let expected = reference.count
            let countSlack = 2 + Int((0.03 * Double(expected)).rounded(.up))
            #expect(
                expected > 0 && abs(count - expected) <= countSlack,
                "\(kind.rawValue) \(sample.setting): \(count) pauses against gctrace's \(expected)")
            if kind == .trace {
                #expect(
                    source.totalMillis >= 0.9 * reference.totalMillis,
                    "trace \(sample.setting): \(source.totalMillis) ms against gctrace's \(reference.totalMillis) ms")
            } else {
                #expect(
                    abs(source.totalMillis - reference.totalMillis) <= 0.15 * reference.totalMillis + 0.5,
                    "\(kind.rawValue) \(sample.setting): \(source.totalMillis) ms against gctrace's \(reference.totalMillis) ms")
            }
            if source.resolution == .summary {
                #expect(Metric.pauseP99Millis.value(of: sample) == nil, "a summary has no window quantiles")
                #expect(source.notes.contains { $0.contains("not the window") })
            }
            print(
                "agreement \(kind.rawValue) \(sample.setting): \(count) pauses / \(formatFixed(source.totalMillis, decimals: 2)) ms; gctrace \(expected) / \(formatFixed(reference.totalMillis, decimals: 2)) ms"
            )
        }
    }
}
