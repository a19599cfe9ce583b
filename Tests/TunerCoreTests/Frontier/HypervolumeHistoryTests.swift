import Foundation
import Testing

@testable import TunerCore

/// The notebook's hypervolume-against-trials curve: normalised, fixed reference, never falling.
@Suite struct HypervolumeHistoryTests {
    @Test func theHistoryOfTwoObjectivesMatchesTheStaircaseByHand() {
        // Normalised over all three points: best (0, 0), worst (1, 1); reference 1.1 on both.
        let history = HypervolumeHistory.compute(points: [[0, 1], [1, 0], [0.5, 0.5]], directions: [.minimize, .minimize])
        // (0, 1) alone: 1.1 × 0.1; with (1, 0): + 0.1 × 1.0; with (0.5, 0.5): + 0.5 × 0.5.
        #expect(abs(history.volumes[0] - 0.11) < 1e-12)
        #expect(abs(history.volumes[1] - 0.21) < 1e-12)
        #expect(abs(history.volumes[2] - 0.46) < 1e-12)
        #expect(history.frontierSizes == [1, 2, 3])
        #expect(history.reference == [1.1, 1.1])
    }

    @Test func aMaximisedObjectiveIsNormalisedWithItsBestAtZero() {
        // Pause (min) and throughput (max): the second point is better on both, so it alone is the front.
        let history = HypervolumeHistory.compute(points: [[2, 100], [1, 300]], directions: [.minimize, .maximize])
        #expect(history.best == [1, 300] && history.worst == [2, 100])
        #expect(abs(history.volumes[1] - 1.1 * 1.1) < 1e-12, "the best point on both objectives spans the whole box")
        #expect(history.frontierSizes[1] == 1)
        #expect(
            abs(history.reference[0] - 2.1) < 1e-12 && abs(history.reference[1] - 80) < 1e-12, "the reference lies past the worst value")
    }

    @Test func theHistoryNeverFallsAndAFailedTrialKeepsTheVolume() {
        var generator = SeededGenerator(seed: 11)
        for m in [2, 3] {
            let directions: [ObjectiveDirection] = Array([.minimize, .maximize, .minimize].prefix(m))
            let points: [[Double]?] = (0..<40).map { i in
                i % 7 == 3 ? nil : (0..<m).map { _ in generator.nextUnit() * 100 }
            }
            let history = HypervolumeHistory.compute(points: points, directions: directions)
            #expect(history.volumes.count == points.count)
            for i in 1..<points.count {
                #expect(history.volumes[i] >= history.volumes[i - 1] - 1e-12, "m=\(m) trial \(i)")
                if points[i] == nil { #expect(history.volumes[i] == history.volumes[i - 1]) }
            }
            #expect(history.volumes.last! <= pow(1.1, Double(m)) + 1e-12)
        }
    }

    @Test func noCountedTrialGivesZero() {
        let history = HypervolumeHistory.compute(points: [nil, nil], directions: [.minimize, .maximize])
        #expect(history.volumes == [0, 0])
        #expect(history.frontierSizes == [0, 0])
    }
}
