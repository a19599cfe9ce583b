import Foundation
import Testing

@testable import TunerCore

@Suite struct PlateauRegionTests {
    /// A flat top: throughput rises with the heap goal until 120 MiB and is flat beyond, while
    /// RSS keeps growing with the goal. Any setting on the flat top is as good as the optimum, up
    /// to `rise` (a share of throughput gained per doubling of the goal beyond 120 MiB).
    func flatTopStudy(noise: Double, rise: Double = 0) -> (SurrogateSearch, [TrialSample]) {
        let space = SearchSpace(gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .values([nil]))
        let search = SurrogateSearch(
            space: space, objectives: [(.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize)],
            constraints: [], seed: 3, initialDesign: 4)
        var generator = SeededGenerator(seed: 11)
        var samples: [TrialSample] = []
        for gogc in [25, 50, 80, 120, 200, 300, 450, 700, 1000, 1600] {
            for repeatIndex in 0..<2 {
                let goal = Double(syntheticHeapGoalMiB(GCSetting(gogc: gogc, memoryLimitBytes: nil)))
                let top = 1 + rise * max(0, log2(goal / 120))
                let throughput = 10000 * min(goal, 120) / 120 * top * (1 + noise * (generator.nextUnit() - 0.5))
                var sample = syntheticTrial(
                    GCSetting(gogc: gogc, memoryLimitBytes: nil), index: samples.count, pause: 0.1,
                    throughput: throughput, rssBytes: Int64((goal + 20) * 1_048_576))
                sample.repeatIndex = repeatIndex
                samples.append(sample)
            }
        }
        return (search, samples)
    }

    @Test func aFlatTopGivesARegionWhoseOptimumIsChosenAndWhoseLeanestMemberIsNamed() throws {
        // A top that rises slowly (2 % a doubling of the goal, about two trials' noise): the optimum lies at its
        // high-memory end, the leanest member towards its low-memory edge.
        let (search, samples) = flatTopStudy(noise: 0.04, rise: 0.02)
        let recommendation = try #require(search.recommendation(samples: samples, rule: .best(objective: 0)))
        let region = try #require(recommendation.region)
        #expect(region.members.count >= 3, "\(region.summary)")
        #expect(region.choice == recommendation.setting)
        #expect(region.choice == region.optimum)
        // The flat top starts where the goal reaches 120 MiB (GOGC ≈ 370 on this service): the
        // leanest member sits near its low-memory edge, below the optimum's memory, and is named
        // with its predictions but not chosen.
        let leanest = try #require(region.leanest)
        #expect(region.members.contains(leanest))
        let leanestGoal = syntheticHeapGoalMiB(leanest)
        let optimumGoal = syntheticHeapGoalMiB(region.optimum)
        #expect(leanestGoal < optimumGoal)
        #expect(leanestGoal >= 80, "the leanest member must stay on (or within noise of) the flat top: \(leanest)")
        let leanestRSS = try #require(region.leanestPredictedRSSBytes)
        let optimumRSS = try #require(region.optimumPredictedRSSBytes)
        #expect(leanestRSS < optimumRSS)
        #expect(recommendation.predicted[.rssPeakBytes].map { abs($0 - optimumRSS) <= 1e-6 * optimumRSS } == true)
        #expect(region.summary.contains("smallest predicted peak RSS is \(leanest)"))
        #expect(region.summary.contains("by taking the optimum itself"))
    }

    @Test func withoutAModelOfRSSTheChoiceIsTheOptimum() throws {
        let (_, samples) = flatTopStudy(noise: 0.04)
        let space = SearchSpace(gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .values([nil]))
        let search = SurrogateSearch(
            space: space, objectives: [(.throughputOpsPerSecond, .maximize)], constraints: [], seed: 3, initialDesign: 4)
        let region = try #require(search.recommendation(samples: samples, rule: .best(objective: 0))?.region)
        #expect(region.choice == region.optimum)
        #expect(region.leanest == nil)
        #expect(!region.summary.contains("smallest predicted peak RSS"))
    }

    @Test func rangesAreDescribedPerKindOfSettingAndRegionsOverlapOnSharedMembers() {
        let members = [
            GCSetting(gogc: nil, memoryLimitBytes: 190 << 20), GCSetting(gogc: nil, memoryLimitBytes: 239 << 20),
            GCSetting(gogc: 400, memoryLimitBytes: 200 << 20), GCSetting(gogc: 800, memoryLimitBytes: 230 << 20),
        ]
        let region = PlateauRegion(
            metric: .throughputOpsPerSecond, optimum: members[1], optimumPredicted: 10000, band: 500,
            bandSource: "test", members: members, gridSize: 100, choiceRule: "taking the optimum itself",
            choice: members[1])
        #expect(region.rangeText == "GOGC 400–800 with GOMEMLIMIT 200MiB–230MiB; GOGC=off with GOMEMLIMIT 190MiB–239MiB")
        #expect(abs(region.bandFraction - 0.05) < 1e-12)
        var other = region
        other.members = [members[3], GCSetting(gogc: 1600, memoryLimitBytes: 250 << 20)]
        #expect(region.overlaps(other))
        other.members = [GCSetting(gogc: 1600, memoryLimitBytes: 250 << 20)]
        #expect(!region.overlaps(other))
    }
}
