import Foundation

/// Where the Go heap settles under a setting, fitted to the study's own gctrace: the domain
/// knowledge behind ``HeapGoalFeatures``.
///
/// The Go GC guide's model: a collection starts when the heap reaches its **goal**, the smaller of
/// the GOGC goal, live heap × (1 + GOGC/100), and the memory-limit goal, GOMEMLIMIT minus the
/// runtime's memory outside the heap. GC cost per second falls roughly as 1/(goal − live), the
/// heap (and RSS) grows with the goal, and a limit near the live heap makes the program collect
/// continuously. Two settings with the same goal and the same binding knob therefore behave
/// alike, whatever their GOGC and GOMEMLIMIT values: every limit above the GOGC goal is the
/// same as no limit at all.
///
/// The model has three numbers, all from the trials' gctrace (median heap goal of the cycles in
/// each measured window):
/// - GOGC goal(G) = exp(`logGoalScaleMiB`) · (1 + G/100)^`goalExponent`, MiB. The guide's model has
///   exponent 1 with a constant live heap; real services retain more as the heap grows (the
///   bundled one: exponent about 2), so the exponent is fitted by least squares on log goal
///   against log(1 + G/100) over trials the limit did not bind, clamped to [0.5, 4]; with one
///   such GOGC value it is 1.
/// - limit goal(L) = L − `overheadMiB`, at least 1 MiB: the median of (limit − goal) over trials
///   the limit bound (goal ≥ 70 % of the limit), else 10 % of each limit.
/// A trial counts as bound by its limit when its goal is at least 70 % of the limit.
public struct HeapGoalModel: Sendable, Equatable {
    /// log of the GOGC goal's scale, log MiB: the goal extrapolated to GOGC = 0.
    public var logGoalScaleMiB: Double
    /// Exponent of (1 + GOGC/100) in the GOGC goal; 1 in the GC guide's constant-live-heap model.
    public var goalExponent: Double
    /// Memory the limit must cover besides the heap, MiB; nil until a trial showed it (then 10 %
    /// of the limit is assumed).
    public var overheadMiB: Double?
    /// Peak RSS per MiB of heap goal, over trials the limit did not bind (median); nil before
    /// any. Where a limit "just above" a GOGC's natural peak lies.
    public var rssPerGoal: Double?

    /// Goal fraction of the limit at or above which a trial's limit is taken as binding.
    public static let boundFraction = 0.7
    /// Exponent range of the fit.
    public static let exponentRange: ClosedRange<Double> = 0.5...4

    public init(logGoalScaleMiB: Double, goalExponent: Double, overheadMiB: Double?, rssPerGoal: Double? = nil) {
        self.logGoalScaleMiB = logGoalScaleMiB
        self.goalExponent = goalExponent
        self.overheadMiB = overheadMiB
        self.rssPerGoal = rssPerGoal
    }

    /// The guide's model for a 4 MiB live heap (Go's minimum heap goal), used before any trial.
    public static let prior = HeapGoalModel(logGoalScaleMiB: log(4), goalExponent: 1, overheadMiB: nil)

    /// Fits the model to the measured trials that carry heap goals. Deterministic; O(n).
    public static func fit(_ samples: [TrialSample]) -> HeapGoalModel {
        var unbound: [(x: Double, y: Double)] = []
        var overheads: [Double] = []
        var rssRatios: [Double] = []
        for sample in samples where sample.isMeasured {
            guard let goal = sample.gc?.heapGoalMiB, goal > 0 else { continue }
            let limitMiB = sample.setting.memoryLimitBytes.map { Double($0) / 1_048_576 }
            if let limitMiB, goal >= boundFraction * limitMiB {
                overheads.append(max(limitMiB - goal, 0))
            } else if let gogc = sample.setting.gogc {
                unbound.append((log1p(Double(gogc) / 100), log(goal)))
                if let peak = sample.memory?.peakBytes, peak > 0 { rssRatios.append(Double(peak) / 1_048_576 / goal) }
            }
        }
        var model = prior
        if !overheads.isEmpty { model.overheadMiB = Statistics.median(overheads) }
        if !rssRatios.isEmpty { model.rssPerGoal = Statistics.median(rssRatios) }
        guard !unbound.isEmpty else { return model }
        let meanX = unbound.map(\.x).reduce(0, +) / Double(unbound.count)
        let meanY = unbound.map(\.y).reduce(0, +) / Double(unbound.count)
        let sxx = unbound.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) }
        let sxy = unbound.reduce(0) { $0 + ($1.x - meanX) * ($1.y - meanY) }
        // Several GOGC values spanning at least 20 % in (1 + G/100) determine the slope.
        let slope = sxx > 0.01 * Double(unbound.count) ? sxy / sxx : 1
        model.goalExponent = min(max(slope, exponentRange.lowerBound), exponentRange.upperBound)
        model.logGoalScaleMiB = meanY - model.goalExponent * meanX
        return model
    }

    /// log of the GOGC goal, log MiB (+∞ for GOGC=off), and its derivative in log GOGC.
    public func logGOGCGoal(_ gogc: Double?) -> (value: Double, dLogGOGC: Double) {
        guard let gogc else { return (.infinity, 0) }
        let ratio = gogc / 100
        return (logGoalScaleMiB + goalExponent * log1p(ratio), goalExponent * ratio / (1 + ratio))
    }

    /// The limit that sits just above GOGC's natural peak RSS: 1.1 × ``rssPerGoal`` (1.5 before
    /// any trial) × the GOGC goal, bytes. The Go GC guide's advice for using both knobs: GOGC
    /// sets the steady state and the limit, slightly above it, stops runaway growth.
    public func limitJustAbove(gogc: Double) -> Double {
        1.1 * (rssPerGoal ?? 1.5) * exp(logGOGCGoal(gogc).value) * 1_048_576
    }

    /// log of the memory-limit goal, log MiB (+∞ without a limit), and its derivative in
    /// log limit (0 where the 1 MiB floor holds).
    public func logLimitGoal(_ limitBytes: Double?) -> (value: Double, dLogLimit: Double) {
        guard let limitBytes else { return (.infinity, 0) }
        let limitMiB = limitBytes / 1_048_576
        let overhead = overheadMiB ?? 0.1 * limitMiB
        let goal = limitMiB - overhead
        guard goal > 1 else { return (0, 0) }
        // d log(L − N)/d log L = L / (L − N) with N fixed; with N = 0.1 L it is 1.
        return (log(goal), overheadMiB == nil ? 1 : limitMiB / goal)
    }
}

/// GP inputs from the heap-goal model: the search's unit-box coordinates (log GOGC, log
/// GOMEMLIMIT, `off` arms; ``SettingEncoding``) mapped to
///
///     z₀ = (log goal − lowest log goal) / (highest − lowest)   where goal = min(GOGC goal, limit goal)
///     z₁ = log(GOGC goal / goal) / (largest such ratio in the space)     0 while the limit does not bind
///
/// so that every setting whose limit does not bind lies on the line z₁ = 0 at the position of its
/// goal, and the limit-bound settings form a sheet beside it, ordered by how hard the limit cuts
/// the GOGC goal. Both in [0, 1] over the space's numeric values; `GOGC=off` with a limit sits at
/// z₁ = ``SettingEncoding/offCoordinate`` (the limit binds "infinitely"), and `GOGC=off` without a
/// limit (no collection at all) at z₀ = `offCoordinate`, z₁ = 0.
///
/// The map is piecewise smooth: its Jacobian is that of the binding branch (the GOGC goal where
/// the two goals tie).
public struct HeapGoalFeatures: FeatureMap {
    public let model: HeapGoalModel
    public let encoding: SettingEncoding
    /// Range of log goal over the space's numeric corners, log MiB.
    public let logGoalRange: ClosedRange<Double>
    /// Largest log(GOGC goal / goal) over the space's numeric corners (≥ 0.1).
    public let largestCut: Double

    public init(model: HeapGoalModel, encoding: SettingEncoding) {
        self.model = model
        self.encoding = encoding
        let gogcs = [encoding.gogcRange.lowerBound, encoding.gogcRange.upperBound].map { Optional($0) }
        let limits: [Double?] = [encoding.limitRange.lowerBound, encoding.limitRange.upperBound] + (encoding.limitOff ? [nil] : [])
        var goals: [Double] = []
        var cut = 0.0
        for gogc in gogcs {
            for limit in limits {
                let g = model.logGOGCGoal(gogc).value
                let l = model.logLimitGoal(limit).value
                goals.append(min(g, l))
                cut = max(cut, g - min(g, l))
            }
        }
        if encoding.gogcOff, encoding.limitNumeric {
            goals.append(model.logLimitGoal(encoding.limitRange.upperBound).value)
        }
        let low = goals.min()!, high = goals.max()!
        logGoalRange = low...(high > low + 0.1 ? high : low + 0.1)
        largestCut = max(cut, 0.1)
    }

    public var inputDimension: Int { 2 }
    public var outputDimension: Int { 2 }

    public func apply(_ x: [Double]) -> (features: [Double], jacobian: [[Double]]) {
        let off = SettingEncoding.offCoordinate
        let gogcOff = x[0] >= off - 1e-9
        let limitOff = x[1] >= off - 1e-9
        // Box coordinate u ↦ log value: log v = log low + u · log(high/low).
        let gogcSpan = log(encoding.gogcRange.upperBound / encoding.gogcRange.lowerBound)
        let limitSpan = log(encoding.limitRange.upperBound / encoding.limitRange.lowerBound)
        let gogc = gogcOff ? nil : encoding.gogcRange.lowerBound * exp(x[0] * gogcSpan)
        let limit = limitOff ? nil : encoding.limitRange.lowerBound * exp(x[1] * limitSpan)
        let g = model.logGOGCGoal(gogc)
        let l = model.logLimitGoal(limit)
        let width = logGoalRange.upperBound - logGoalRange.lowerBound
        if gogcOff && limitOff {
            return ([off, 0], [[0, 0], [0, 0]])
        }
        if gogcOff {
            // The limit alone sets the goal; GOGC's "cut" is infinite.
            return ([(l.value - logGoalRange.lowerBound) / width, off],
                    [[0, l.dLogLimit * limitSpan / width], [0, 0]])
        }
        if g.value <= l.value {
            // GOGC binds: z₁ = 0.
            return ([(g.value - logGoalRange.lowerBound) / width, 0],
                    [[g.dLogGOGC * gogcSpan / width, 0], [0, 0]])
        }
        let cut = g.value - l.value
        return ([(l.value - logGoalRange.lowerBound) / width, min(cut / largestCut, off)],
                [[0, l.dLogLimit * limitSpan / width],
                 cut / largestCut < off ? [g.dLogGOGC * gogcSpan / largestCut, -l.dLogLimit * limitSpan / largestCut] : [0, 0]])
    }
}
