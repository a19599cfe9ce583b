import Foundation
@_spi(Lab) import TunerCore
import TunerFakes
import TunerRuntime

/// tuner's side of the held-out search benchmark (`experiments/bench/compare.sh`): runs tuner's
/// surrogate search on a recorded draw surface under common random numbers and records, per
/// seed, the settings it measured and what it would recommend after N trials; and exports the
/// surface as a table of metric values that the Python opponents and the scorer read (so both
/// languages see exactly the values tuner's metric definitions give).
///
/// **As `tuner run` runs it.** The search is `Samplers.surrogate(spec)` of the study spec (the
/// baseline's objectives, constraints, start size, seed = the benchmark seed) with its space
/// replaced by the surface's grid, which every strategy shares; each trial is visit k of its
/// setting (k = trials of it before), served by ``ReplayEvaluator/draw(_:visit:seed:trialIndex:)``.
/// The recommendation after N trials is ``StudySpec/candidate(after:)`` of the first N, the
/// setting `tuner run` would go on to confirm. The noise check's default runs are not part of
/// the benchmark (no other strategy gets them); the search's own stopping rule stays on, so a
/// run may end before the budget, and its recommendation at a larger N is the one it ended with.
public struct CommonDrawsBenchmark: Sendable {
    /// How the first `budget.initial` trials are chosen.
    public enum Start: String, Sendable, CaseIterable {
        /// tuner's own start (the Go default, then settings spread in heap-goal space).
        case own
        /// `budget.initial` distinct grid settings drawn uniformly at random (seeded), then
        /// tuner's search: separates the start's value from the search's.
        case random
    }

    /// One run of one seed, as written to the records file (one JSON object per line).
    public struct Record: Codable, Sendable, Equatable {
        /// "tuner", or "tuner-box" for the ablation on raw knob inputs (``inputModel``).
        public var strategy: String
        /// "own" or "random" (``Start``).
        public var start: String
        public var seed: UInt64
        public var budget: Int
        /// Grid positions [GOGC index, GOMEMLIMIT index] of the trials, in order.
        public var trials: [[Int]]
        /// Why the search ended before the budget, if it did.
        public var stop: String?
        /// After N trials (key: N): the recommended setting's grid position, or nil for none.
        public var recommendation: [String: [Int]?]
        /// After N trials: the surrogate's posterior optimum (the same as `recommendation` since
        /// the optimum is what tuner recommends; records written before then hold the robust
        /// rule's choice in `recommendation`). Nil in records written before it existed.
        public var optimum: [String: [Int]?]?
        /// After N trials: the plateau region's member with the smallest predicted peak RSS, the
        /// setting tuner recommended before the held-out benchmark (the optimum when the region
        /// names no leaner member), so the benchmark scores the rule before and after on one run.
        public var leanest: [String: [Int]?]?
        /// After N trials: the recommended front (the report's frontier of feasible settings,
        /// by the medians of their measured repeats).
        public var front: [String: [[Int]]]
        public var seconds: Double
    }

    public let replay: ReplayEvaluator
    /// The study spec with its space replaced by the surface's grid.
    public let spec: StudySpec
    /// The surrogate's inputs, for both the search and the recommendation: heap-goal features
    /// (what `tuner run` uses) or, as an ablation, the raw box of log GOGC × log GOMEMLIMIT. On
    /// the box two settings never share model inputs, so the alias rule never fires: the
    /// ablation removes the heap-goal invariance assumption and the alias rule together.
    @_spi(Lab) public let inputModel: SurrogateSearch.InputModel

    /// The record's strategy name: "tuner" with heap-goal inputs, "tuner-box" with raw ones.
    public var strategyName: String { inputModel == .heapGoal ? "tuner" : "tuner-\(inputModel.rawValue)" }

    @_spi(Lab) public init(replay: ReplayEvaluator, spec: StudySpec, inputModel: SurrogateSearch.InputModel = .heapGoal) {
        self.replay = replay
        self.inputModel = inputModel
        var spec = spec
        spec.space = replay.space
        spec.budget.sampler = .surrogate
        self.spec = spec
    }

    /// The spec of seed `seed`'s run.
    func spec(seed: UInt64) -> StudySpec {
        var spec = spec
        spec.seed = seed
        return spec
    }

    /// Every grid setting that the surface holds, ordered by grid position.
    public var gridSettings: [GCSetting] { replay.surface.keys.sorted() }

    /// The `count` settings of the random start of seed `seed`: a seeded shuffle of the grid.
    public func randomStart(seed: UInt64, count: Int) -> [GCSetting] {
        var generator = SeededGenerator(seed: seed ^ 0x5241_4E44_4F4D_5354)  // "RANDOMST"
        return Array(gridSettings.shuffled(using: &generator).prefix(count))
    }

    /// Runs tuner's search for one seed and returns its samples (visit k of a setting is its
    /// k-th draw) and the reason it stopped early, if it did.
    public func samples(seed: UInt64, budget: Int, start: Start) -> (samples: [TrialSample], stop: String?) {
        let spec = spec(seed: seed)
        let search = LabSamplers.surrogate(spec, inputModel: inputModel)
        let forced = start == .random ? randomStart(seed: seed, count: spec.budget.initialDesign) : []
        var samples: [TrialSample] = []
        var stop: String?
        while samples.count < budget {
            var chosen: GCSetting?
            if samples.count < forced.count {
                chosen = forced[samples.count]
            } else {
                switch search.next(completed: samples) {
                case .stop(let reason): stop = reason
                case .measure(let next, _): chosen = next
                }
            }
            guard let setting = chosen else { break }
            let visit = samples.filter { $0.setting == setting }.count
            samples.append(replay.draw(setting, visit: visit, seed: seed, trialIndex: samples.count))
        }
        return (samples, stop)
    }

    /// The recommended front after `samples`: settings whose report row meets the constraints,
    /// non-dominated by the medians of their measured objective values.
    public func front(after samples: [TrialSample], spec: StudySpec) -> [GCSetting] {
        let report = spec.report(of: samples)
        let objectives = spec.objectives.map { ($0.metric, $0.direction) }
        let rows = report.rows.filter(\.isFeasible).compactMap { row -> (GCSetting, [Double])? in
            let trials = samples.filter { $0.setting == row.setting && $0.isMeasured }
            let medians = objectives.map { objective in Statistics.median(trials.compactMap { objective.0.value(of: $0) }) }
            guard medians.allSatisfy({ $0 != nil }) else { return nil }
            return (row.setting, medians.map { $0! })
        }
        let kept = ParetoFront.nonDominatedIndices(rows.map(\.1), directions: objectives.map(\.1))
        return kept.map { rows[$0].0 }.sorted()
    }

    /// One seed's record: the trials, and the recommendation and front after each checkpoint N.
    public func record(seed: UInt64, budget: Int, checkpoints: [Int], start: Start) -> Record {
        let started = monotonicSeconds()
        let (samples, stop) = samples(seed: seed, budget: budget, start: start)
        let spec = spec(seed: seed)
        func position(_ setting: GCSetting) -> [Int] {
            let index = replay.gridIndex(of: setting)!
            return [index.gogc, index.limit]
        }
        var recommendation: [String: [Int]?] = [:]
        var optimum: [String: [Int]?] = [:]
        var leanest: [String: [Int]?] = [:]
        var front: [String: [[Int]]] = [:]
        for n in checkpoints where n <= budget {
            let prefix = Array(samples.prefix(n))
            let candidate = spec.candidate(after: prefix, sampler: LabSamplers.surrogate(spec, inputModel: inputModel))
            recommendation[String(n)] = .some(candidate.setting.map(position))
            func gridPosition(_ setting: GCSetting?) -> [Int]? { setting.flatMap { replay.gridIndex(of: $0) }.map { [$0.gogc, $0.limit] } }
            optimum[String(n)] = .some(gridPosition(candidate.surrogate?.region?.optimum ?? candidate.setting))
            leanest[String(n)] = .some(gridPosition(candidate.surrogate?.region.map { $0.leanest ?? $0.optimum } ?? candidate.setting))
            front[String(n)] = self.front(after: prefix, spec: spec).map(position)
        }
        return Record(
            strategy: strategyName, start: start.rawValue, seed: seed, budget: budget,
            trials: samples.map { position($0.setting) }, stop: stop, recommendation: recommendation, optimum: optimum, leanest: leanest,
            front: front, seconds: monotonicSeconds() - started)
    }
}
