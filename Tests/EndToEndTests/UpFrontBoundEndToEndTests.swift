import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// `budget.stop_below` on the real bundled server: the noise check measures the GC's share at
/// the default (about 25 % under this load), and a bound above it stops the study there with
/// the default as the stored decision, no search trial run.
@Suite(.serialized) struct UpFrontBoundEndToEndTests {
    let directory = NSTemporaryDirectory() + "tuner-up-front-\(UUID().uuidString)"

    @Test func aStudyBelowStopBelowKeepsTheDefaultWithoutSearching() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let workload = TunerBinary.repositoryRoot.appendingPathComponent("experiments/workload").path
        let path = "\(directory)/bound.yml"
        try """
        study: bound
        seed: 4
        target:
          workdir: \(workload)
          build: [go, build, -o, bin/, ./cmd/...]
          command: [bin/collab-server, -addr, "127.0.0.1:{port}"]
          ready: {http: "http://127.0.0.1:{port}/healthz", timeout: 30s}
          cpus: "1"
        load: {binary: bin/sync-bench, mode: closed, clients: 8, docs: 2, doc_size: 64KiB, cpus: "0"}
        parameters: {gogc: {min: 25, max: 1600}}
        objectives: [{maximize: throughput_ops_per_sec}, {minimize: rss_peak}]
        budget:
          sampler: surrogate
          trials: 8
          confirm: 3
          warmup: 500ms
          duration: 2s
          noise_check: {repeats: 3, max_cv: 0.5, action: warn}
          stop_below: "95%"
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try TunerBinary.run(["run", path], timeoutSeconds: 300)
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        let store = try SQLiteStudyStore(path: "\(directory)/data/bound/study.sqlite")
        let samples = try store.samples()
        #expect(samples.count == 3 && samples.allSatisfy { $0.setting.isGoDefault && $0.isMeasured }, "only the noise check ran")
        let shares = samples.compactMap { Metric.gcCPUSharePercent.value(of: $0) }
        #expect(shares.count == 3 && shares.allSatisfy { $0 > 1 && $0 < 95 }, "\(shares)")
        let decision = try #require(try store.decision())
        let reason = try #require(decision.keptDefaultBecause)
        #expect(reason.contains("below budget.stop_below 95.0 %"), "\(reason)")
        #expect(decision.confirmation == nil)
        let all = run.stdout + run.stderr
        #expect(all.contains("up-front bound: the GC took"), "\(all)")
        let env = try String(contentsOfFile: "\(directory)/data/bound/recommended.env", encoding: .utf8)
        #expect(env.contains("\nGOGC=100\nGOMEMLIMIT=off"), "the default is kept: \(env)")
        #expect(env.contains("# chosen by: keep Go's default before any search"), "one reason, not two: \(env)")
        #expect(!env.contains("no measured setting beat it"), "one reason, not two: \(env)")
    }
}
