import Foundation
import Testing
import Yams

@testable import TunerCore
@testable import TunerRuntime

/// `tuner env --format …`: each format's exact text, and each accepted by its consumer where one
/// runs here.
@Suite struct EnvFormatTests {
    static let setting = GCSetting(gogc: 830, memoryLimitBytes: 211 << 20)

    func report() -> FrontierReport {
        func sample(_ index: Int, _ setting: GCSetting, _ throughput: Double) -> TrialSample {
            var sample = TrialSample(
                trialIndex: index, setting: setting, repeatIndex: index, outcome: .measured, startedAtUnixSeconds: 0,
                wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: nil, gc: nil, memory: nil)
            sample.load = LoadResult(
                operations: 1, throughputOpsPerSecond: throughput, latencyP50Millis: 1, latencyP90Millis: 2,
                latencyP99Millis: 3, latencyMaxMillis: 4, errors: 0, converged: nil,
                windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000)
            sample.gc = GCObservation(cycles: [], windowSeconds: 1, processors: 2, malformedLines: 0, cyclesInRun: 3)
            return sample
        }
        var report = FrontierReport.make(
            study: "demo", samples: [sample(0, .goDefault, 1000), sample(1, Self.setting, 1300)],
            objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], rule: .best(objective: 1), seed: 1)
        report.apply(
            surrogate: nil,
            confirmation: Confirmation(
                candidate: Self.setting,
                changes: [(.throughputOpsPerSecond, Estimate(value: 0.3, lower: 0.2, upper: 0.4, level: 0.95, sampleCount: 5))],
                confirmed: true,
                verdict: "confirmed: throughput_ops_per_sec better in 5 of 5 alternating pairs (one-sided sign test p = 0.031)"))
        return report
    }

    func render(_ format: EnvFormat) throws -> String {
        try #require(format.render(report(), specPath: "experiments/demo.yml", date: Date(timeIntervalSince1970: 1_796_000_000)))
    }

    static let header = """
        # tuner recommendation for study 'demo' (experiments/demo.yml)
        # written 2026-11-30T00:53:20Z; study rule: highest throughput_ops_per_sec among frontier settings that meet the constraints
        # chosen by: highest throughput_ops_per_sec among frontier settings that meet the constraints, on the measured medians
        # measured against the Go default (GOGC=100, no limit) in 5 alternating pairs:
        #   throughput_ops_per_sec: +30.0 % [+20.0, +40.0] (95 % CI, n=5)
        # confirmation: confirmed: throughput_ops_per_sec better in 5 of 5 alternating pairs (one-sided sign test p = 0.031)
        """

    @Test func everyFormatsExactText() throws {
        #expect(try render(.dotenv) == Self.header + "\nGOGC=830\nGOMEMLIMIT=211MiB\n")
        #expect(try render(.systemd) == Self.header + "\n[Service]\nEnvironment=\"GOGC=830\"\nEnvironment=\"GOMEMLIMIT=211MiB\"\n")
        #expect(
            try render(.kubernetes) == Self.header
                + "\nenv:\n  - name: GOGC\n    value: \"830\"\n  - name: GOMEMLIMIT\n    value: \"211MiB\"\n")
        #expect(try render(.dockerfile) == Self.header + "\nENV GOGC=830 GOMEMLIMIT=211MiB\n")
        #expect(try render(.compose) == Self.header + "\nenvironment:\n  GOGC: \"830\"\n  GOMEMLIMIT: \"211MiB\"\n")
    }

    func write(_ text: String, _ name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "tuner-env-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        return "\(directory)/\(name)"
    }

    func shell(_ script: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theDotenvFileIsReadByAShell() throws {
        let path = try write(try render(.dotenv), "gc.env")
        let result = try shell("set -a; . '\(path)'; echo \"$GOGC $GOMEMLIMIT\"")
        #expect(result.status == 0 && result.output == "830 211MiB\n", "\(result.output)")
    }

    @Test func theYAMLFormatsParseToTheSameSetting() throws {
        let pod = try #require(try Yams.load(yaml: try render(.kubernetes)) as? [String: Any])
        let env = try #require(pod["env"] as? [[String: Any]])
        #expect(env.map { "\($0["name"]!)=\($0["value"]!)" } == ["GOGC=830", "GOMEMLIMIT=211MiB"])
        #expect(env.allSatisfy { $0["value"] is String }, "Kubernetes wants string values")
        let compose = try #require(try Yams.load(yaml: try render(.compose)) as? [String: Any])
        #expect(compose["environment"] as? [String: String] == ["GOGC": "830", "GOMEMLIMIT": "211MiB"])
    }

    /// No Docker engine runs here, so the Dockerfile line is checked against the reference's
    /// grammar for `ENV <key>=<value> ...` (unquoted values without spaces need no escaping).
    @Test func theDockerfileLineIsOneENVInstructionOfKeyValuePairs() throws {
        let lines = try render(.dockerfile).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 1)
        let words = lines[0].split(separator: " ")
        #expect(words.first == "ENV")
        let pairs = words.dropFirst().map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        #expect(pairs == [["GOGC", "830"], ["GOMEMLIMIT", "211MiB"]])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theSystemdDropInAndEnvironmentFileAreAcceptedBySystemdAnalyze() throws {
        let dropIn = try write(try render(.systemd), "gc.conf")
        let envFile = try write(try render(.dotenv), "gc.env")
        let directory = (dropIn as NSString).deletingLastPathComponent
        // A unit that takes the dotenv file as its EnvironmentFile and the drop-in's section.
        let unit =
            "[Unit]\nDescription=tuner env check\n[Service]\nExecStart=/bin/true\nEnvironmentFile=\(envFile)\n"
            + (try render(.systemd)).split(separator: "\n").filter { $0.hasPrefix("Environment=") }.joined(separator: "\n") + "\n"
        try unit.write(toFile: "\(directory)/tuner-env-check.service", atomically: true, encoding: .utf8)
        let result = try shell("systemd-analyze verify --man=no '\(directory)/tuner-env-check.service' 2>&1")
        #expect(!result.output.contains("tuner-env-check.service:"), "systemd-analyze complained about the unit: \(result.output)")
        #expect(!result.output.lowercased().contains("environment"), "\(result.output)")
    }
}
