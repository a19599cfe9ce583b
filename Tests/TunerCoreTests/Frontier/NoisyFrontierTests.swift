import PropertyBased
import Testing

@testable import TunerCore

@Suite("Noisy frontier")
struct NoisyFrontierTests {
    /// `repeats` measurements of (pause ms, throughput ops/s) around `center` with relative noise.
    static func measurements(
        _ center: [Double], noise: Double, repeats: Int, generator: inout SeededGenerator
    ) -> [[Double]] {
        (0..<repeats).map { _ in center.map { $0 * (1 + noise * (2 * generator.nextUnit() - 1)) } }
    }

    static let directions: [ObjectiveDirection] = [.minimize, .maximize]

    /// Setting 0 clearly beats setting 1; settings 2 and 3 trade off with setting 0; setting 4 is
    /// within noise of being dominated by setting 0.
    static func study(seed: UInt64 = 7) -> [[[Double]]] {
        var generator = SeededGenerator(seed: seed)
        return [
            measurements([10, 1000], noise: 0.02, repeats: 8, generator: &generator),
            measurements([20, 500], noise: 0.02, repeats: 8, generator: &generator),
            measurements([5, 600], noise: 0.02, repeats: 8, generator: &generator),
            measurements([30, 2000], noise: 0.02, repeats: 8, generator: &generator),
            measurements([10.2, 995], noise: 0.10, repeats: 8, generator: &generator),
        ]
    }

    @Test("estimates are medians with intervals that contain them")
    func estimatesAreMedians() {
        let samples = Self.study()
        let frontier = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 300, seed: 1)
        for s in samples.indices {
            for k in 0..<2 {
                let estimate = frontier.estimates[s][k]
                #expect(estimate.value == Statistics.median(samples[s].map { $0[k] }))
                #expect(estimate.lower <= estimate.value && estimate.value <= estimate.upper)
                #expect(estimate.sampleCount == 8)
                #expect(estimate.level == 0.95)
            }
        }
    }

    @Test("a clearly dominated setting is off the frontier with confidence")
    func clearDomination() {
        let frontier = NoisyFrontier(samples: Self.study(), directions: Self.directions, resamples: 500, seed: 3)
        #expect(frontier.onFrontier[0] && frontier.onFrontier[2] && frontier.onFrontier[3])
        #expect(!frontier.onFrontier[1])
        #expect(frontier.dominatesWithConfidence(0, 1))
        #expect(!frontier.dominatesWithConfidence(1, 0))
        #expect(!frontier.dominatesWithConfidence(0, 2) && !frontier.dominatesWithConfidence(2, 0))
        #expect(frontier.membershipProbability[0] > 0.9)
        #expect(frontier.membershipProbability[1] == 0)
        #expect(frontier.membership(0) == .frontier)
        #expect(frontier.membership(1) == .dominated)
        #expect(frontier.confidentlyDominating(1).contains(0))
    }

    @Test("a setting within noise of the frontier is marked uncertain")
    func nearTieIsUncertain() {
        let frontier = NoisyFrontier(samples: Self.study(), directions: Self.directions, resamples: 1000, seed: 5)
        let p = frontier.membershipProbability[4]
        #expect(p > 0.1 && p < 0.9, "probability \(p)")
        #expect(frontier.isUncertain(4))
        #expect(frontier.membership(4) == .uncertain)
        #expect(!frontier.dominatesWithConfidence(0, 4))
    }

    @Test("a setting measured once is uncertain and has a zero-width interval")
    func singleSampleIsUncertain() {
        let samples: [[[Double]]] = [[[10, 1000]], [[20, 500], [21, 510]]]
        let frontier = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 200, seed: 1)
        #expect(frontier.estimates[0][0] == Estimate(value: 10, lower: 10, upper: 10, level: 0.95, sampleCount: 1))
        #expect(frontier.isUncertain(0))
        #expect(frontier.onFrontier == [true, false])
        #expect(frontier.membershipProbability == [1, 0])
    }

    @Test("equal seeds give equal results and the seed matters")
    func seededDeterminism() async {
        await propertyCheck(count: 30, input: Gen.uint64(), Gen.int(in: 1...6)) { seed, repeats in
            var generator = SeededGenerator(seed: seed)
            let samples = (0..<6).map { _ in
                Self.measurements(
                    [10 + 5 * generator.nextUnit(), 1000 * (1 + generator.nextUnit())], noise: 0.2, repeats: repeats, generator: &generator)
            }
            let a = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 200, seed: seed)
            let b = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 200, seed: seed)
            #expect(a.estimates == b.estimates)
            #expect(a.membershipProbability == b.membershipProbability)
            #expect(a.onFrontier == b.onFrontier)
            // The frontier of the medians never depends on the seed.
            let c = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 200, seed: seed &+ 1)
            #expect(a.onFrontier == c.onFrontier)
            #expect(a.estimates.map { $0.map(\.value) } == c.estimates.map { $0.map(\.value) })
        }
        let samples = Self.study()
        let a = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 400, seed: 1)
        let b = NoisyFrontier(samples: samples, directions: Self.directions, resamples: 400, seed: 2)
        #expect(a.estimates != b.estimates || a.membershipProbability != b.membershipProbability)
    }

    @Test("membership probabilities are fractions and frontier members of noiseless data are certain")
    func probabilitiesAreFractions() async {
        await propertyCheck(count: 50, input: FrontierGen.tied(dimensions: 1...3, count: 1...8, levels: 3)) { c in
            // Three identical repeats per setting: no noise, so resampling never changes anything.
            let samples = c.points.map { [$0, $0, $0] }
            let frontier = NoisyFrontier(samples: samples, directions: c.directions, resamples: 50, seed: 11)
            #expect(frontier.onFrontier == ParetoFront.nonDominatedMask(c.pointSet, directions: c.directions))
            for s in c.points.indices {
                #expect(frontier.membershipProbability[s] == (frontier.onFrontier[s] ? 1 : 0))
                #expect(!frontier.isUncertain(s))
            }
        }
    }

    @Test("dominance with confidence needs separated intervals on some objective")
    func confidenceNeedsSeparation() {
        // Identical settings never dominate each other, even with confidence.
        let same: [[[Double]]] = [[[1, 1], [1.1, 1.1]], [[1, 1], [1.1, 1.1]]]
        let frontier = NoisyFrontier(samples: same, directions: [.minimize, .minimize], resamples: 100, seed: 1)
        #expect(!frontier.dominatesWithConfidence(0, 1) && !frontier.dominatesWithConfidence(1, 0))
        #expect(frontier.onFrontier == [true, true])
        // Separated on pause, identical throughput: dominates with confidence.
        let apart: [[[Double]]] = [[[1, 500], [1.1, 500]], [[5, 500], [5.5, 500]]]
        let f2 = NoisyFrontier(samples: apart, directions: Self.directions, resamples: 100, seed: 1)
        #expect(f2.dominatesWithConfidence(0, 1) && !f2.dominatesWithConfidence(1, 0))
    }

    @Test("an empty study has an empty frontier")
    func emptyStudy() {
        let frontier = NoisyFrontier(samples: [], directions: Self.directions, seed: 1)
        #expect(frontier.count == 0 && frontier.onFrontier.isEmpty && frontier.membershipProbability.isEmpty)
    }
}
