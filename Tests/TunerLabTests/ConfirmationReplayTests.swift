import Foundation
import Testing
import TunerCore

@testable import TunerLab

@Suite struct ConfirmationReplayTests {
    @Test func subsetsAreEveryCombinationOnce() {
        let subsets = ConfirmationReplay.subsets(of: 8, size: 3)
        #expect(subsets.count == 56)
        #expect(Set(subsets.map { $0.description }).count == 56)
        #expect(subsets.allSatisfy { $0 == $0.sorted() && Set($0).count == 3 && $0.allSatisfy { (0..<8).contains($0) } })
        #expect(ConfirmationReplay.subsets(of: 2, size: 3).isEmpty)
    }

    /// Rounds of two settings whose candidate is 20 % better with 2 % noise: the truth is
    /// better, every 3-subset confirms under t and none under the sign test; the A/A rows of
    /// each setting are judged `same` and confirm about 5 % of the time or less.
    @Test func aClearGainIsConfirmedAndAnAACellKeepsItsLevel() throws {
        var generator = SeededGenerator(seed: 4)
        var trials: [TrialSample] = []
        let better = GCSetting(gogc: 400, memoryLimitBytes: nil)
        for round in 0..<8 {
            for (setting, level) in [(GCSetting.goDefault, 1000.0), (better, 1200.0)] {
                var trial = TrialSample(
                    trialIndex: trials.count, setting: setting, repeatIndex: round, outcome: .measured, startedAtUnixSeconds: 0,
                    wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: nil, gc: nil, memory: nil)
                trial.load = LoadResult(
                    operations: 100, throughputOpsPerSecond: level * (1 + 0.04 * (generator.nextUnit() - 0.5)), latencyP50Millis: 1,
                    latencyP90Millis: 1, latencyP99Millis: 1, latencyMaxMillis: 1, errors: 0, converged: true,
                    windowStartUnixNanos: 0, windowEndUnixNanos: 1)
                trials.append(trial)
            }
        }
        let rows = ConfirmationReplay.rounds(
            trials: trials, metrics: [(.throughputOpsPerSecond, .maximize)], tests: PairedTest.allCases, pairCounts: [3])
        let gain = try #require(rows.first { $0.candidate == better && $0.baseline == .goDefault && $0.test == .pairedT })
        #expect(gain.truth == .better && gain.replays == 56 && gain.confirmed == 56)
        let sign = try #require(rows.first { $0.candidate == better && $0.baseline == .goDefault && $0.test == .sign })
        #expect(sign.confirmed == 0)
        let loss = try #require(rows.first { $0.candidate == .goDefault && $0.baseline == better && $0.test == .pairedT })
        #expect(loss.truth == .worse && loss.confirmed == 0)
        let aa = rows.filter { $0.truth == .same && $0.test == .pairedT }
        #expect(aa.count == 2)
        for row in aa { #expect(Double(row.confirmed) / Double(row.replays) <= 0.08, "\(row)") }
        let summary = try #require(ConfirmationReplay.summaries(rows).first { $0.test == .pairedT })
        #expect(summary.power == 1)
        #expect(try #require(summary.wrongRate) <= 0.08)
    }
}
