import Foundation
import TunerCore

/// Compares search strategies on a recorded surface: how many trials each needs to reach 95 %
/// of the surface's true hypervolume, and the hypervolume it holds after 10, 20 and 40 trials.
///
/// "True" values of a setting are the means of its recorded repeats; the true hypervolume is
/// that of the non-dominated true values, with the reference point at the surface's nadir (the
/// worst true value of each objective). A strategy's hypervolume after t trials is that of the
/// true values of the distinct settings it measured in its first t trials (its own noisy draws
/// decide where it goes; the truth scores where it went).
public struct SearchBenchmark: Sendable {
    public let evaluator: ReplayEvaluator
    public let objectives: [(metric: Metric, direction: ObjectiveDirection)]
    public let truth: [GCSetting: [Double]]
    public let reference: [Double]
    public let trueVolume: Double

    public init(evaluator: ReplayEvaluator, objectives: [(metric: Metric, direction: ObjectiveDirection)]) {
        self.evaluator = evaluator
        self.objectives = objectives
        var truth: [GCSetting: [Double]] = [:]
        for (setting, trials) in evaluator.surface {
            let means = objectives.map { objective in Statistics.mean(trials.compactMap { objective.metric.value(of: $0) }) }
            if means.allSatisfy({ $0 != nil }) { truth[setting] = means.map { $0! } }
        }
        self.truth = truth
        let directions = objectives.map(\.direction)
        reference = objectives.indices.map { k in
            let values = truth.values.map { $0[k] }
            return directions[k] == .minimize ? values.max()! : values.min()!
        }
        trueVolume = Hypervolume.volume(Array(truth.values), reference: reference, directions: directions)
    }

    /// Hypervolume of the true values of the settings in `visited`.
    public func volume(of visited: some Sequence<GCSetting>) -> Double {
        let points = Set(visited).compactMap { truth[$0] }
        return points.isEmpty ? 0 : Hypervolume.volume(points, reference: reference, directions: objectives.map(\.direction))
    }

    /// hv[t-1] = hypervolume after t trials of the sequence.
    public func trace(_ sequence: [GCSetting]) -> [Double] {
        var visited: [GCSetting] = []
        return sequence.map { visited.append($0); return volume(of: visited) }
    }

    /// The first t with hv ≥ 95 % of the true hypervolume, or nil.
    public func trialsToReach(_ fraction: Double, _ trace: [Double]) -> Int? {
        trace.firstIndex { $0 >= fraction * trueVolume }.map { $0 + 1 }
    }

    /// tuner's surrogate search on the replay: the sequence of settings it measures.
    public func surrogateSequence(seed: UInt64, budget: Int, constraints: [Constraint] = []) -> [GCSetting] {
        let search = SurrogateSearch(space: evaluator.space, objectives: objectives, constraints: constraints,
                                     seed: seed, initialDesign: 5, stopFraction: 0)
        var samples: [TrialSample] = []
        while samples.count < budget {
            guard case .measure(let setting, _) = search.next(completed: samples) else { break }
            let repeatIndex = samples.filter { $0.setting == setting }.count
            samples.append(evaluator.run(setting: setting, trialIndex: samples.count, repeatIndex: repeatIndex,
                                         seed: seed &* 1_000_003 &+ UInt64(samples.count)))
        }
        return samples.map(\.setting)
    }

    /// Every surface setting once, in a seeded random order.
    public func randomSequence(seed: UInt64, budget: Int) -> [GCSetting] {
        var generator = SeededGenerator(seed: seed)
        return Array(truth.keys.sorted().shuffled(using: &generator).prefix(budget))
    }

    /// A grid refined level by level: the Go default, then settings ordered by the coarsest
    /// grid level (bit-reversed index depth on each axis) they belong to, seeded within a level.
    public func gridSequence(seed: UInt64, budget: Int) -> [GCSetting] {
        let gogcValues = Array(Set(truth.keys.map(\.gogc))).sorted { ($0 ?? Int.max) < ($1 ?? Int.max) }
        let limitValues = Array(Set(truth.keys.map(\.memoryLimitBytes))).sorted { ($0 ?? Int64.max) < ($1 ?? Int64.max) }
        func depth(_ index: Int, _ count: Int) -> Int {
            // Level 0: both ends; level k: the midpoints that halve level k-1's gaps.
            guard count > 2 else { return 0 }
            if index == 0 || index == count - 1 { return 0 }
            var level = 1
            var step = Double(count - 1) / 2
            while step >= 1 {
                let position = Double(index) / step
                if abs(position - position.rounded()) < 1e-9 { return level }
                step /= 2
                level += 1
            }
            return level
        }
        var generator = SeededGenerator(seed: seed)
        let ordered = truth.keys.sorted().shuffled(using: &generator).sorted { a, b in
            let da = max(depth(gogcValues.firstIndex(of: a.gogc)!, gogcValues.count), depth(limitValues.firstIndex(of: a.memoryLimitBytes)!, limitValues.count))
            let db = max(depth(gogcValues.firstIndex(of: b.gogc)!, gogcValues.count), depth(limitValues.firstIndex(of: b.memoryLimitBytes)!, limitValues.count))
            return da < db
        }
        let withDefault = (truth[.goDefault] != nil ? [GCSetting.goDefault] : []) + ordered.filter { !$0.isGoDefault }
        return Array(withDefault.prefix(budget))
    }
}
