import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The plateau region on the committed reference baseline run (real trials of the bundled server).
@Suite struct PlateauRegionOnRecordedDataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func recommendation() throws -> (SurrogateSearch, SurrogateRecommendation) {
        let spec = try SpecLoader.load(path: "\(Self.root)/experiments/baseline.yml")
        let samples = try TrialsFile.read(path: "\(Self.root)/data/reference/baseline/trials.jsonl").filter { !$0.isConfirmation }
        let search = Samplers.surrogate(spec)
        return (search, try #require(search.recommendation(samples: samples, rule: spec.recommend)))
    }

    @Test func theChoiceIsTheOptimumAMemberAndTheLeanestMemberUsesLessMemory() throws {
        let (search, recommendation) = try recommendation()
        let region = try #require(recommendation.region)
        #expect(region.metric == .throughputOpsPerSecond)
        #expect(region.members.contains(region.optimum))
        #expect(region.choice == region.optimum)
        #expect(recommendation.setting == region.choice)
        if let leanest = region.leanest {
            #expect(region.members.contains(leanest))
            #expect(try #require(region.leanestPredictedRSSBytes) <= (try #require(region.optimumPredictedRSSBytes)))
        }
        #expect(region.band > 0 && region.bandFraction < 0.5)
        #expect(region.gridSize == search.plateauGrid.count || region.gridSize == search.plateauGrid.count + 1)
        let predictedRSS = try #require(recommendation.predicted[.rssPeakBytes])
        #expect(predictedRSS <= 256 * 1_048_576, "the choice must keep the study's memory budget")
    }

    @Test func theRegionIsReproducibleForOneSeed() throws {
        let first = try recommendation().1.region
        let second = try recommendation().1.region
        #expect(first == second)
    }
}
