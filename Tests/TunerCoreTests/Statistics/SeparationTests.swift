import Foundation
import Testing

@testable import TunerCore

@Suite struct SeparationTests {
    /// Five settings, three trials each, values `centre(setting) + noise`.
    func groups(shift: Double, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<5).map { g in (0..<3).map { _ in 1000 + shift * Double(g) + 50 * (generator.nextUnit() - 0.5) } }
    }

    @Test func settingsThatDifferByManyNoiseWidthsSeparate() throws {
        let result = try #require(Separation.test(.throughputOpsPerSecond, groups: groups(shift: 100, seed: 1), seed: 2))
        #expect(result.separates)
        #expect(result.pValue <= 0.01)
        #expect(result.settings == 5 && result.trials == 15)
    }

    @Test func settingsDrawnFromOneDistributionMostlyDoNot() {
        // Under the null the p-value is uniform: about 5 % of studies "separate" by chance.
        let separated = (0..<40).filter { seed in
            Separation.test(.throughputOpsPerSecond, groups: groups(shift: 0, seed: UInt64(seed)), resamples: 199, seed: 7)!.separates
        }.count
        #expect(separated <= 6, "\(separated) of 40 null studies separated")
    }

    @Test func withoutARepeatedSettingThereIsNoTest() {
        #expect(Separation.test(.throughputOpsPerSecond, groups: [[1], [2], [3]], seed: 1) == nil)
        #expect(Separation.test(.throughputOpsPerSecond, groups: [[1, 2, 3]], seed: 1) == nil)
    }

    @Test func theReportWarnsWhenTheRulesObjectiveDoesNotSeparateAndNamesWhatMoved() {
        // Open-loop load: throughput is the offered rate whatever the setting; latency moves.
        var samples: [TrialSample] = []
        var generator = SeededGenerator(seed: 5)
        for (g, gogc) in [50, 100, 200, 400].enumerated() {
            for r in 0..<3 {
                samples.append(
                    syntheticTrial(
                        GCSetting(gogc: gogc, memoryLimitBytes: nil), index: samples.count, pause: 0.1,
                        throughput: 1000 + 10 * (generator.nextUnit() - 0.5), latency: 20 - 4 * Double(g) + 0.2 * Double(r)))
            }
        }
        let report = FrontierReport.make(
            study: "open", samples: samples,
            objectives: [(.latencyP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], rule: .best(objective: 1), seed: 3)
        let warning = report.separationWarning ?? ""
        #expect(warning.contains("throughput_ops_per_sec: permutation F-test"))
        #expect(warning.contains("The rule optimises throughput_ops_per_sec, so its choice rests on noise"))
        #expect(warning.contains("what the settings did change is latency_p99_ms"))
    }
}
