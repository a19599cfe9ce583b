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
