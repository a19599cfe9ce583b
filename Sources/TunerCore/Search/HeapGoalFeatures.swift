import Foundation

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
        let low = goals.min()!
        let high = goals.max()!
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
            return (
                [(l.value - logGoalRange.lowerBound) / width, off],
                [[0, l.dLogLimit * limitSpan / width], [0, 0]]
            )
        }
        if g.value <= l.value {
            // GOGC binds: z₁ = 0.
            return (
                [(g.value - logGoalRange.lowerBound) / width, 0],
                [[g.dLogGOGC * gogcSpan / width, 0], [0, 0]]
            )
        }
        let cut = g.value - l.value
        return (
            [(l.value - logGoalRange.lowerBound) / width, min(cut / largestCut, off)],
            [
                [0, l.dLogLimit * limitSpan / width],
                cut / largestCut < off ? [g.dLogGOGC * gogcSpan / largestCut, -l.dLogLimit * limitSpan / largestCut] : [0, 0],
            ]
        )
    }
}
