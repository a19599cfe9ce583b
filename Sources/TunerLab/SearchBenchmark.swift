import Foundation
@_spi(Lab) import TunerCore
import TunerFakes
import TunerRuntime

/// Compares search strategies on a recorded surface: how many trials each needs to reach 95 %
/// of the surface's true hypervolume, and the hypervolume it holds after 10, 20 and 40 trials.
///
/// **Truth.** With ``Truth/pooled`` (the default), settings the Go runtime cannot tell apart
/// share one true value, the mean over all their repeats (see ``equivalenceClasses()``); with
/// ``Truth/means`` each setting's true value is the mean of its own repeats. The surface has 3
/// repeats a setting, so a mean carries the noise of 3 draws (throughput ± 5 %, pause p99
/// ± 13 % here), and among many equivalent settings the luckiest mean lands on the "true" front:
/// scored on raw means, a strategy gains hypervolume by measuring the same behaviour under
/// another name. Pooling removes that winner's curse.
///
/// **Hypervolume** is measured on a log scale in every objective (log(value + ε), ε =
/// ``Metric/logOffset``): pauses, throughput and RSS are positive and multiplicative, so halving
/// RSS from 400 to 200 MiB counts as much as from 80 to 40 MiB, and no objective's units swamp
/// another's. The reference point is the surface's nadir on that scale (the worst true value of
/// each objective). The true hypervolume is that of the non-dominated true values. A strategy's
/// hypervolume after t trials is that of the true values of the distinct settings it measured
/// in its first t trials (its own noisy draws decide where it goes; the truth scores where it
/// went).
public struct SearchBenchmark: Sendable {
    /// How true values are formed from the recorded repeats.
    public enum Truth: String, Sendable, CaseIterable {
        /// One value per class of equivalent settings: the mean over all of the class's repeats.
        case pooled
        /// The mean of each setting's own repeats.
        case means
    }

    public let evaluator: ReplayEvaluator
    public let objectives: [(metric: Metric, direction: ObjectiveDirection)]
    public let truthKind: Truth
    /// True values on the benchmark's log scale, by setting.
    public let truth: [GCSetting: [Double]]
    public let reference: [Double]
    public let trueVolume: Double

    /// The objectives of `experiments/baseline.yml`.
    public static let baselineObjectives: [(metric: Metric, direction: ObjectiveDirection)] = [
        (.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize),
    ]

    /// The benchmark's scale: log(value + ε).
    public static func scaled(_ metric: Metric, _ value: Double) -> Double {
        log(max(value, 0) + metric.logOffset)
    }

    /// - Parameters:
    ///   - truth: how true values are formed.
    ///   - poolTolerance: for ``Truth/pooled``, the relative difference in mean heap goal and
    ///     mean peak RSS within which two settings count as alike (``equivalenceClasses(_:tolerance:)``).
    ///     The goal's and RSS's own repeat-to-repeat noise is a few percent here; 10 % is twice that.
    public init(
        evaluator: ReplayEvaluator, objectives: [(metric: Metric, direction: ObjectiveDirection)] = baselineObjectives,
        truth truthKind: Truth = .pooled, poolTolerance: Double = 0.1
    ) {
        self.evaluator = evaluator
        self.objectives = objectives
        self.truthKind = truthKind
        let classes =
            truthKind == .pooled
            ? Self.equivalenceClasses(evaluator.surface, tolerance: poolTolerance)
            : Dictionary(uniqueKeysWithValues: evaluator.surface.keys.map { ($0, [$0]) })
        var truth: [GCSetting: [Double]] = [:]
        for (setting, members) in classes {
            let trials = members.flatMap { evaluator.surface[$0] ?? [] }
            let means = objectives.map { objective in Statistics.mean(trials.compactMap { objective.metric.value(of: $0) }) }
            if means.allSatisfy({ $0 != nil }) {
                truth[setting] = zip(objectives, means).map { Self.scaled($0.metric, $1!) }
            }
        }
        self.truth = truth
        let directions = objectives.map(\.direction)
        reference = objectives.indices.map { k in
            let values = truth.values.map { $0[k] }
            return directions[k] == .minimize ? values.max()! : values.min()!
        }
        trueVolume = Hypervolume.volume(Array(truth.values), reference: reference, directions: directions)
    }

    /// Which settings of a surface behave alike, judged from what the runtime did in them: a
    /// setting with both knobs set joins the class of the same GOGC without a limit when its
    /// mean heap goal and mean peak RSS are both within `tolerance` (10 %) of that setting's (the limit did
    /// not act), else the class of the same limit with `GOGC=off` when both are within
    /// `tolerance` of that one's (the limit alone decided), else it is a class of its own. Settings with a knob
    /// `off` anchor their classes.
    /// Returns, for each setting, the members of its class (itself included).
    public static func equivalenceClasses(_ surface: [GCSetting: [TrialSample]], tolerance: Double = 0.1) -> [GCSetting: [GCSetting]] {
        enum Key: Hashable {
            case gogc(Int?)
            case limit(Int64)
            case alone(GCSetting)
        }
        func behaviour(_ setting: GCSetting) -> (goal: Double, rss: Double)? {
            let trials = surface[setting] ?? []
            guard let goal = Statistics.mean(trials.compactMap { trial -> Double? in trial.gc?.heapGoalMiB.map { Double($0) } }),
                let rss = Statistics.mean(trials.compactMap { trial -> Double? in trial.memory.map { Double($0.peakBytes) } })
            else { return nil }
            return (goal, rss)
        }
        func alike(_ a: GCSetting, _ b: GCSetting) -> Bool {
            guard let x = behaviour(a), let y = behaviour(b), y.goal > 0, y.rss > 0 else { return false }
            return abs(x.goal / y.goal - 1) <= tolerance && abs(x.rss / y.rss - 1) <= tolerance
        }
        var keys: [GCSetting: Key] = [:]
        for setting in surface.keys {
            guard let limit = setting.memoryLimitBytes else {
                keys[setting] = .gogc(setting.gogc)
                continue
            }
            guard setting.gogc != nil else {
                keys[setting] = .limit(limit)
                continue
            }
            if alike(setting, GCSetting(gogc: setting.gogc, memoryLimitBytes: nil)) {
                keys[setting] = .gogc(setting.gogc)
            } else if alike(setting, GCSetting(gogc: nil, memoryLimitBytes: limit)) {
                keys[setting] = .limit(limit)
            } else {
                keys[setting] = .alone(setting)
            }
        }
        let groups = Dictionary(grouping: keys.keys, by: { keys[$0]! })
        return Dictionary(uniqueKeysWithValues: keys.map { ($0.key, groups[$0.value]!.sorted()) })
    }

    /// The settings on the true front.
    public var trueFront: [GCSetting] {
        let settings = truth.keys.sorted()
        let indices = ParetoFront.nonDominatedIndices(settings.map { truth[$0]! }, directions: objectives.map(\.direction))
        return indices.map { settings[$0] }.sorted()
    }

    /// Hypervolume of the true values of the settings in `visited`.
    public func volume(of visited: some Sequence<GCSetting>) -> Double {
        let points = Set(visited).compactMap { truth[$0] }
        return points.isEmpty ? 0 : Hypervolume.volume(points, reference: reference, directions: objectives.map(\.direction))
    }

    /// hv[t-1] = hypervolume after t trials of the sequence.
    public func trace(_ sequence: [GCSetting]) -> [Double] {
        var visited: [GCSetting] = []
        return sequence.map {
            visited.append($0)
            return volume(of: visited)
        }
    }

    /// The first t with hv ≥ 95 % of the true hypervolume, or nil.
    public func trialsToReach(_ fraction: Double, _ trace: [Double]) -> Int? {
        trace.firstIndex { $0 >= fraction * trueVolume }.map { $0 + 1 }
    }

    /// tuner's surrogate search on the replay: the sequence of settings it measures.
    @_spi(Lab) public func surrogateSequence(
        seed: UInt64, budget: Int, constraints: [Constraint] = [],
        inputModel: SurrogateSearch.InputModel = .heapGoal,
        acquisition: SurrogateSearch.AcquisitionKind = .expectedHypervolumeImprovement,
        explain: ((String) -> Void)? = nil
    ) -> [GCSetting] {
        let search = SurrogateSearch(
            space: evaluator.space, objectives: objectives, constraints: constraints,
            seed: seed, initialDesign: 5, stopFraction: 0,
            inputModel: inputModel, acquisition: acquisition)
        var samples: [TrialSample] = []
        while samples.count < budget {
            guard case .measure(let setting, let reason) = search.next(completed: samples) else { break }
            let repeatIndex = samples.filter { $0.setting == setting }.count
            samples.append(
                evaluator.run(
                    setting: setting, trialIndex: samples.count, repeatIndex: repeatIndex,
                    seed: seed &* 1_000_003 &+ UInt64(samples.count)))
            if let explain {
                let values = objectives.map { $0.metric.value(of: samples.last!).map($0.metric.format) ?? "-" }.joined(separator: ", ")
                let hv = volume(of: samples.map(\.setting)) / trueVolume * 100
                explain("[\(samples.count)] \(setting): \(values); HV \(formatFixed(hv, decimals: 1)) % — \(reason)")
            }
        }
        return samples.map(\.setting)
    }

    /// tuner's surrogate search run by `workers` workers at once on the replay: each proposal
    /// sees the trials measured so far plus the others' `workers − 1` pending ones as constant
    /// lies (``ConstantLiar``), and the oldest pending trial finishes when a worker is needed
    /// again. The sequence of settings in the order they were proposed (every one is measured).
    @_spi(Lab) public func parallelSurrogateSequence(seed: UInt64, budget: Int, workers: Int, constraints: [Constraint] = []) -> [GCSetting]
    {
        let search = SurrogateSearch(
            space: evaluator.space, objectives: objectives, constraints: constraints, seed: seed, initialDesign: 5, stopFraction: 0)
        var finished: [TrialSample] = []
        var pending: [PendingTrial] = []
        var proposed: [GCSetting] = []
        func finishOldest() {
            let trial = pending.removeFirst()
            finished.append(
                evaluator.run(
                    setting: trial.setting, trialIndex: finished.count, repeatIndex: trial.repeatIndex,
                    seed: seed &* 1_000_003 &+ UInt64(finished.count)))
        }
        while proposed.count < budget {
            if pending.count >= max(workers, 1) { finishOldest() }
            guard case .measure(let setting, _) = search.next(completed: ConstantLiar.searchState(finished: finished, pending: pending))
            else {
                if pending.isEmpty { break }
                finishOldest()
                continue
            }
            let repeatIndex = (finished.map(\.setting) + pending.map(\.setting)).filter { $0 == setting }.count
            pending.append(PendingTrial(setting: setting, repeatIndex: repeatIndex))
            proposed.append(setting)
        }
        return proposed
    }

    /// The oracle: settings chosen greedily on the truth itself, each adding the most true
    /// hypervolume. No strategy can know the truth; this is the yardstick for "few trials".
    public func oracleSequence(budget: Int) -> [GCSetting] {
        var chosen: [GCSetting] = []
        let settings = truth.keys.sorted()
        while chosen.count < min(budget, settings.count) {
            let remaining = settings.filter { !chosen.contains($0) }
            let gains = remaining.map { volume(of: chosen + [$0]) }
            chosen.append(remaining[gains.indices.max { gains[$0] < gains[$1] || (gains[$0] == gains[$1] && $0 > $1) }!])
        }
        return chosen
    }

    /// Every surface setting once, in a seeded random order.
    public func randomSequence(seed: UInt64, budget: Int) -> [GCSetting] {
        var generator = SeededGenerator(seed: seed)
        return Array(truth.keys.sorted().shuffled(using: &generator).prefix(budget))
    }

    /// A grid refined level by level, the way an engineer widens a grid search: the Go default,
    /// then level 0 (both ends of each axis), level 1 (adds the middle value), level 2 (the
    /// quarter points), … Level k of an axis with n sorted values holds the indices
    /// round(j · (n − 1) / 2ᵏ), j = 0…2ᵏ; a setting belongs to the larger of its two axes' first
    /// levels. Settings of one level come in a seeded random order.
    public func gridSequence(seed: UInt64, budget: Int) -> [GCSetting] {
        let gogcValues = Array(Set(truth.keys.map(\.gogc))).sorted { ($0 ?? Int.max) < ($1 ?? Int.max) }
        let limitValues = Array(Set(truth.keys.map(\.memoryLimitBytes))).sorted { ($0 ?? Int64.max) < ($1 ?? Int64.max) }
        let gogcLevels = Self.refinementLevels(count: gogcValues.count)
        let limitLevels = Self.refinementLevels(count: limitValues.count)
        func level(_ setting: GCSetting) -> Int {
            max(gogcLevels[gogcValues.firstIndex(of: setting.gogc)!], limitLevels[limitValues.firstIndex(of: setting.memoryLimitBytes)!])
        }
        var generator = SeededGenerator(seed: seed)
        let ordered = truth.keys.sorted().shuffled(using: &generator).map { ($0, level($0)) }
        // A stable sort by level keeps the shuffled order inside each level.
        let byLevel = ordered.enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 < $1.element.1 : $0.offset < $1.offset }
            .map(\.element.0)
        let withDefault = (truth[.goDefault] != nil ? [GCSetting.goDefault] : []) + byLevel.filter { !$0.isGoDefault }
        return Array(withDefault.prefix(budget))
    }

    /// The first refinement level of each index of an axis with `count` values (see
    /// ``gridSequence(seed:budget:)``).
    static func refinementLevels(count: Int) -> [Int] {
        var levels = [Int](repeating: Int.max, count: count)
        guard count > 0 else { return levels }
        var k = 0
        while levels.contains(Int.max) {
            let parts = 1 << k
            for j in 0...parts {
                let index = Int((Double(j) * Double(count - 1) / Double(parts)).rounded())
                levels[index] = min(levels[index], k)
            }
            k += 1
        }
        return levels
    }
}
