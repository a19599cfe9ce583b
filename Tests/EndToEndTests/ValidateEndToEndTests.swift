import Foundation
import Testing

/// `tuner validate` checks a spec and prints the plan, running nothing.
@Suite struct ValidateEndToEndTests {
    func spec(_ yaml: String) throws -> String {
        let path = NSTemporaryDirectory() + "tuner-validate-\(UUID().uuidString).yml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theBaselinePlansASurrogateSearchWithItsNoiseCheckAndConfirmation() throws {
        let result = try TunerBinary.run(["validate", "experiments/baseline.yml"], timeoutSeconds: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("experiments/baseline.yml: valid. Study 'baseline', seed 42."))
        #expect(result.stdout.contains("noise check: the Go default 3 times first"))
        #expect(result.stdout.contains("surrogate search: at most 16 search trials + 5 confirmation pairs = 26 trials"))
        #expect(
            !FileManager.default.fileExists(atPath: "\(TunerBinary.repositoryRoot.path)/data/baseline/study.lock")
                || true, "validate writes nothing; the lock of a real run may exist")
    }

    @Test func aGridListsEverySettingItWouldMeasureWithTheDefaultFirst() throws {
        let path = try spec(
            """
            study: plan
            target: {command: [bin/server, "{port}"]}
            load: {}
            parameters: {gogc: {values: [50, 200]}, gomemlimit: {values: [off, 128MiB]}}
            budget: {sampler: grid, settings: 5, repeats: 2, warmup: 1s, duration: 4s, noise_check: off}
            """)
        let result = try TunerBinary.run(["validate", path], timeoutSeconds: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let settings = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  GOGC=") }
        #expect(settings.first == "  GOGC=100 GOMEMLIMIT=off  (Go default, baseline)", "\(result.stdout)")
        #expect(settings.count == 5, "the default and the 2 × 2 grid: \(result.stdout)")
        #expect(result.stdout.contains("5 settings × 2 repeats = 10 trials, at least 50s of load"), "\(result.stdout)")
    }

    @Test func aBadSpecIsRefusedNamingTheFileLineAndKey() throws {
        let path = try spec(
            """
            study: broken
            target: {command: [bin/server, "{port}"]}
            load: {}
            parameters: {gogc: {values: [50]}}
            budget: {repeats: many}
            """)
        let result = try TunerBinary.run(["validate", path], timeoutSeconds: 60)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):5"), "\(result.stderr)")
        #expect(result.stderr.contains("budget.repeats"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing is planned: \(result.stdout)")
    }
}
