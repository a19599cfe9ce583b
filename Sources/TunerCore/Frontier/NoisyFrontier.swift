/// The frontier of settings measured with noise: per-setting estimates with bootstrap
/// intervals, frontier membership on the estimates, and how sure that membership is.
///
/// Notation: S settings, setting s has R_s ≥ 1 repeats, m objectives. `samples[s][r][k]` is
/// objective k measured in repeat r of setting s, in the objective's units.
///
/// - **Estimate.** For each setting and objective: the median of the repeats, with a seeded
///   percentile-bootstrap interval (``Bootstrap/interval(_:statistic:level:resamples:seed:)``).
///   A setting with one repeat gets a zero-width interval and `sampleCount` 1.
/// - **Frontier.** Non-dominated on the median estimates (``ParetoFront``; duplicates kept).
/// - **Membership probability.** In each of `resamples` replicates every setting's repeats are
///   resampled with replacement (a repeat keeps its objectives together), each setting becomes
///   the medians of its resample, and the non-dominated set of those points is recorded. The
///   probability is the fraction of replicates in which the setting is non-dominated.
/// - **Uncertain membership** (``isUncertain(_:)``): the probability lies strictly inside
///   (0.1, 0.9), or the setting rests on a single repeat (its probability then only reflects the
///   other settings' noise, so it cannot be trusted).
///
/// Complexity: O(resamples · (Σ R_s · m + nondominated(S))) time, O(S·m) extra memory.
/// Reproducible: equal inputs and seeds give equal results.
public struct NoisyFrontier: Sendable {
    /// The band of membership probabilities (exclusive) that counts as uncertain.
    public static let uncertainBand: ClosedRange<Double> = 0.1...0.9

    /// Frontier status of a setting as a report shows it.
    public enum Membership: String, Sendable, Equatable, Codable {
        /// On the frontier of the estimates, and confidently so.
        case frontier
        /// On or off the frontier, but resampling says it could go either way (see ``isUncertain(_:)``).
        case uncertain
        /// Off the frontier, and confidently so.
        case dominated
    }

    /// Objective directions, one per objective.
    public let directions: [ObjectiveDirection]
    /// `estimates[s][k]`: median of setting s's repeats on objective k, with its interval.
    public let estimates: [[Estimate]]
    /// `onFrontier[s]`: setting s is non-dominated on the median estimates.
    public let onFrontier: [Bool]
    /// `membershipProbability[s]`: fraction of bootstrap replicates in which s is non-dominated.
    public let membershipProbability: [Double]
    /// Confidence level of the intervals.
    public let level: Double
    /// Bootstrap replicates behind the intervals and the probabilities.
    public let resamples: Int

    /// - Parameters:
    ///   - samples: `samples[s][r][k]`, every setting with at least one repeat of m values.
    ///   - directions: one per objective (m ≥ 1).
    ///   - level: confidence level of the intervals, in (0, 1).
    ///   - resamples: bootstrap replicates for the intervals and for the membership probability.
    ///   - seed: makes the intervals and probabilities reproducible.
    public init(
        samples: [[[Double]]],
        directions: [ObjectiveDirection],
        level: Double = 0.95,
        resamples: Int = 1000,
        seed: UInt64
    ) {
        let m = directions.count
        precondition(m >= 1, "a frontier needs at least one objective")
        precondition(level > 0 && level < 1, "confidence level \(level) is outside (0, 1)")
        precondition(resamples >= 1, "at least one bootstrap replicate is needed")
        for (s, repeats) in samples.enumerated() {
            precondition(!repeats.isEmpty, "setting \(s) has no repeats")
            for (r, row) in repeats.enumerated() {
                precondition(row.count == m, "setting \(s), repeat \(r) has \(row.count) objectives, expected \(m)")
                precondition(!row.contains(where: \.isNaN), "setting \(s), repeat \(r) has a NaN objective")
            }
        }
        self.directions = directions
        self.level = level
        self.resamples = resamples
        let root = SeededGenerator(seed: seed)

        var estimates = [[Estimate]]()
        estimates.reserveCapacity(samples.count)
        for (s, repeats) in samples.enumerated() {
            var row = [Estimate]()
            for k in 0..<m {
                var stream = root.derived(UInt64(s) &* UInt64(m) &+ UInt64(k) &+ 1)
                let values = repeats.map { $0[k] }
                row.append(
                    Bootstrap.interval(
                        values, statistic: Statistics.median, level: level, resamples: resamples, seed: stream.next()
                    )!
                )
            }
            estimates.append(row)
        }
        self.estimates = estimates

        let medians = PointSet(values: estimates.flatMap { $0.map(\.value) }, dimension: m)
        self.onFrontier = ParetoFront.nonDominatedMask(medians, directions: directions)
        self.membershipProbability = Self.membershipProbabilities(
            samples, directions: directions, resamples: resamples, generator: root.derived(0)
        )
    }

    private static func membershipProbabilities(
        _ samples: [[[Double]]], directions: [ObjectiveDirection], resamples: Int, generator: SeededGenerator
    ) -> [Double] {
        let settings = samples.count
        let m = directions.count
        if settings == 0 { return [] }
        var generator = generator
        var counts = [Int](repeating: 0, count: settings)
        var values = [Double](repeating: 0, count: settings * m)
        var picks = [Int]()
        var column = [Double]()
        for _ in 0..<resamples {
            for s in 0..<settings {
                let repeats = samples[s]
                let n = repeats.count
                picks.removeAll(keepingCapacity: true)
                for _ in 0..<n { picks.append(Int(generator.next() % UInt64(n))) }
                for k in 0..<m {
                    column.removeAll(keepingCapacity: true)
                    for r in picks { column.append(repeats[r][k]) }
                    column.sort()
                    values[s * m + k] = Statistics.quantile(sorted: column, 0.5)!
                }
            }
            let mask = ParetoFront.nonDominatedMask(PointSet(values: values, dimension: m), directions: directions)
            for s in 0..<settings where mask[s] { counts[s] += 1 }
        }
        return counts.map { Double($0) / Double(resamples) }
    }

    /// Number of settings.
    public var count: Int { estimates.count }

    /// The median estimates as points, `[setting][objective]`.
    public var medians: [[Double]] { estimates.map { $0.map(\.value) } }

    /// True when setting s's frontier membership is in doubt: its membership probability is
    /// strictly inside ``uncertainBand`` (0.1, 0.9), or it rests on a single repeat.
    public func isUncertain(_ s: Int) -> Bool {
        if estimates[s].contains(where: \.isSingleSample) { return true }
        let p = membershipProbability[s]
        return p > Self.uncertainBand.lowerBound && p < Self.uncertainBand.upperBound
    }

    /// How a report should show setting s.
    public func membership(_ s: Int) -> Membership {
        if isUncertain(s) { return .uncertain }
        return onFrontier[s] ? .frontier : .dominated
    }

    /// True when the intervals say a dominates b: on every objective a's interval is at least
    /// as good as b's (both ends no worse), and on at least one objective the intervals do not
    /// overlap with a's on the better side (for a minimised objective, a.upper < b.lower).
    public func dominatesWithConfidence(_ a: Int, _ b: Int) -> Bool {
        var separated = false
        for k in directions.indices {
            let x = estimates[a][k]
            let y = estimates[b][k]
            switch directions[k] {
            case .minimize:
                if x.lower > y.lower || x.upper > y.upper { return false }
                if x.upper < y.lower { separated = true }
            case .maximize:
                if x.lower < y.lower || x.upper < y.upper { return false }
                if x.lower > y.upper { separated = true }
            }
        }
        return separated
    }

    /// The settings that dominate s with confidence, ascending. O(S·m).
    public func confidentlyDominating(_ s: Int) -> [Int] {
        (0..<count).filter { $0 != s && dominatesWithConfidence($0, s) }
    }
}
