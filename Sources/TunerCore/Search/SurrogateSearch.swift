import Foundation

/// Bayesian optimisation over GC settings: one Gaussian process per objective and per
/// constraint, exact expected hypervolume improvement (two or three objectives) times the
/// probability of meeting the constraints, maximised by multi-start gradient ascent in each
/// `off` arm of the box (or exhaustively over a finite candidate list). Stateless: the next
/// decision depends only on the trials so far and the seed, so a resumed study rebuilds its
/// search state from the store.
///
/// **Domain knowledge.** The models do not see GOGC and GOMEMLIMIT as two unrelated numbers:
/// by default (``InputModel/heapGoal``) their inputs are the heap goal the two knobs produce and
/// how hard the limit cuts it (``HeapGoalFeatures``), with the heap-goal model refitted to the
/// study's own gctrace before every decision (``HeapGoalModel``). Every setting whose limit does
/// not bind then shares one line with the settings of equal GOGC, so a handful of trials
/// describes the whole space.
///
/// **Start.** The Go default, then settings chosen one at a time to fill the space of those
/// features (each the candidate farthest from everything measured so far), so the start covers
/// small and large heaps and the limit-bound sheet rather than many settings that behave alike.
///
/// Responses are modelled in a transformed space where they are closer to Gaussian: pauses,
/// latencies and RSS as log(value + ε) (they are positive and right-skewed), throughput as is.
public struct SurrogateSearch: Sampler {
    public var name: String { "surrogate" }
    public var plannedTrials: Int? { nil }
    public var plannedSettings: [GCSetting]? { nil }
    /// What the Gaussian processes take as inputs. `tuner run` always uses ``heapGoal``; the other
    /// is the search benchmark's ablation, reachable only through `@_spi(Lab) import TunerCore`.
    @_spi(Lab) public enum InputModel: String, Sendable, CaseIterable {
        /// Heap goal and limit cut from the fitted ``HeapGoalModel`` (the default).
        case heapGoal = "heap-goal"
        /// The unit box of log GOGC × log GOMEMLIMIT with `off` arms, as it is.
        case box
    }

    /// How a proposal is scored: EHVI for two or three objectives, ParEGO otherwise; forcing
    /// ParEGO is the search benchmark's ablation (`@_spi(Lab)`).
    @_spi(Lab) public enum AcquisitionKind: String, Sendable, CaseIterable {
        /// Exact expected hypervolume improvement (2 or 3 objectives), the default.
        case expectedHypervolumeImprovement = "ehvi"
        /// ParEGO: expected improvement of a random Tchebycheff scalarisation.
        case parEGO = "parego"
    }

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
    /// A measured setting is measured again only when its acquisition is at least this many
    /// times the best unmeasured setting's (and it is undecided): a repeat must be clearly the
    /// most useful trial (1 and 2 reach 95 % of the hypervolume alike on the recorded surface;
    /// 2 spends fewer trials on repeats).
    public let remeasureFactor: Double = 2
    /// Two settings whose model inputs differ by at most this much in every coordinate count as
    /// one (unit-box units of the features: 1 % of a feature's range). Aliases are exact when the
    /// limit is far above a GOGC's heap (every such limit maps to the same point), so the
    /// threshold matters little (0.005 and 0.02 choose alike on the recorded surface).
    public static let aliasDistance = 0.01
    @_spi(Lab) public let inputModel: InputModel
    @_spi(Lab) public let acquisitionKind: AcquisitionKind

    public init(
        space: SearchSpace, objectives: [(metric: Metric, direction: ObjectiveDirection)],
        constraints: [Constraint], seed: UInt64, initialDesign: Int = 5,
        maxRepeatsPerSetting: Int = 3, stopFraction: Double = 0.002
    ) {
        self.init(
            space: space, objectives: objectives, constraints: constraints, seed: seed, initialDesign: initialDesign,
            maxRepeatsPerSetting: maxRepeatsPerSetting, stopFraction: stopFraction,
            inputModel: .heapGoal, acquisition: .expectedHypervolumeImprovement)
    }

    /// The search with the benchmark's ablation knobs.
    @_spi(Lab) public init(
        space: SearchSpace, objectives: [(metric: Metric, direction: ObjectiveDirection)],
        constraints: [Constraint], seed: UInt64, initialDesign: Int = 5,
        maxRepeatsPerSetting: Int = 3, stopFraction: Double = 0.002,
        inputModel: InputModel, acquisition: AcquisitionKind = .expectedHypervolumeImprovement
    ) {
        self.space = space
        self.encoding = SettingEncoding(space: space)
        self.objectives = objectives
        self.constraints = constraints
        self.seed = seed
        self.initialDesign = initialDesign
        self.maxRepeatsPerSetting = maxRepeatsPerSetting
        self.stopFraction = stopFraction
        self.inputModel = inputModel
        self.acquisitionKind = acquisition
    }

    /// The value a model is fitted to: minimisation form, log for skewed positive metrics.
    static func modelled(_ metric: Metric, _ value: Double, _ direction: ObjectiveDirection) -> Double {
        let transformed = metric.isLogModelled ? log(max(value, 0) + metric.logOffset) : value
        return direction == .minimize ? transformed : -transformed
    }

    /// A short description of the method for the study log.
    public var methodDescription: String {
        let criterion = acquisitionKind == .parEGO ? "ParEGO" : "expected hypervolume improvement"
        let inputs =
            inputModel == .heapGoal ? "inputs: heap goal and limit cut from the study's gctrace" : "inputs: log GOGC × log GOMEMLIMIT"
        return "Gaussian processes (\(inputs)), \(criterion) × probability of meeting the constraints"
    }

    /// The map from box coordinates to model inputs for the trials so far.
    public func features(for measured: [TrialSample]) -> any FeatureMap {
        switch inputModel {
        case .heapGoal: return HeapGoalFeatures(model: HeapGoalModel.fit(measured), encoding: encoding)
        case .box: return IdentityFeatures(dimension: 2)
        }
    }

    /// Settings the start and the fallback choose from: the finite candidates, or a seeded
    /// Latin hypercube of the space (rounded settings), with the off arms' corners.
    var candidatePool: [GCSetting] {
        if let candidates = encoding.candidates { return candidates }
        var pool = PlannedSampler.latinHypercube(space: space, settingCount: 257, seed: seed).plan
        for arm in encoding.arms {
            for corner in [
                arm.bounds.map(\.lowerBound), arm.bounds.map(\.upperBound),
                [arm.bounds[0].lowerBound, arm.bounds[1].upperBound], [arm.bounds[0].upperBound, arm.bounds[1].lowerBound],
            ] {
                let setting = encoding.decode(corner)
                if encoding.allows(setting), !pool.contains(setting) { pool.append(setting) }
            }
        }
        return pool
    }

    /// The next setting of the space-filling start: the Go default, then the untried candidate
    /// whose features are farthest (Euclidean) from every tried setting's. With the heap-goal
    /// model the candidates are the settings that pair a GOGC with the limit just above its
    /// natural peak RSS (``HeapGoalModel/limitJustAbove(gogc:)``), so the start spans heap goals
    /// from smallest to largest with the limit as a safety net, the Go GC guide's way of using
    /// both knobs. Ties go to the earlier candidate of a seeded shuffle.
    func nextDesignPoint(tried: Set<GCSetting>, measured: [TrialSample]) -> GCSetting? {
        if !tried.contains(.goDefault) { return .goDefault }
        let map = features(for: measured)
        var pool = candidatePool
        if inputModel == .heapGoal {
            let heap = HeapGoalModel.fit(measured)
            let diagonal = diagonalCandidates(heap)
            if diagonal.contains(where: { !tried.contains($0) }) { pool = diagonal }
        }
        let taken = tried.map { map.apply(encoding.encode($0)).features }
        var generator = SeededGenerator(seed: seed)
        var best: (setting: GCSetting, distance: Double)?
        for setting in pool.shuffled(using: &generator) where !tried.contains(setting) {
            let z = map.apply(encoding.encode(setting)).features
            var distance = Double.infinity
            for other in taken {
                var squared = 0.0
                for q in z.indices { squared += (z[q] - other[q]) * (z[q] - other[q]) }
                distance = min(distance, squared)
            }
            if distance > best?.distance ?? -1 { best = (setting, distance) }
        }
        return best?.setting
    }

    /// For each numeric GOGC of the space (16 log-spaced levels for a range), the setting with
    /// the limit nearest (on a log scale) to ``HeapGoalModel/limitJustAbove(gogc:)``, inside the
    /// space; empty when either knob has no numeric values.
    func diagonalCandidates(_ heap: HeapGoalModel) -> [GCSetting] {
        guard encoding.gogcNumeric, encoding.limitNumeric else { return [] }
        var result: [GCSetting] = []
        if let candidates = encoding.candidates {
            let numeric = candidates.filter { $0.gogc != nil && $0.memoryLimitBytes != nil }
            for gogc in Set(numeric.compactMap(\.gogc)).sorted() {
                let target = log(heap.limitJustAbove(gogc: Double(gogc)))
                if let nearest = numeric.filter({ $0.gogc == gogc }).min(by: {
                    abs(log(Double($0.memoryLimitBytes!)) - target) < abs(log(Double($1.memoryLimitBytes!)) - target)
                }) {
                    result.append(nearest)
                }
            }
            return result
        }
        let low = log(encoding.gogcRange.lowerBound)
        let high = log(encoding.gogcRange.upperBound)
        for level in 0..<16 {
            let gogc = SettingRounding.gogc(exp(low + Double(level) / 15 * (high - low)))
            let limit = min(max(heap.limitJustAbove(gogc: Double(gogc)), encoding.limitRange.lowerBound), encoding.limitRange.upperBound)
            let setting = GCSetting(gogc: gogc, memoryLimitBytes: SettingRounding.memoryLimit(limit))
            if encoding.allows(setting), !result.contains(setting) { result.append(setting) }
        }
        return result
    }

    /// Fits one model of `metric` (transformed by ``modelled(_:_:_:)``) on the measured trials
    /// that carry it; nil with fewer than two.
    public func fitModel(
        _ metric: Metric, _ direction: ObjectiveDirection, measured: [TrialSample],
        features: any FeatureMap, seed: UInt64
    ) throws(SurrogateError) -> FeatureMappedModel? {
        let pairs = measured.compactMap { sample in
            metric.value(of: sample).map { (encoding.encode(sample.setting), Self.modelled(metric, $0, direction)) }
        }
        guard pairs.count >= 2 else { return nil }
        return try FeatureMappedModel.fit(coordinates: pairs.map(\.0), outputs: pairs.map(\.1), features: features, seed: seed)
    }

    /// The next decision given every trial so far (failed ones count as tried), with the host as
    /// a factor (``onOneScale(_:)``).
    public func next(completed recorded: [TrialSample]) -> SearchDecision {
        let completed = onOneScale(recorded)
        let tried = Set(completed.map(\.setting))
        let measured = completed.filter { sample in sample.isMeasured && objectives.allSatisfy { $0.metric.value(of: sample) != nil } }
        if tried.count < initialDesign, let setting = nextDesignPoint(tried: tried, measured: measured) {
            let how: String
            if setting.isGoDefault {
                how = "the Go default first"
            } else if inputModel == .heapGoal, setting.gogc != nil, setting.memoryLimitBytes != nil {
                how = "a GOGC with the limit just above its peak RSS, farthest in heap goal from the settings so far"
            } else {
                how = "farthest from the settings so far"
            }
            return .measure(setting, reason: "initial design \(tried.count + 1)/\(initialDesign) (\(how))")
        }
        guard measured.count >= 2 else {
            return fallback(tried: tried, measured: measured, reason: "fewer than 2 measured trials to model")
        }
        let map = features(for: measured)
        let inputs = measured.map { encoding.encode($0.setting) }
        var models: [FeatureMappedModel] = []
        for (k, objective) in objectives.enumerated() {
            do {
                guard
                    let model = try fitModel(
                        objective.metric, objective.direction, measured: measured, features: map,
                        seed: seed &+ UInt64(k) &+ UInt64(measured.count) &* 31)
                else {
                    return fallback(tried: tried, measured: measured, reason: "too few trials carry \(objective.metric.rawValue)")
                }
                models.append(model)
            } catch {
                return fallback(
                    tried: tried, measured: measured, reason: "the \(objective.metric.rawValue) model could not be fitted (\(error))")
            }
        }
        var feasibility: [ProbabilityOfFeasibility] = []
        for (c, constraint) in constraints.enumerated() {
            guard
                let model = try? fitModel(constraint.metric, .minimize, measured: measured, features: map, seed: seed &+ 1000 &+ UInt64(c))
            else { continue }
            let bound = Self.modelled(constraint.metric, constraint.bound, .minimize)
            feasibility.append(
                ProbabilityOfFeasibility(model: model, bound: constraint.comparison == .atMost ? .atMost(bound) : .atLeast(bound)))
        }

        // Observed front: posterior means at the measured settings.
        let measuredSettings = Array(Set(measured.map(\.setting))).sorted()
        let observed = measuredSettings.map { setting in models.map { $0.predict(encoding.encode(setting), includingNoise: false).mean } }
        var reference: [Double] = []
        for k in objectives.indices {
            let values = observed.map { $0[k] }
            let span = max((values.max()! - values.min()!), 1e-6)
            reference.append(values.max()! + 0.1 * span)
        }
        let base: any AcquisitionFunction
        let criterion: String
        let useEHVI = acquisitionKind == .expectedHypervolumeImprovement && (2...3).contains(objectives.count)
        if useEHVI {
            base = ExpectedHypervolumeImprovement(models: models, observed: observed, reference: reference)
            criterion = "expected hypervolume improvement"
        } else {
            let observedValues = measured.map { sample in
                objectives.map { Self.modelled($0.metric, $0.metric.value(of: sample)!, $0.direction) }
            }
            guard
                let parEGO = try? ParEGO.acquisition(
                    inputs: inputs, objectives: observedValues, seed: seed &+ UInt64(measured.count), features: map)
            else {
                return fallback(tried: tried, measured: measured, reason: "the ParEGO model could not be fitted")
            }
            base = parEGO.acquisition
            criterion = "ParEGO expected improvement"
        }
        let acquisition = ConstrainedAcquisition(base: base, constraints: feasibility)
        let currentVolume = Hypervolume.volume(
            observed.filter { point in zip(point, reference).allSatisfy { $0 < $1 } },
            reference: reference, directions: objectives.map { _ in .minimize })

        // Maximise over the candidates.
        var scored: [(setting: GCSetting, value: Double)] = []
        if let candidates = encoding.candidates {
            for setting in candidates { scored.append((setting, acquisition.value(at: encoding.encode(setting)))) }
        } else {
            for (armIndex, arm) in encoding.arms.enumerated() {
                let armInputs = inputs.filter { x in zip(x, arm.bounds).allSatisfy { $1.contains($0) } }
                let result = GradientSearch.maximize(
                    dimension: 2, starts: 6, seed: seed &+ UInt64(measured.count) &* 97 &+ UInt64(armIndex),
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
            return fallback(tried: tried, measured: measured, reason: "the acquisition had no finite maximum")
        }
        let relative = currentVolume > 0 ? best.value / currentVolume : .infinity
        // The stopping rule compares hypervolume with hypervolume: EHVI only (ParEGO's EI is
        // on a scalarised scale and runs to the trial budget).
        if useEHVI && relative < stopFraction {
            return .stop(
                reason:
                    "best \(criterion) is \(formatFixed(relative * 100, decimals: 3)) % of the current hypervolume, below the \(formatFixed(stopFraction * 100, decimals: 1)) % threshold"
            )
        }
        // A candidate the models cannot tell from a tried setting (features within
        // `aliasDistance`, e.g. a limit far above the heap under the same GOGC) would measure
        // that setting again under another name: it counts as that setting.
        let counts = Dictionary(grouping: completed, by: \.setting).mapValues(\.count)
        let triedFeatures = counts.keys.sorted().map { ($0, map.apply(encoding.encode($0)).features) }
        func alias(of setting: GCSetting) -> GCSetting? {
            if counts[setting] != nil { return setting }
            let z = map.apply(encoding.encode(setting)).features
            return triedFeatures.first { zip($0.1, z).allSatisfy { abs($0 - $1) <= Self.aliasDistance } }?.0
        }
        let aliases = scored.map { alias(of: $0.setting) }
        let bestNew = zip(scored, aliases).first { $0.1 == nil }?.0.value ?? 0
        for (candidate, known) in zip(scored, aliases) where candidate.value.isFinite {
            guard let known else {
                let amount =
                    useEHVI
                    ? "\(formatFixed(candidate.value / max(currentVolume, 1e-12) * 100, decimals: 2)) % of the current hypervolume"
                    : "\(formatFixed(candidate.value, decimals: 4)) on the scalarised objective"
                return .measure(candidate.setting, reason: "maximises \(criterion): \(amount)")
            }
            let count = counts[known] ?? 0
            if count < maxRepeatsPerSetting, isUndecided(known, measured: measured), candidate.value >= remeasureFactor * bestNew {
                let name =
                    known == candidate.setting
                    ? "the most promising setting" : "the most promising setting (\(candidate.setting) behaves as it)"
                return .measure(
                    known,
                    reason:
                        "measured again: \(name) scores at least \(formatFixed(remeasureFactor, decimals: 0))× the best new one and its interval is too wide to decide (\(count) trial(s))"
                )
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

    /// A space-filling choice among untried settings when no model can be used.
    func fallback(tried: Set<GCSetting>, measured: [TrialSample], reason: String) -> SearchDecision {
        if let setting = nextDesignPoint(tried: tried, measured: measured) {
            return .measure(setting, reason: "space-filling fallback: \(reason)")
        }
        return .stop(reason: "no untried setting left (\(reason))")
    }
}

extension Metric {
    /// Positive, right-skewed metrics are modelled on a log scale.
    public var isLogModelled: Bool {
        switch self {
        case .throughputOpsPerSecond, .gcCount, .rssGrowthPercent, .rssTrendPercentPerMinute, .gcCPUPercent, .gcCPUSharePercent:
            return false
        default: return true
        }
    }

    /// ε in log(value + ε), in the metric's units: keeps zero pauses (no GC) finite.
    public var logOffset: Double {
        switch self {
        case .rssPeakBytes, .liveHeapPeakBytes: return 1_048_576
        case .pauseMillisPerSecond, .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis: return 0.001
        default: return 0.01
        }
    }
}
