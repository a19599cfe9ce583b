import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The service's CPU is read around the measured window only: a server that burns about 4 s
/// of CPU before it starts serving (a shell loop, then `exec` into the bundled server: one
/// process, whose CPU counters carry across the exec) must not be charged for it.
@Suite(.serialized) struct ServiceCPUEndToEndTests {
    let directory = NSTemporaryDirectory() + "tuner-service-cpu-\(UUID().uuidString)"

    func study(_ name: String, pauses: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let workload = TunerBinary.repositoryRoot.appendingPathComponent("experiments/workload").path
        let path = "\(directory)/\(name).yml"
        try """
        study: \(name)
        seed: 4
        target:
          workdir: \(workload)
          build: [go, build, -o, bin/, ./cmd/...]
          command: [sh, -c, "i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done; exec bin/collab-server -addr 127.0.0.1:{port}"]
          ready: {http: "http://127.0.0.1:{port}/healthz", timeout: 60s}
          cpus: "1"
          \(pauses)
        load: {binary: bin/sync-bench, mode: closed, clients: 4, docs: 2, doc_size: 64KiB, cpus: "0"}
        parameters: {gogc: {values: [50]}}
        budget: {settings: 2, repeats: 1, warmup: 500ms, duration: 2s, confirm: 0, noise_check: off}
        objectives: [{minimize: cpu_per_op_us}, {minimize: gc_cpu_share_pct}]
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        ("gctrace", "pauses: {source: gctrace}", ServiceCPU.GCSource.gctrace),
        ("runtime", "pauses: {source: runtime-metrics, url: \"http://127.0.0.1:{port}/debug/gcmetrics\"}", .runtimeMetrics),
    ])
    func cpuBeforeTheWindowIsNotCountedAndTheGCShareNamesItsSource(name: String, pauses: String, source: ServiceCPU.GCSource) throws {
        let run = try TunerBinary.run(["run", try study(name, pauses: pauses)], timeoutSeconds: 300)
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        let samples = try SQLiteStudyStore(path: "\(directory)/data/\(name)/study.sqlite").samples()
        #expect(samples.count == 2)
        for sample in samples {
            #expect(sample.isMeasured, "\(sample.outcome)")
            let cpu = try #require(sample.serviceCPU, "\(sample.setting): no service CPU")
            // The server is pinned to one CPU: its 2 s window holds at most about 2 s of CPU, half
            // of the 4 s its wrapper burnt at start-up (on the same process, across the exec).
            #expect(cpu.cpuSeconds > 0 && cpu.cpuSeconds < 2.5, "\(sample.setting): \(cpu.cpuSeconds) s of CPU in the window")
            #expect(cpu.wallSeconds >= 2 && cpu.wallSeconds < 4, "the bracket is the measured run: \(cpu.wallSeconds) s")
            #expect(cpu.gcSource == source, "\(sample.setting)")
            let share = try #require(Metric.gcCPUSharePercent.value(of: sample))
            let cycles = Metric.gcCount.value(of: sample) ?? 0
            #expect(cycles > 0, "the load makes the collector run in the window")
            #expect(share > 0 && share < 100, "\(sample.setting): GC share \(share) % over \(cycles) cycles")
            let perOp = try #require(Metric.cpuPerOpMicros.value(of: sample))
            let operations = Double(sample.load?.operations ?? 0)
            #expect(abs(perOp - cpu.cpuSeconds * 1e6 / operations) < 1e-6 * perOp)
        }
        #expect(run.stdout.contains("cpu_per_op_us") || run.stdout.contains("CPU per op"), "the table shows the new objectives")
    }
}
