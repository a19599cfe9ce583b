import Foundation

extension SurrogateSearch {
    /// Maximises the rule's preference on the posterior mean by multi-start gradient search in
    /// every arm (or over the finite candidates), subject to the constraints on their posterior
    /// means (a squared-hinge penalty in model units). Rules the posterior mean cannot express
    /// (knee, largest contribution) return nil: the caller then uses the measured frontier.
    public func recommendation(samples: [TrialSample], rule: SelectionRule) -> SurrogateRecommendation? {
        let measured = recommendationTrials(samples)
        guard measured.count >= 2 else { return nil }
        let inputs = measured.map { encoding.encode($0.setting) }
        let map = features(for: measured)
        func fit(_ metric: Metric, _ direction: ObjectiveDirection, salt: UInt64) -> FeatureMappedModel? {
            try? fitModel(metric, direction, measured: measured, features: map, seed: seed &+ 7777 &+ salt)
        }
        let models = objectives.indices.map { try? recommendationModel(objective: $0, measured: measured, features: map) }
        guard models.allSatisfy({ $0 != nil }) else { return nil }
        let objectiveModels = models.map { $0! }
        let constraintModels: [(Constraint, FeatureMappedModel, Double)] = constraints.enumerated().compactMap { c, constraint in
            guard let model = fit(constraint.metric, .minimize, salt: 100 &+ UInt64(c)) else { return nil }
            return (constraint, model, Self.modelled(constraint.metric, constraint.bound, .minimize))
        }

        // Per-objective scales from the measured points, so weights and penalties are unitless.
        let observed = inputs.map { x in objectiveModels.map { $0.predict(x, includingNoise: false).mean } }
        let lows = objectives.indices.map { k in observed.map { $0[k] }.min()! }
        let spans = objectives.indices.map { k in max(observed.map { $0[k] }.max()! - lows[k], 1e-9) }
        let weights: [Double]
        let description: String
        switch rule {
        case .best(let k):
            weights = objectives.indices.map { $0 == k ? 1 : 0 }
            description = "the posterior mean of \(objectives[k].metric.rawValue) is best"
        case .weightedLoss(let w):
            weights = w
            description = "the weighted loss of normalised posterior means is smallest"
        default:
            return nil
        }

        // Score to maximise: −Σ w_k·(μ_k − low_k)/span_k − 100·Σ hinge(μ_c − b_c)².
        func score(_ x: [Double]) -> (value: Double, gradient: [Double]) {
            var value = 0.0
            var gradient = [Double](repeating: 0, count: x.count)
            for (k, model) in objectiveModels.enumerated() where weights[k] != 0 {
                let p = model.predictWithGradient(x)
                value -= weights[k] * (p.mean - lows[k]) / spans[k]
                for j in x.indices { gradient[j] -= weights[k] * p.meanGradient[j] / spans[k] }
            }
            for (constraint, model, bound) in constraintModels {
                // The constraint must hold at a one-sided 90 % bound of the posterior
                // (μ ± 1.28 σ), not just on the mean: a recommendation at the edge of the model's
                // knowledge should not bet the memory budget on it.
                let p = model.predictWithGradient(x)
                let sd = max(p.variance, 1e-12).squareRoot()
                let sign = constraint.comparison == .atMost ? 1.0 : -1.0
                let pessimistic = p.mean + sign * 1.2816 * sd
                let excess = sign * (pessimistic - bound)
                guard excess > 0 else { continue }
                value -= 100 * excess * excess
                for j in x.indices {
                    let dPessimistic = p.meanGradient[j] + sign * 1.2816 * p.varianceGradient[j] / (2 * sd)
                    gradient[j] -= 200 * excess * sign * dPessimistic
                }
            }
            return (value, gradient)
        }

        /// Whether every constraint holds at the posterior's one-sided 90 % bound at `x`.
        func meetsConstraints(_ x: [Double]) -> Bool {
            constraintModels.allSatisfy { constraint, model, bound in
                let p = model.predict(x, includingNoise: false)
                let sign = constraint.comparison == .atMost ? 1.0 : -1.0
                return sign * (p.mean + sign * 1.2816 * max(p.variance, 1e-12).squareRoot() - bound) <= 0
            }
        }

        var best: (setting: GCSetting, value: Double)?
        func consider(_ setting: GCSetting) {
            guard encoding.allows(setting) else { return }
            let value = score(encoding.encode(setting)).value
            if best == nil || value > best!.value || (value == best!.value && setting < best!.setting) { best = (setting, value) }
        }
        if let candidates = encoding.candidates {
            candidates.forEach(consider)
        } else {
            for (armIndex, arm) in encoding.arms.enumerated() {
                let result = GradientSearch.maximize(
                    dimension: 2, starts: 12, seed: seed &+ 4242 &+ UInt64(armIndex),
                    bounds: arm.bounds, rawSamples: 256, objective: score)
                for candidate in result.candidates.prefix(4) { consider(encoding.decode(candidate.point)) }
            }
            Set(measured.map(\.setting)).sorted().forEach(consider)
        }
        guard let optimum = best else { return nil }
        var region: PlateauRegion?
        var chosenSetting = optimum.setting
        if case .best(let k) = rule {
            let rssModel =
                objectives.firstIndex { $0.metric == .rssPeakBytes }.map { objectiveModels[$0] }
                ?? constraintModels.first { $0.0.metric == .rssPeakBytes }?.1
            region = plateau(
                objective: k, model: objectiveModels[k], optimum: optimum.setting, measured: measured,
                isFeasible: meetsConstraints,
                rssModel: rssModel)
            chosenSetting = region?.choice ?? optimum.setting
        }
        var predicted: [Metric: Double] = [:]
        let x = encoding.encode(chosenSetting)
        for (k, objective) in objectives.enumerated() {
            predicted[objective.metric] = Self.unmodelled(
                objective.metric, objectiveModels[k].predict(x, includingNoise: false).mean, objective.direction)
        }
        for (constraint, model, _) in constraintModels {
            predicted[constraint.metric] = Self.unmodelled(constraint.metric, model.predict(x, includingNoise: false).mean, .minimize)
        }
        var explanation = "\(description) among settings whose constraint metrics meet the bounds at the posterior's one-sided 90 % bound"
        return SurrogateRecommendation(setting: chosenSetting, predicted: predicted, explanation: explanation, region: region)
    }

    /// The fixed grid a plateau region is drawn on: the finite candidates, or 21 log-spaced levels
    /// per numeric knob in every arm (rounded as settings are), deduplicated and sorted.
    public var plateauGrid: [GCSetting] {
        if let candidates = encoding.candidates { return candidates.sorted() }
        var settings = Set<GCSetting>()
        for arm in encoding.arms {
            func levels(_ range: ClosedRange<Double>) -> [Double] {
                range.lowerBound == range.upperBound
                    ? [range.lowerBound] : (0...20).map { range.lowerBound + Double($0) / 20 * (range.upperBound - range.lowerBound) }
            }
            for g in levels(arm.bounds[0]) { for l in levels(arm.bounds[1]) { settings.insert(encoding.decode([g, l])) } }
        }
        return settings.filter(encoding.allows).sorted()
    }

    /// The plateau around the posterior optimum of objective `k` (see ``PlateauRegion``); the
    /// choice within it is the optimum, and its leanest member (smallest predicted peak RSS, when
    /// peak RSS is modelled) is named as the alternative.
    /// - Parameters:
    ///   - model: the objective's GP, in model units (lower is better).
    ///   - isFeasible: whether a point meets every constraint at the one-sided 90 % bound.
    ///   - rssModel: a GP of log peak RSS, when one was fitted.
    func plateau(
        objective k: Int, model: FeatureMappedModel, optimum: GCSetting, measured: [TrialSample],
        isFeasible: ([Double]) -> Bool, rssModel: FeatureMappedModel?
    ) -> PlateauRegion? {
        let (metric, direction) = objectives[k]
        // Run-to-run noise of one trial, in model units: pooled within-setting variance over the
        // settings measured more than once (the noise check's default runs at least).
        var squares = 0.0
        var degrees = 0
        for (_, trials) in Dictionary(grouping: measured, by: \.setting) where trials.count >= 2 {
            let values = trials.compactMap { metric.value(of: $0).map { Self.modelled(metric, $0, direction) } }
            guard values.count >= 2 else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            squares += values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            degrees += values.count - 1
        }
        let xOptimum = encoding.encode(optimum)
        let atOptimum = model.predict(xOptimum, includingNoise: false)
        // Two estimates of one trial's noise: the repeats' (few degrees of freedom early in a
        // study: the noise check's 3 default runs give 2) and the GP's fitted noise (from every
        // trial, but it also absorbs what the model cannot fit). The band takes the larger, so
        // a region is never narrower than either says the noise is.
        let fittedNoise = max(model.predict(xOptimum, includingNoise: true).variance - atOptimum.variance, 0).squareRoot()
        let pooled = degrees >= 1 ? (squares / Double(degrees)).squareRoot() : 0
        let bandModel = max(pooled, fittedNoise)
        let source =
            degrees >= 1
            ? "the larger of the repeats' pooled standard deviation (\(degrees) degrees of freedom) and the surrogate's fitted noise"
            : "the surrogate's fitted noise (no setting was measured twice)"
        guard bandModel > 0, bandModel.isFinite else { return nil }
        let grid = plateauGrid
        // A model whose fitted signal is not clearly above its fitted noise puts the differences
        // between the measured settings down to noise: a flat posterior mean there is "unknown",
        // not "equivalent", so nothing joins the region.
        let signalSD = (model.process.hyperparameters.signalVariance).squareRoot() * model.process.outputScale
        let noiseSD = model.process.noiseVariance.squareRoot()
        let informed = signalSD >= PlateauRegion.leastSignalToNoise * noiseSD
        var members: [GCSetting] = [optimum]
        var unresolved = 0
        let z = PlateauRegion.certaintyQuantile
        let data = measured.map { encoding.encode($0.setting) }
        for setting in grid where setting != optimum {
            let x = encoding.encode(setting)
            guard isFeasible(x) else { continue }
            // A GP fitted on flat, noisy data takes long length scales and then claims to know
            // corners it never saw: its posterior sd there is not evidence. Only settings within
            // `PlateauRegion.reach` of a measured one (in the unit box) can be members.
            let nearData = data.contains { point in
                var squares = 0.0
                for j in point.indices { squares += (point[j] - x[j]) * (point[j] - x[j]) }
                return squares <= PlateauRegion.reach * PlateauRegion.reach
            }
            let p = model.predict(x, includingNoise: false)
            // The gap to the optimum is Gaussian under the posterior, with the covariance of the
            // two predictions counted (neighbours of the optimum share its uncertainty). A
            // setting joins the region only when the posterior puts it within the band with
            // probability ≥ 80 % (gap + z·sd ≤ band); it is worse when it lies beyond the band
            // with that probability; anything between is unresolved: the model cannot tell, and
            // an unmeasured corner far from the data lands there, never in the region.
            let gap = p.mean - atOptimum.mean
            let gapVariance = p.variance + atOptimum.variance - 2 * model.posteriorCovariance(x, xOptimum)
            let gapSD = max(gapVariance, 0).squareRoot()
            if gap + z * gapSD <= bandModel, nearData, informed {
                members.append(setting)
            } else if gap - z * gapSD <= bandModel {
                unresolved += 1
            }
        }
        members.sort()
        let rule = "taking the optimum itself (the best posterior mean)"
        let optimumValue = Self.unmodelled(metric, atOptimum.mean, direction)
        let bandValue = abs(Self.unmodelled(metric, atOptimum.mean + bandModel, direction) - optimumValue)
        var region = PlateauRegion(
            metric: metric, optimum: optimum, optimumPredicted: optimumValue, band: bandValue, bandSource: source,
            members: members, gridSize: grid.count + (grid.contains(optimum) ? 0 : 1), choiceRule: rule, choice: optimum,
            unresolvedCount: unresolved, signalToNoise: noiseSD > 0 ? signalSD / noiseSD : nil)
        if let rssModel {
            // One prediction per member (members are sorted, so the first of equal RSS wins as before).
            let predictedRSS = members.map { rssModel.predict(encoding.encode($0), includingNoise: false).mean }
            if let lean = predictedRSS.indices.min(by: { predictedRSS[$0] < predictedRSS[$1] }), members[lean] != optimum,
                let atOptimumIndex = members.firstIndex(of: optimum)
            {
                let xLean = encoding.encode(members[lean])
                let leanPosterior = model.predict(xLean, includingNoise: false)
                let rssPosterior = rssModel.predict(xLean, includingNoise: false)
                region.leanest = members[lean]
                region.leanestPredicted = Self.unmodelled(metric, leanPosterior.mean, direction)
                region.leanestInterval = Self.interval(metric, leanPosterior, direction, z: z)
                region.leanestPredictedRSSBytes = Self.unmodelled(.rssPeakBytes, predictedRSS[lean], .minimize)
                region.leanestRSSInterval = Self.interval(.rssPeakBytes, rssPosterior, .minimize, z: z)
                region.leanestMeasuredTrials = measured.filter { $0.setting == members[lean] }.count
                region.optimumPredictedRSSBytes = Self.unmodelled(.rssPeakBytes, predictedRSS[atOptimumIndex], .minimize)
            }
        }
        return region
    }

    /// The trials the recommendation's models are fitted on: the measured ones that carry every
    /// objective (the caller leaves out confirmation trials, as `recommendAndConfirm` does), on
    /// one host's scale (``onOneScale(_:)``).
    public func recommendationTrials(_ samples: [TrialSample]) -> [TrialSample] {
        onOneScale(samples).filter { sample in sample.isMeasured && objectives.allSatisfy { $0.metric.value(of: sample) != nil } }
    }

    /// `samples` with the host as a factor: in a study measured on several hosts, each host's
    /// figures on the reference host's scale through their Go defaults (``HostNormalisation``);
    /// otherwise as measured.
    public func onOneScale(_ samples: [TrialSample]) -> [TrialSample] {
        let metrics = objectives.map(\.metric) + constraints.map(\.metric)
        return HostNormalisation.of(samples, metrics: metrics)?.apply(samples) ?? samples
    }

    /// The model of objective `k` that ``recommend(samples:rule:)`` maximises, fitted the same way
    /// (same trials, feature map and seed), so anything drawn from it shows the recommendation's
    /// own posterior. nil with fewer than two trials carrying the metric.
    public func recommendationModel(objective k: Int, measured: [TrialSample], features map: any FeatureMap) throws(SurrogateError)
        -> FeatureMappedModel?
    {
        try fitModel(objectives[k].metric, objectives[k].direction, measured: measured, features: map, seed: seed &+ 7777 &+ UInt64(k))
    }

    /// The central interval mean ∓ z·sd of a posterior in model units, mapped back to the
    /// metric's units and sorted low to high.
    static func interval(_ metric: Metric, _ posterior: (mean: Double, variance: Double), _ direction: ObjectiveDirection, z: Double)
        -> [Double]
    {
        let sd = max(posterior.variance, 0).squareRoot()
        let ends = [posterior.mean - z * sd, posterior.mean + z * sd].map { unmodelled(metric, $0, direction) }
        return ends.sorted()
    }

    /// Inverse of `modelled`.
    static func unmodelled(_ metric: Metric, _ value: Double, _ direction: ObjectiveDirection) -> Double {
        let plain = direction == .minimize ? value : -value
        return metric.isLogModelled ? exp(plain) - metric.logOffset : plain
    }
}
