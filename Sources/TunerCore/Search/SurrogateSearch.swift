import Foundation

/// What the search wants next, with its reason for the log.
public enum SearchDecision: Sendable, Equatable {
    case measure(GCSetting, reason: String)
    case stop(reason: String)
}

/// Bayesian optimisation over GC settings: one Gaussian process per objective and per
/// constraint (inputs from `SettingEncoding`), expected hypervolume improvement for two
/// objectives (ParEGO for three) times the probability of meeting the constraints, maximised by
/// multi-start gradient ascent in each `off` arm of the box (or exhaustively over a finite
/// candidate list). Stateless: the next decision depends only on the trials so far and the
/// seed, so a resumed study rebuilds its search state from the store.
///
/// Responses are modelled in a transformed space where they are closer to Gaussian: pauses,
/// latencies and RSS as log(value + ε) (they are positive and right-skewed), throughput as is.
public struct SurrogateSearch: Sendable {
    public let encoding: SettingEncoding
    public let space: SearchSpace
    public let objectives: [(metric: Metric, direction: ObjectiveDirection)]
    public let constraints: [Constraint]
    public let seed: UInt64
    /// Settings in the space-filling start (the Go default included).
    public let initialDesign: Int
    /// A setting is measured at most this many times by the search itself.
    public let maxRepeatsPerSetting: Int
    /// Stop when the best acquisition is below this fraction of the current hypervolume.
    public let stopFraction: Double

    public init(space: SearchSpace, objectives: [(metric: Metric, direction: ObjectiveDirection)],
                constraints: [Constraint], seed: UInt64, initialDesign: Int = 5,
                maxRepeatsPerSetting: Int = 3, stopFraction: Double = 0.002) {
        self.space = space
        self.encoding = SettingEncoding(space: space)
        self.objectives = objectives
        self.constraints = constraints
        self.seed = seed
        self.initialDesign = initialDesign
        self.maxRepeatsPerSetting = maxRepeatsPerSetting
        self.stopFraction = stopFraction
    }

    /// The value a model is fitted to: minimisation form, log for skewed positive metrics.
    static func modelled(_ metric: Metric, _ value: Double, _ direction: ObjectiveDirection) -> Double {
        let transformed = metric.isLogModelled ? log(max(value, 0) + metric.logOffset) : value
        return direction == .minimize ? transformed : -transformed
    }

    /// The space-filling start: the Go default, then a Latin hypercube.
    public var designPlan: [GCSetting] {
        if let candidates = encoding.candidates {
            var generator = SeededGenerator(seed: seed)
            let rest = candidates.filter { !$0.isGoDefault }.shuffled(using: &generator)
            return [.goDefault] + rest.prefix(max(initialDesign - 1, 0))
        }
        return Array(PlannedSampler.latinHypercube(space: space, settingCount: initialDesign, seed: seed).plan.prefix(initialDesign))
    }

    /// The next decision given every trial so far (failed ones count as tried).
    public func next(completed: [TrialSample]) -> SearchDecision {
        let tried = Set(completed.map(\.setting))
        for (index, setting) in designPlan.enumerated() where !tried.contains(setting) {
            return .measure(setting, reason: "initial design \(index + 1)/\(designPlan.count) (Go default first, then a Latin hypercube)")
        }
        let measured = completed.filter { sample in sample.isMeasured && objectives.allSatisfy { $0.metric.value(of: sample) != nil } }
        guard measured.count >= 2 else {
            return fallback(tried: tried, reason: "fewer than 2 measured trials to model")
        }
        let inputs = measured.map { encoding.encode($0.setting) }
        var models: [GaussianProcess] = []
        for (k, objective) in objectives.enumerated() {
            let outputs = measured.map { Self.modelled(objective.metric, objective.metric.value(of: $0)!, objective.direction) }
            do { models.append(try GaussianProcess.fit(inputs: inputs, outputs: outputs, seed: seed &+ UInt64(k) &+ UInt64(measured.count) &* 31)) } catch {
                return fallback(tried: tried, reason: "the \(objective.metric.rawValue) model could not be fitted (\(error))")
            }
        }
        var feasibility: [ProbabilityOfFeasibility] = []
        for (c, constraint) in constraints.enumerated() {
            let pairs = measured.compactMap { sample in constraint.metric.value(of: sample).map { (encoding.encode(sample.setting), $0) } }
            guard pairs.count >= 2 else { continue }
            let outputs = pairs.map { Self.modelled(constraint.metric, $0.1, .minimize) }
            let bound = Self.modelled(constraint.metric, constraint.bound, .minimize)
            if let model = try? GaussianProcess.fit(inputs: pairs.map(\.0), outputs: outputs, seed: seed &+ 1000 &+ UInt64(c)) {
                feasibility.append(ProbabilityOfFeasibility(model: model, bound: constraint.comparison == .atMost ? .atMost(bound) : .atLeast(bound)))
            }
        }

        // Observed front: posterior means at the measured settings.
        let measuredSettings = Array(Set(measured.map(\.setting))).sorted()
        let observed = measuredSettings.map { setting in models.map { $0.predict(encoding.encode(setting)).mean } }
        var reference: [Double] = []
        for k in objectives.indices {
            let values = observed.map { $0[k] }
            let span = max((values.max()! - values.min()!), 1e-6)
            reference.append(values.max()! + 0.1 * span)
        }
        let base: any AcquisitionFunction
        let criterion: String
        if objectives.count == 2 {
            base = ExpectedHypervolumeImprovement(models: models, observed: observed, reference: reference)
            criterion = "expected hypervolume improvement"
        } else {
            let observedValues = measured.map { sample in objectives.map { Self.modelled($0.metric, $0.metric.value(of: sample)!, $0.direction) } }
            guard let parEGO = try? ParEGO.acquisition(inputs: inputs, objectives: observedValues, seed: seed &+ UInt64(measured.count)) else {
                return fallback(tried: tried, reason: "the ParEGO model could not be fitted")
            }
            base = parEGO.acquisition
            criterion = "ParEGO expected improvement"
        }
        let acquisition = ConstrainedAcquisition(base: base, constraints: feasibility)
        let currentVolume = Hypervolume.volume(observed.filter { point in zip(point, reference).allSatisfy { $0 < $1 } },
                                               reference: reference, directions: objectives.map { _ in .minimize })

        // Maximise over the candidates.
        var scored: [(setting: GCSetting, value: Double)] = []
        if let candidates = encoding.candidates {
            for setting in candidates { scored.append((setting, acquisition.value(at: encoding.encode(setting)))) }
        } else {
            for (armIndex, arm) in encoding.arms.enumerated() {
                let armInputs = inputs.filter { x in zip(x, arm.bounds).allSatisfy { $1.contains($0) } }
                let result = GradientSearch.maximize(dimension: 2, starts: 6, seed: seed &+ UInt64(measured.count) &* 97 &+ UInt64(armIndex),
                                                     bounds: arm.bounds, warmStarts: armInputs, rawSamples: 128,
                                                     objective: { acquisition.valueAndGradient(at: $0) })
                for candidate in result.candidates.prefix(6) {
                    let setting = encoding.decode(candidate.point)
                    if encoding.allows(setting) {
                        // Score the rounded setting itself: that is what would be measured.
                        scored.append((setting, acquisition.value(at: encoding.encode(setting))))
                    }
                }
            }
        }
        scored.sort { $0.value != $1.value ? $0.value > $1.value : $0.setting < $1.setting }
        guard let best = scored.first, best.value.isFinite else {
            return fallback(tried: tried, reason: "the acquisition had no finite maximum")
        }
        let relative = currentVolume > 0 ? best.value / currentVolume : .infinity
        // The stopping rule compares hypervolume with hypervolume: EHVI only (ParEGO's EI is
        // on a scalarised scale and runs to the trial budget).
        if objectives.count == 2 && relative < stopFraction {
            return .stop(reason: "best \(criterion) is \(formatFixed(relative * 100, decimals: 3)) % of the current hypervolume, below the \(formatFixed(stopFraction * 100, decimals: 1)) % threshold")
        }
        let counts = Dictionary(grouping: completed, by: \.setting).mapValues(\.count)
        for candidate in scored where candidate.value.isFinite {
            let count = counts[candidate.setting] ?? 0
            if count == 0 {
                let amount = objectives.count == 2
                    ? "\(formatFixed(candidate.value / max(currentVolume, 1e-12) * 100, decimals: 2)) % of the current hypervolume"
                    : "\(formatFixed(candidate.value, decimals: 4)) on the scalarised objective"
                return .measure(candidate.setting, reason: "maximises \(criterion): \(amount)")
            }
            if count < maxRepeatsPerSetting, isUndecided(candidate.setting, measured: measured) {
                return .measure(candidate.setting, reason: "measured again: the most promising setting's interval is too wide to decide (\(count) trial(s))")
            }
        }
        return .stop(reason: "every promising setting is measured \(maxRepeatsPerSetting) times")
    }

    /// A setting is undecided while it has one sample, or its objectives' spread across
    /// repeats is more than 10 % of their median.
    func isUndecided(_ setting: GCSetting, measured: [TrialSample]) -> Bool {
        let trials = measured.filter { $0.setting == setting }
        guard trials.count >= 2 else { return true }
        for objective in objectives {
            let values = trials.compactMap { objective.metric.value(of: $0) }
            guard let median = Statistics.median(values), let low = values.min(), let high = values.max() else { continue }
            if median != 0 && (high - low) / abs(median) > 0.1 { return true }
        }
        return false
    }

    /// A seeded space-filling choice among untried settings when no model can be used.
    func fallback(tried: Set<GCSetting>, reason: String) -> SearchDecision {
        let pool = encoding.candidates ?? PlannedSampler.latinHypercube(space: space, settingCount: 64, seed: seed &+ UInt64(tried.count)).plan
        if let setting = pool.first(where: { !tried.contains($0) }) {
            return .measure(setting, reason: "space-filling fallback: \(reason)")
        }
        return .stop(reason: "no untried setting left (\(reason))")
    }
}

extension Metric {
    /// Positive, right-skewed metrics are modelled on a log scale.
    var isLogModelled: Bool {
        switch self {
        case .throughputOpsPerSecond, .gcCount, .rssGrowthPercent, .gcCPUPercent: return false
        default: return true
        }
    }

    /// ε in log(value + ε), in the metric's units: keeps zero pauses (no GC) finite.
    var logOffset: Double {
        switch self {
        case .rssPeakBytes: return 1_048_576
        case .pauseMillisPerSecond, .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis: return 0.001
        default: return 0.01
        }
    }
}
