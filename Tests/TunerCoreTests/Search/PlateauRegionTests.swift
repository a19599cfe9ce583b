import Foundation
import Testing

@testable import TunerCore

@Suite struct PlateauRegionTests {
    /// A flat top: throughput saturates smoothly with the heap goal (1 − e^(−goal/30 MiB): within
    /// 2 % of its top from 120 MiB on), while RSS keeps growing with the goal. Any setting on the flat top is as good as the optimum, up
    /// to `rise` (a share of throughput gained per doubling of the goal beyond 120 MiB).
    func flatTopStudy(noise: Double, rise: Double = 0, repeats: Int = 2) -> (SurrogateSearch, [TrialSample]) {
        let space = SearchSpace(gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .values([nil]))
        let search = SurrogateSearch(
            space: space, objectives: [(.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize)],
            constraints: [], seed: 3, initialDesign: 4)
        var generator = SeededGenerator(seed: 11)
        var samples: [TrialSample] = []
        for gogc in [25, 50, 80, 120, 200, 300, 450, 700, 1000, 1600] {
            for repeatIndex in 0..<repeats {
                let goal = Double(syntheticHeapGoalMiB(GCSetting(gogc: gogc, memoryLimitBytes: nil)))
                let top = 1 + rise * max(0, log2(goal / 120))
                let saturation = 1 - exp(-goal / 30)
                let throughput = 10000 * saturation * top * (1 + noise * (generator.nextUnit() - 0.5))
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
        let (search, samples) = flatTopStudy(noise: 0.04, rise: 0, repeats: 4)
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

    /// The web-server case: one noisy trial per setting (10 % noise), the trials bunched at large
    /// heaps where throughput is flat, the low-memory corner unmeasured though it is 25 % worse.
    /// No unmeasured setting far from the data may join the region or be named as the lean
    /// alternative; the region's members must truly be within the band plus the noise.
    @Test func aNoisyFlatModelOffersNoFarUnmeasuredSettingAsEquivalent() throws {
        let space = SearchSpace(
            gogc: .range(min: 25, max: 1600, includesOff: true), memoryLimit: .range(min: 32 << 20, max: 512 << 20, includesOff: true))
        let search = SurrogateSearch(
            space: space, objectives: [(.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize)],
            constraints: [Constraint(metric: .rssPeakBytes, comparison: .atMost, bound: 600 * 1_048_576)], seed: 5, initialDesign: 4)
        /// True throughput: 1000 requests/s once the heap goal reaches 150 MiB, down to 740 at 30 MiB.
        func truth(_ setting: GCSetting) -> Double {
            let goal = Double(syntheticHeapGoalMiB(setting))
            return 1000 - 260 * max(0, min(1, (150 - goal) / 120))
        }
        var generator = SeededGenerator(seed: 23)
        let measuredSettings: [GCSetting] = [
            .goDefault, GCSetting(gogc: 400, memoryLimitBytes: nil), GCSetting(gogc: 800, memoryLimitBytes: 400 << 20),
            GCSetting(gogc: nil, memoryLimitBytes: 231 << 20), GCSetting(gogc: nil, memoryLimitBytes: 300 << 20),
            GCSetting(gogc: 1600, memoryLimitBytes: 256 << 20), GCSetting(gogc: 600, memoryLimitBytes: nil),
            GCSetting(gogc: nil, memoryLimitBytes: 480 << 20), GCSetting(gogc: 1200, memoryLimitBytes: 200 << 20),
            GCSetting(gogc: 300, memoryLimitBytes: 350 << 20),
        ]
        let samples = measuredSettings.enumerated().map { index, setting in
            let goal = Double(syntheticHeapGoalMiB(setting))
            let noisy = truth(setting) * (1 + 0.1 * 2 * (generator.nextUnit() - 0.5) * 1.7)
            return syntheticTrial(setting, index: index, pause: 0.1, throughput: noisy, rssBytes: Int64((min(goal, 500) + 20) * 1_048_576))
        }
        let recommendation = try #require(search.recommendation(samples: samples, rule: .best(objective: 0)))
        let region = try #require(recommendation.region)
        let measured = samples.map { search.encoding.encode($0.setting) }
        func distanceToData(_ setting: GCSetting) -> Double {
            let x = search.encoding.encode(setting)
            var nearest = Double.infinity
            for m in measured {
                var squares = 0.0
                for j in m.indices { squares += (m[j] - x[j]) * (m[j] - x[j]) }
                nearest = min(nearest, squares.squareRoot())
            }
            return nearest
        }
        for member in region.members where !measuredSettings.contains(member) {
            #expect(
                distanceToData(member) <= 0.25, "\(member) joined the region \(distanceToData(member)) from the data: \(region.summary)")
            #expect(truth(member) >= 0.85 * truth(region.optimum), "\(member) is truly \(truth(member)) against \(truth(region.optimum))")
        }
        if let leanest = region.leanest {
            #expect(measuredSettings.contains(leanest) || distanceToData(leanest) <= 0.25, "lean alternative \(leanest) far from the data")
            #expect(truth(leanest) >= 0.85 * truth(region.optimum))
            #expect(region.leanestInterval?.count == 2 && region.leanestRSSInterval?.count == 2)
            #expect(region.summary.contains("80 % posterior intervals"))
        }
        // The corner the search never measured is not offered.
        let corner = GCSetting(gogc: 25, memoryLimitBytes: 32 << 20)
        #expect(!region.members.contains(corner))
    }

    /// An uninformed model (the default measured three times with 10 % noise, three far-apart
    /// settings once each, their differences within that noise) yields "the search could not
    /// separate these settings", not a region.
    @Test func anUninformedModelClaimsNoRegion() throws {
        let space = SearchSpace(gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .values([nil]))
        let search = SurrogateSearch(
            space: space, objectives: [(.throughputOpsPerSecond, .maximize)], constraints: [], seed: 3, initialDesign: 2)
        let runs: [(Int, Double)] = [(100, 1000), (100, 1100), (100, 900), (25, 960), (400, 1060), (1600, 990)]
        let samples = runs.enumerated().map { index, item in
            var sample = syntheticTrial(GCSetting(gogc: item.0, memoryLimitBytes: nil), index: index, pause: 0.1, throughput: item.1)
            sample.repeatIndex = runs[..<index].filter { $0.0 == item.0 }.count
            return sample
        }
        let region = try #require(search.recommendation(samples: samples, rule: .best(objective: 0))?.region)
        #expect(region.isUnresolved, "\(region.summary) \(String(describing: region.signalToNoise))")
        #expect(region.members == [region.optimum])
        #expect(region.summary.contains("could not separate"))
        #expect(region.leanest == nil)
    }
}
