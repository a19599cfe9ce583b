import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

@Suite struct SpecLoaderTests {
    static let valid = """
        study: demo
        seed: 9
        target:
          workdir: workload
          build: [go, build, -o, bin/, ./cmd/...]
          command: [bin/collab-server, -addr, "127.0.0.1:{port}"]
          ready: {http: "http://127.0.0.1:{port}/healthz", timeout: 5s}
          stop_grace: 2s
          max_rss: 2GiB
        load: {kind: sync-bench, mode: open, clients: 20, rate_hz: 2.5, docs: 2, doc_size: 64KiB}
        parameters:
          gogc: {min: 25, max: 400, off: true}
          gomemlimit: {values: [off, 256MiB]}
        objectives:
          - minimize: pause_p99_ms
          - maximize: throughput_ops_per_sec
        constraints: ["latency_p99_ms <= 120", "rss_peak <= 1GiB"]
        recommend: {rule: best, objective: throughput_ops_per_sec}
        budget: {sampler: lhs, settings: 5, repeats: 2, warmup: 1s, duration: 3s}
        """

    func parse(_ yaml: String) throws(SpecError) -> StudySpec {
        try SpecLoader.parse(yaml: yaml, file: "spec.yml", absolutePath: "/project/experiments/spec.yml")
    }

    /// The error the yaml produces; fails the test if it parses.
    func failure(_ yaml: String) -> SpecError? {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error")
            return nil
        } catch { return error }
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(Self.valid.contains(old), "fixture lacks \(old)")
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func validSpecLoadsEveryKey() throws {
        let spec = try parse(Self.valid)
        #expect(spec.study == "demo")
        #expect(spec.seed == 9)
        #expect(spec.target.workdir == "/project/experiments/workload")
        #expect(spec.target.readiness.kind == .http(url: "http://127.0.0.1:{port}/healthz"))
        #expect(spec.target.readiness.timeoutSeconds == 5)
        #expect(spec.target.maxRSSBytes == 2 << 30)
        guard case .syncBench(let load) = spec.load.kind else {
            Issue.record("expected sync-bench")
            return
        }
        #expect(load.binary == "/project/experiments/workload/bin/sync-bench")
        #expect(load.mode == .open && load.clients == 20 && load.rateHz == 2.5)
        #expect(load.docSizeBytes == 64 << 10)
        #expect(spec.target.pauses.kind == .gctrace)
        #expect(spec.target.stopSignal == .term)
        #expect(spec.space.gogc == .range(min: 25, max: 400, includesOff: true))
        #expect(spec.space.memoryLimit == .values([nil, 256 << 20]))
        #expect(spec.objectives.map(\.metric) == [.pauseP99Millis, .throughputOpsPerSecond])
        #expect(spec.constraints.count == 2)
        #expect(spec.recommend == .best(objective: 1))
        #expect(spec.budget.sampler == .lhs && spec.budget.settings == 5 && spec.budget.repeats == 2)
        #expect(spec.budget.warmupSeconds == 1 && spec.budget.durationSeconds == 3)
        #expect(spec.dataDirectory == "/project/data")
    }

    @Test func bundledBaselineSpecIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../experiments/baseline.yml").standardizedFileURL.path
        let spec = try SpecLoader.load(path: path)
        #expect(spec.study == "baseline")
        #expect(FileManager.default.fileExists(atPath: spec.target.workdir))
    }

    @Test func theConfirmationTestIsChosenOrForced() throws {
        #expect(try parse(Self.valid).budget.confirmTest == nil)
        let forced = Self.valid.replacingOccurrences(of: "duration: 3s}", with: "duration: 3s, confirm_test: sign}")
        #expect(try parse(forced).budget.confirmTest == .sign)
        let auto = Self.valid.replacingOccurrences(of: "duration: 3s}", with: "duration: 3s, confirm_test: auto}")
        #expect(try parse(auto).budget.confirmTest == nil)
        let bad = Self.valid.replacingOccurrences(of: "duration: 3s}", with: "duration: 3s, confirm_test: wilcoxon}")
        let message = try #require(failure(bad)).description
        #expect(message.contains("budget.confirm_test") && message.contains("use auto, t or sign"), "\(message)")
    }

    @Test func missingFileIsNamed() {
        #expect(throws: SpecError.self) { try SpecLoader.load(path: "/nonexistent/study.yml") }
        do { _ = try SpecLoader.load(path: "/nonexistent/study.yml") } catch {
            #expect(error.description.contains("/nonexistent/study.yml"))
            #expect(error.description.contains("no such file"))
        }
    }

    @Test func yamlSyntaxErrorGivesTheLine() {
        let error = failure("study: demo\ntarget:\n  command: [a, b\nload: {}\n")
        #expect(error?.line != nil)
        #expect(error?.message.contains("YAML syntax error") == true)
    }

    @Test func unknownKeyIsNamedWithItsLineAndASuggestion() {
        let error = failure(replacing("  stop_grace: 2s", with: "  stop_grase: 2s"))
        #expect(error?.keyPath == "target.stop_grase")
        #expect(error?.line == 8)
        #expect(error?.message.contains("did you mean 'stop_grace'") == true)
    }

    @Test func sizeOutsideGoSyntaxIsRejected() {
        let error = failure(replacing("max_rss: 2GiB", with: "max_rss: 12XB"))
        #expect(error?.keyPath == "target.max_rss")
        #expect(error?.message.contains("12XB") == true)
        #expect(error?.message.contains("MiB") == true)
    }

    @Test func negativeGOGCIsRejected() {
        let error = failure(replacing("gogc: {min: 25, max: 400, off: true}", with: "gogc: {values: [100, -20]}"))
        #expect(error?.keyPath == "parameters.gogc.values[1]")
        #expect(error?.message.contains("off") == true)
    }

    @Test func wrongTypeIsRejected() {
        let error = failure(replacing("repeats: 2", with: "repeats: many"))
        #expect(error?.keyPath == "budget.repeats")
        #expect(error?.message.contains("whole number") == true)
    }

    @Test func outOfRangeValueIsRejected() {
        let error = failure(replacing("repeats: 2", with: "repeats: 0"))
        #expect(error?.keyPath == "budget.repeats")
        #expect(error?.message.contains("out of range") == true)
    }

    @Test func missingRequiredKeyIsNamed() {
        let error = failure(
            replacing("budget: {sampler: lhs, settings: 5, repeats: 2, warmup: 1s, duration: 3s}", with: "budget: {settings: 5}"))
        #expect(error?.keyPath == "budget.duration")
    }

    @Test func durationWithoutUnitIsRejected() {
        let error = failure(replacing("duration: 3s", with: "duration: 3"))
        #expect(error?.keyPath == "budget.duration")
    }

    @Test func badConstraintIsRejected() {
        let error = failure(replacing("\"rss_peak <= 1GiB\"", with: "\"rss_peak <= 1GB\""))
        #expect(error?.keyPath == "constraints[1]")
    }

    @Test func tunerOwnedEnvironmentCannotBeSetByTheSpec() {
        let error = failure(replacing("  stop_grace: 2s", with: "  stop_grace: 2s\n  env: {GOGC: \"50\"}"))
        #expect(error?.keyPath == "target.env.GOGC")
    }

    @Test func nonLoopbackReadinessURLIsRejected() {
        let error = failure(replacing("http://127.0.0.1:{port}/healthz", with: "http://10.0.0.1:{port}/healthz"))
        #expect(error?.keyPath == "target.ready.http")
    }

    @Test func unknownRecommendationObjectiveIsRejected() {
        let error = failure(replacing("objective: throughput_ops_per_sec}", with: "objective: rss_peak}"))
        #expect(error?.keyPath == "recommend.objective")
    }

    @Test func errorDescriptionReadsFileLineKeyMessage() {
        let error = SpecError(file: "a.yml", line: 3, keyPath: "budget.repeats", message: "bad")
        #expect(error.description == "a.yml:3: budget.repeats: bad")
    }
}
