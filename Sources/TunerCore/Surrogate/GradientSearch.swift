/// Multi-start gradient ascent inside a box, for maximising an acquisition function.
///
/// **Starts.** `rawSamples` points of a seeded Latin hypercube in the box are scored. Half the
/// `starts` (rounded up) are the best-scoring of them (ties in generation order), the rest are
/// further raw samples taken in generation order, i.e. at random, so that a second, lower mode
/// also gets a start; every warm start (e.g. the current frontier's settings) is optimised too.
/// Scoring a large cheap sample before optimising a few points is BoTorch's initialisation
/// heuristic; it matters for EHVI and EI, which are practically flat (zero) far from the front.
///
/// **Ascent.** ``BoundedLBFGS`` on −objective with the box as bounds (projected L-BFGS,
/// Armijo backtracking), from each start.
///
/// **Result.** The distinct local optima (merged when within 1e-4 of the box width in every coordinate),
/// best first. ``Result/bestNovel(avoiding:minimumDistance:)`` skips optima that coincide with
/// settings already measured, which is how a caller avoids duplicate proposals — and when the
/// overall best *is* an already-measured setting, that is the signal to measure it again if its
/// interval is too wide to decide (a decision for the study loop, which knows the intervals).
///
/// Deterministic for a given seed. Complexity: (rawSamples + starts · iterations) objective
/// evaluations, iterations ≤ `maxIterations`.
public enum GradientSearch {
    /// One local optimum.
    public struct Candidate: Sendable, Equatable {
        /// The point, inside the bounds.
        public var point: [Double]
        /// The objective there.
        public var value: Double
    }

    /// The outcome of a search.
    public struct Result: Sendable, Equatable {
        /// Distinct local optima, best first (ties keep start order). Never empty.
        public var candidates: [Candidate]

        /// The best optimum found.
        public var best: Candidate { candidates[0] }

        /// The best optimum at Euclidean distance at least `minimumDistance` from every point
        /// in `avoiding` (same coordinates as the search), or nil when every optimum is that
        /// close to one of them.
        public func bestNovel(avoiding: [[Double]], minimumDistance: Double) -> Candidate? {
            candidates.first { candidate in
                avoiding.allSatisfy { other in
                    var squared = 0.0
                    for q in candidate.point.indices {
                        squared += (candidate.point[q] - other[q]) * (candidate.point[q] - other[q])
                    }
                    return squared.squareRoot() >= minimumDistance
                }
            }
        }
    }

    /// Maximises `objective` over the box.
    /// - Parameters:
    ///   - dimension: d, coordinates per point (≥ 1).
    ///   - starts: how many of the raw samples to optimise.
    ///   - seed: seeds the raw samples.
    ///   - bounds: one closed range per coordinate; the unit box when nil.
    ///   - warmStarts: extra starting points (clamped into the box), always optimised.
    ///   - rawSamples: Latin-hypercube points scored to choose the starts.
    ///   - maxIterations: L-BFGS iterations per start.
    ///   - objective: value and gradient (d values) at a point; should be finite in the box.
    /// - Returns: the optima, best first.
    public static func maximize(
        dimension: Int,
        starts: Int = 8,
        seed: UInt64,
        bounds: [ClosedRange<Double>]? = nil,
        warmStarts: [[Double]] = [],
        rawSamples: Int = 256,
        maxIterations: Int = 100,
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        precondition(dimension >= 1, "the search needs at least one coordinate")
        let box = bounds ?? Array(repeating: 0.0...1.0, count: dimension)
        precondition(box.count == dimension, "\(box.count) bounds for \(dimension) coordinates")
        precondition(warmStarts.allSatisfy { $0.count == dimension }, "a warm start has the wrong number of coordinates")
        let lower = box.map(\.lowerBound)
        let upper = box.map(\.upperBound)

        var generator = SeededGenerator(seed: seed)
        let raw = latinHypercube(max(rawSamples, 1), lower: lower, upper: upper, &generator)
        let scored = raw.enumerated().map { (index: $0.offset, point: $0.element, value: objective($0.element).value) }
        let best =
            scored
            .filter { $0.value.isFinite }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }
            .prefix((max(starts, 0) + 1) / 2)
            .map(\.index)
        let exploring =
            scored
            .filter { $0.value.isFinite && !best.contains($0.index) }
            .prefix(max(starts, 0) - best.count)
            .map(\.index)
        var startPoints = warmStarts.map { BoundedLBFGS.clamp($0, lower, upper) } + (best + exploring).map { raw[$0] }
        if startPoints.isEmpty { startPoints = [raw[0]] }

        var optima = [Candidate]()
        for start in startPoints {
            let result = BoundedLBFGS.minimize(
                start: start, lower: lower, upper: upper,
                maxIterations: maxIterations, gradientTolerance: 1e-10, valueTolerance: 1e-12
            ) { x in
                let (value, gradient) = objective(x)
                return (-value, gradient.map { -$0 })
            }
            let candidate = Candidate(point: result.point, value: -result.value)
            if candidate.value.isNaN { continue }
            if let same = optima.firstIndex(where: { isSame($0.point, candidate.point, lower, upper) }) {
                if candidate.value > optima[same].value { optima[same] = candidate }
            } else {
                optima.append(candidate)
            }
        }
        if optima.isEmpty {
            // Every start was NaN: report the first raw sample so the result is never empty.
            optima = [Candidate(point: startPoints[0], value: objective(startPoints[0]).value)]
        }
        let ordered = optima.enumerated()
            .sorted { $0.element.value != $1.element.value ? $0.element.value > $1.element.value : $0.offset < $1.offset }
            .map(\.element)
        return Result(candidates: ordered)
    }

    /// Maximises an acquisition function over the unit box (or `bounds`). See
    /// ``maximize(dimension:starts:seed:bounds:warmStarts:rawSamples:maxIterations:objective:)``.
    public static func maximize(
        _ acquisition: some AcquisitionFunction,
        starts: Int = 8,
        seed: UInt64,
        bounds: [ClosedRange<Double>]? = nil,
        warmStarts: [[Double]] = [],
        rawSamples: Int = 256
    ) -> Result {
        maximize(
            dimension: acquisition.dimension, starts: starts, seed: seed, bounds: bounds,
            warmStarts: warmStarts, rawSamples: rawSamples
        ) { acquisition.valueAndGradient(at: $0) }
    }

    /// `count` points of a Latin hypercube: each coordinate has exactly one point in each of
    /// `count` equal strata, in random order.
    static func latinHypercube(
        _ count: Int, lower: [Double], upper: [Double], _ generator: inout SeededGenerator
    ) -> [[Double]] {
        let d = lower.count
        var points = [[Double]](repeating: [Double](repeating: 0, count: d), count: count)
        for q in 0..<d {
            var strata = (0..<count).map { (Double($0) + generator.nextUnit()) / Double(count) }
            strata.shuffle(using: &generator)
            for i in 0..<count { points[i][q] = lower[q] + strata[i] * (upper[q] - lower[q]) }
        }
        return points
    }

    /// True when a and b differ by at most 1e-4 of the box's width in every coordinate.
    private static func isSame(_ a: [Double], _ b: [Double], _ lower: [Double], _ upper: [Double]) -> Bool {
        a.indices.allSatisfy { abs(a[$0] - b[$0]) <= 1e-4 * (upper[$0] - lower[$0]) }
    }
}
