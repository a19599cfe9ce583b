import Testing

@testable import TunerCore

@Suite struct LevelVerificationTests {
    let level = LoadLevel(name: "2x", mode: .closed, clients: 128, rateHz: nil)
    let candidate = GCSetting(gogc: 1600, memoryLimitBytes: 170 << 20)

    func pairs(_ values: [(Double, Double)], candidateLiveMiB: Int = 40, candidateCycles: Int = 2, latency: Double = 10) -> [(
        baseline: TrialSample, candidate: TrialSample
    )] {
        values.enumerated().map { i, v in
            (
                VerifyFixtures.sample(2 * i, .goDefault, throughput: v.0, cycles: 12),
                VerifyFixtures.sample(
                    2 * i + 1, candidate, throughput: v.1, latencyP99: latency, liveHeapMiB: candidateLiveMiB, cycles: candidateCycles)
            )
        }
    }

    func analyse(_ pairs: [(baseline: TrialSample, candidate: TrialSample)], constraints: [Constraint] = []) -> LevelVerification {
        LevelVerification.analyse(
            level: level, candidate: candidate, pairs: pairs, failures: [], decisive: (.throughputOpsPerSecond, .maximize),
            constraints: constraints, minimumMargin: 1.5, seed: 7)
    }

    @Test func aRecommendationThatWinsInEveryPairHoldsAndCarriesIntervals() {
        let result = analyse(pairs([(1000, 1200), (1010, 1230), (990, 1190)]))
        #expect(result.held, "\(result.flags)")
        let change = result.row(.throughputOpsPerSecond)?.change
        #expect(change != nil && change!.lower > 0 && change!.sampleCount == 3)
        #expect(result.row(.throughputOpsPerSecond)?.baseline?.sampleCount == 3)
        #expect(result.margin != nil && abs(result.margin!.multiple - 170.0 / 40) < 1e-9)
    }

    @Test func aRecommendationThatLosesInEveryPairIsFlaggedButAMixedOneIsNoise() {
        let losing = analyse(pairs([(1000, 900), (1010, 930), (990, 950)]))
        #expect(!losing.held)
        #expect(losing.flags.contains { $0.hasPrefix("loses on throughput_ops_per_sec") })
        let mixed = analyse(pairs([(1000, 900), (1010, 1100), (990, 950)]))
        #expect(!mixed.flags.contains { $0.hasPrefix("loses on throughput") }, "one pair the other way: within noise")
    }

    @Test func aBrokenConstraintIsFlaggedWithTheDefaultsFigureBesideIt() {
        let result = analyse(
            pairs([(1000, 1200), (1010, 1230), (990, 1190)], latency: 150),
            constraints: [Constraint(metric: .latencyP99Millis, comparison: .atMost, bound: 120)])
        #expect(result.flags.contains { $0.contains("breaks latency_p99_ms <= 120") && $0.contains("the default: 10.0, met") })
    }

    @Test func aLimitCloseToTheLiveHeapIsFlaggedAsALowMarginAndBackToBackCollection() {
        // 150 MiB of live heap under a 170 MiB limit: 1.13×, and the collector runs more often
        // than at the default (14 cycles against 12 in the window).
        let result = analyse(pairs([(1000, 1010), (1010, 1000), (990, 995)], candidateLiveMiB: 150, candidateCycles: 14))
        #expect(result.margin?.isBelowThreshold == true)
        #expect(result.margin?.backToBack == true)
        #expect(result.flags.contains { $0.hasPrefix("margin to the limit 1.13×") })
        #expect(result.flags.contains { $0.hasPrefix("the collector runs back to back") })
    }

    @Test func theCollectorRunsBackToBackAtTheRuntimesCapOrAtTheDefaultsPace() throws {
        let limit: Int64 = 170 << 20
        let defaults = (0..<3).map { VerifyFixtures.sample($0, .goDefault, throughput: 1000, cycles: 12) }
        func margin(cycles: Int, share: Double) throws -> LimitMargin {
            let runs = (0..<3).map { VerifyFixtures.sample(10 + $0, candidate, throughput: 1000, cycles: cycles, gcShare: share) }
            return try #require(LimitMargin.measure(limitBytes: limit, candidateRuns: runs, defaultRuns: defaults, minimumMultiple: 1.5))
        }
        #expect(try !margin(cycles: 2, share: 0.3).backToBack, "fewer cycles than the default, under the cap")
        #expect(try margin(cycles: 2, share: 0.55).backToBack, "at the runtime's 50 % cap")
        #expect(try margin(cycles: 12, share: 0.1).backToBack, "as often as the default")
    }

    @Test func aSettingWithoutALimitHasNoMarginAndNoPairsIsFlagged() {
        let noLimit = LevelVerification.analyse(
            level: level, candidate: GCSetting(gogc: 400, memoryLimitBytes: nil), pairs: [], failures: ["x"],
            decisive: nil, constraints: [], minimumMargin: 1.5, seed: 1)
        #expect(noLimit.margin == nil)
        #expect(!noLimit.held && noLimit.flags == ["no pair was measured at this level"])
    }

    @Test func theVerificationHoldsOnlyWhenEveryPlannedLevelHeld() {
        let held = analyse(pairs([(1000, 1200), (1010, 1230), (990, 1190)]))
        let other = LoadLevel(name: "0.5x", mode: .closed, clients: 32, rateHz: nil)
        var verification = Verification(
            candidate: candidate, pairsPerLevel: 3, durationSeconds: 6, warmupSeconds: 2, levels: [held], plannedLevels: [level, other],
            startedAtUnixSeconds: 0, finishedAtUnixSeconds: nil)
        #expect(!verification.held && verification.headline.hasPrefix("verification INCOMPLETE"))
        verification.plannedLevels = [level]
        verification.finishedAtUnixSeconds = 1
        #expect(verification.held && verification.headline.hasPrefix("verified:"))
        verification.levels = [analyse(pairs([(1000, 900), (1010, 930), (990, 950)]))]
        #expect(!verification.held && verification.headline.hasPrefix("NOT HELD at 2x"))
    }

    @Test func pairsAreMatchedByLoadInTheOrderTheyRan() {
        let renamed = LoadLevel(name: "128 clients", mode: .closed, clients: 128, rateHz: nil)
        let trials = [
            VerificationTrial(level: renamed, sample: VerifyFixtures.sample(0, .goDefault, throughput: 1)),
            VerificationTrial(level: renamed, sample: VerifyFixtures.sample(1, candidate, throughput: 2)),
            VerificationTrial(
                level: LoadLevel(name: "1x", mode: .closed, clients: 64, rateHz: nil),
                sample: VerifyFixtures.sample(2, .goDefault, throughput: 3)),
            VerificationTrial(level: level, sample: VerifyFixtures.sample(3, .goDefault, throughput: 4)),
        ]
        let matched = VerificationTrial.pairs(at: level, candidate: candidate, in: trials)
        #expect(matched.count == 1 && matched[0].baseline.trialIndex == 0 && matched[0].candidate.trialIndex == 1)
    }
}
