import Foundation
import Testing

@testable import TunerCore

@Suite struct PairedTestTests {
    /// Upper tails against tabled quantiles of Student's t (and the Cauchy's closed form).
    @Test(arguments: [
        (1.0, 1.0, 0.25), (0.0, 4.0, 0.5), (2.919986, 2.0, 0.05), (2.015048, 5.0, 0.05), (6.964557, 2.0, 0.01),
        (1.644854, 1e7, 0.05), (-2.919986, 2.0, 0.95), (12.706205, 1.0, 0.025),
    ])
    func upperTailsMatchTheTables(t: Double, df: Double, expected: Double) {
        #expect(abs(StudentT.upperTail(t, degreesOfFreedom: df) - expected) < 2e-6, "t = \(t), df = \(df)")
    }

    @Test func theTestThatFitsAMetric() {
        #expect(PairedTest.fitting(.throughputOpsPerSecond) == .pairedT)
        #expect(PairedTest.fitting(.cpuPerOpMicros) == .pairedT)
        #expect(PairedTest.fitting(.gcCPUSharePercent) == .pairedT)
        #expect(PairedTest.fitting(.pauseP99Millis) == .sign)
        #expect(PairedTest.fitting(.latencyP99Millis) == .sign)
        #expect(PairedTest.sign.fewestPairs() == 5)
        #expect(PairedTest.pairedT.fewestPairs() == 3)
    }

    @Test func improvementsAreSignedLogRatios() {
        #expect(abs(PairedTest.improvement(baseline: 100, candidate: 120, direction: .maximize) - log(1.2)) < 1e-12)
        #expect(abs(PairedTest.improvement(baseline: 100, candidate: 80, direction: .minimize) - log(1.25)) < 1e-12)
        #expect(PairedTest.improvement(baseline: 0, candidate: 2, direction: .minimize) == -2)
    }

    @Test func threeClearPairsConfirmUnderTButNotUnderTheSignTest() {
        // Gains of +20 %, +22 %, +19 %: t ≈ 22 on 2 degrees of freedom.
        let improvements = [1.20, 1.22, 1.19].map { log($0) }
        let t = PairedTest.pairedT.pValue(improvements: improvements)
        #expect(t.p < 0.01)
        #expect(t.statistic.contains("2 df"))
        #expect(abs(PairedTest.sign.pValue(improvements: improvements).p - 0.125) < 1e-12)
        // Mixed signs do not confirm.
        #expect(PairedTest.pairedT.pValue(improvements: [0.2, -0.1, 0.05]).p > 0.05)
        // No spread: decided by the sign of the mean.
        #expect(PairedTest.pairedT.pValue(improvements: [0.1, 0.1, 0.1]).p < 1e-9)
        #expect(PairedTest.pairedT.pValue(improvements: [-0.1, -0.1, -0.1]).p > 1 - 1e-9)
    }

    /// Under no difference (symmetric noise) the t-test confirms at most its level.
    @Test func underNoDifferenceTheTestKeepsItsLevel() {
        var generator = SeededGenerator(seed: 9)
        var confirmed = 0
        let replays = 4000
        for _ in 0..<replays {
            let improvements = (0..<3).map { _ in 0.05 * (generator.nextUnit() + generator.nextUnit() + generator.nextUnit() - 1.5) }
            if PairedTest.pairedT.pValue(improvements: improvements).p <= 0.05 { confirmed += 1 }
        }
        #expect(Double(confirmed) / Double(replays) <= 0.06, "\(confirmed) of \(replays)")
    }
}
