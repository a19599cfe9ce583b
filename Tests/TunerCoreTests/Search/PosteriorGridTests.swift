import Foundation
import Testing

@testable import TunerCore

/// The surrogate's surface drawn in the notebook: the recommendation's own model, on a grid
/// whose shape and `off` arms follow the space.
@Suite struct PosteriorGridTests {
    let space = SearchSpace(
        gogc: .range(min: 25, max: 1600, includesOff: true),
        memoryLimit: .range(min: 64 << 20, max: 1 << 30, includesOff: true))
    let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [
        (.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize),
    ]

    /// Nine measured settings of the synthetic surface (noiseless), off arms included.
    var samples: [TrialSample] {
        let settings: [GCSetting] = [
            .goDefault, GCSetting(gogc: 25, memoryLimitBytes: nil), GCSetting(gogc: 400, memoryLimitBytes: nil),
            GCSetting(gogc: 1600, memoryLimitBytes: nil), GCSetting(gogc: 200, memoryLimitBytes: 128 << 20),
            GCSetting(gogc: nil, memoryLimitBytes: 256 << 20), GCSetting(gogc: nil, memoryLimitBytes: 96 << 20),
            GCSetting(gogc: 50, memoryLimitBytes: 1 << 30), GCSetting(gogc: 800, memoryLimitBytes: 512 << 20),
        ]
        var generator = SeededGenerator(seed: 5)
        return settings.enumerated().map { i, setting in
            let value = syntheticSurface(setting, noise: 0, generator: &generator)
            return syntheticTrial(setting, index: i, pause: value.pause, throughput: value.throughput)
        }
    }

    @Test func theGridHasOneColumnPerGOGCAndOneRowPerLimitWithOffLast() throws {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 3)
        let grid = try search.posteriorGrid(samples: samples, objective: 1, points: 12).get()
        #expect(grid.gogcValues.count == 13 && grid.memoryLimitBytesValues.count == 13)
        #expect(grid.shape == (13, 13))
        #expect(grid.gogcValues.first! == 25 && abs(grid.gogcValues[11]! - 1600) < 1e-9 && grid.gogcValues.last! == nil)
        #expect(grid.memoryLimitBytesValues.first! == Double(64 << 20) && grid.memoryLimitBytesValues.last! == nil)
        for matrix in [grid.posteriorMean, grid.posteriorSD, grid.predicted, grid.lower95, grid.upper95] {
            #expect(matrix.count == 13 && matrix.allSatisfy { $0.count == 13 })
        }
        #expect(grid.posteriorSD.joined().allSatisfy { $0 >= 0 })
        #expect(zip(grid.lower95.joined(), grid.upper95.joined()).allSatisfy { $0 <= $1 })
        #expect(grid.trainingTrials == 9)
        #expect(grid.scale == "throughput_ops_per_sec", "throughput is modelled as it is, in natural orientation")
        // Throughput is maximised (fitted negated); the grid shows it the right way up.
        #expect(grid.predicted.joined().allSatisfy { $0 > 1000 })
    }

    @Test func theGridIsTheRecommendationsOwnModel() throws {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 3)
        let recommendation = try #require(search.recommendation(samples: samples, rule: .best(objective: 1)))
        let measured = search.recommendationTrials(samples)
        let model = try #require(try search.recommendationModel(objective: 1, measured: measured, features: search.features(for: measured)))
        let atChoice = -model.predict(search.encoding.encode(recommendation.setting), includingNoise: false).mean
        let predicted = try #require(recommendation.predicted[.throughputOpsPerSecond])
        #expect(abs(atChoice - predicted) < 1e-9 * max(1, abs(predicted)), "recommend reads the same model")
        // The grid's off/off corner is that model at (off, off).
        let grid = try search.posteriorGrid(samples: samples, objective: 1, points: 5).get()
        let corner = -model.predict([SettingEncoding.offCoordinate, SettingEncoding.offCoordinate], includingNoise: false).mean
        #expect(abs(grid.predicted.last!.last! - corner) < 1e-9 * max(1, abs(corner)))
    }

    @Test func aLogModelledObjectiveIsMappedBackToItsUnits() throws {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 3)
        let grid = try search.posteriorGrid(samples: samples, objective: 0, points: 4).get()
        #expect(grid.scale.hasPrefix("log(pause_p99_ms + "))
        for (m, p) in zip(grid.posteriorMean.joined(), grid.predicted.joined()) {
            #expect(abs(p - (exp(m) - Metric.pauseP99Millis.logOffset)) < 1e-12)
        }
    }

    @Test func aSpaceWithNoLimitDomainGivesOneRow() throws {
        let listed = SearchSpace(gogc: .values([25, 100, 400]), memoryLimit: .values([nil]))
        let search = SurrogateSearch(space: listed, objectives: objectives, constraints: [], seed: 1)
        let few = samples.filter { $0.setting.memoryLimitBytes == nil && $0.setting.gogc != nil }
        let grid = try search.posteriorGrid(samples: few, objective: 1, points: 6).get()
        #expect(grid.memoryLimitBytesValues == [nil])
        #expect(grid.gogcValues.count == 6, "no GOGC=off in the list")
        #expect(grid.shape == (1, 6))
    }

    @Test func tooFewTrialsSayWhyThereIsNoGrid() {
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 1)
        guard case .failure(let why) = search.posteriorGrid(samples: Array(samples.prefix(1)), objective: 0) else {
            Issue.record("one trial cannot fit a model")
            return
        }
        #expect(why.description.contains("fewer than 2 measured trials"))
    }
}
