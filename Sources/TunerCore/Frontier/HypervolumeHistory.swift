/// The hypervolume of the measured frontier after each trial of a study, in a normalised
/// objective space fixed for the whole study (so the curve's values are comparable over time).
///
/// **Normalisation.** Objectives come in unrelated units (ms, ops/s, bytes), so their product is
/// no quantity anyone reads. Each objective k becomes a cost in [0, 1] over every counted trial of
/// the study: ĉₖ = |vₖ − bestₖ| / |worstₖ − bestₖ| (0 = the best value any trial measured, 1 = the
/// worst; an objective on which every trial agrees is 0 throughout), the normalisation
/// ``SelectionRule`` uses over its candidates. The reference point is 1 + `margin` (1.1) on every
/// normalised objective, as in ``SelectionRule/largestContribution``, so every trial dominates a
/// box of positive volume and the extremes of the front count. The volume is then a fraction of
/// the box [0, 1.1]^m: at most 1.1^m.
///
/// **Points.** Each trial is one point (its own measurement, not a median over repeats): adding
/// a point never removes dominated volume, so the history is non-decreasing. A trial without
/// every objective (failed) keeps the previous value.
public struct HypervolumeHistory: Sendable, Equatable {
    /// Best and worst measured value of each objective over the counted trials, in its own units.
    public var best: [Double]
    public var worst: [Double]
    /// Reference point on every normalised objective (1 + margin).
    public var normalisedReference: Double
    /// The reference point mapped back to each objective's units: worstₖ pushed past by margin · span.
    public var reference: [Double]
    /// Hypervolume after trial i (one per input point, in input order), in normalised units.
    public var volumes: [Double]
    /// Size of the non-dominated set of the counted trials after trial i.
    public var frontierSizes: [Int]

    /// - Parameters:
    ///   - points: one entry per trial in study order; nil for a trial that carries no value of
    ///     some objective. Each row has m = `directions.count` values in the objectives' units.
    ///   - margin: reference point at 1 + margin on every normalised objective.
    /// Cost: n hypervolume computations of up to n points, O(n² log n) for m ≤ 3.
    public static func compute(points: [[Double]?], directions: [ObjectiveDirection], margin: Double = 0.1) -> HypervolumeHistory {
        let m = directions.count
        let counted = points.compactMap { $0 }
        var best = [Double](repeating: 0, count: m)
        var worst = [Double](repeating: 0, count: m)
        for k in 0..<m {
            let values = counted.map { $0[k] }
            let low = values.min() ?? 0
            let high = values.max() ?? 0
            best[k] = directions[k] == .minimize ? low : high
            worst[k] = directions[k] == .minimize ? high : low
        }
        func normalised(_ point: [Double]) -> [Double] {
            (0..<m).map { k in
                let span = abs(worst[k] - best[k])
                return span > 0 ? abs(point[k] - best[k]) / span : 0
            }
        }
        let reference = [Double](repeating: 1 + margin, count: m)
        let minimising = [ObjectiveDirection](repeating: .minimize, count: m)
        var seen: [[Double]] = []
        var volumes: [Double] = []
        var sizes: [Int] = []
        for point in points {
            if let point {
                seen.append(normalised(point))
            }
            volumes.append(seen.isEmpty ? 0 : Hypervolume.volume(seen, reference: reference, directions: minimising))
            sizes.append(seen.isEmpty ? 0 : ParetoFront.nonDominatedIndices(seen, directions: minimising).count)
        }
        let referenceInUnits = (0..<m).map { k in
            worst[k] + (directions[k] == .minimize ? 1 : -1) * margin * abs(worst[k] - best[k])
        }
        return HypervolumeHistory(
            best: best, worst: worst, normalisedReference: 1 + margin, reference: referenceInUnits,
            volumes: volumes, frontierSizes: sizes)
    }
}
