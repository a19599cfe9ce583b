import Foundation

/// The recommendation against Go's default at one load level: each metric's median for both
/// with its interval, the paired change, the margin to the limit, and what is flagged.
public struct LevelVerification: Sendable, Codable {
    /// One metric at the level.
    public struct Row: Sendable, Codable {
        public var metric: Metric
        /// Median over the level's runs of the default / of the recommendation, with a seeded
        /// bootstrap interval over runs.
        public var baseline: Estimate?
        public var candidate: Estimate?
        /// Relative change recommendation vs default: median of the per-pair ratios with a
        /// seeded bootstrap interval over pairs (as the confirmation computes it).
        public var change: Estimate?
    }

    public var level: LoadLevel
    /// Pairs in which both runs were measured.
    public var pairs: Int
    /// Runs at this level that failed (either setting), with their reasons.
    public var failures: [String]
    public var rows: [Row]
    public var margin: LimitMargin?
    /// Why the level does not hold, one sentence each; empty when it holds.
    public var flags: [String]
    /// The GC's share of the CPU from CPU profiles and from runtime/metrics, when profiles ran.
    public var profiles: ProfileComparison? = nil

    /// The GC's share of CPU for the default and the recommendation from the level's CPU profiles
    /// (mark workers + assists, ``ProfileGCShare/markShare``, and all four classes) and from
    /// runtime/metrics over the same windows: medians over the runs with bootstrap intervals, in
    /// percent; the two mark shares agree when their medians are within `tolerancePoints`.
    public struct ProfileComparison: Sendable, Codable {
        public var baselineMark: Estimate?
        public var candidateMark: Estimate?
        public var baselineAll: Estimate?
        public var candidateAll: Estimate?
        public var baselineRuntime: Estimate?
        public var candidateRuntime: Estimate?
        /// One call graph of each setting (SVG), when graphviz rendered it.
        public var callGraphs: [String]
        public static let tolerancePoints = 5.0

        /// Whether profile and runtime/metrics agree for both settings (nil: a figure is missing).
        public var agree: Bool? {
            guard let bm = baselineMark?.value, let br = baselineRuntime?.value, let cm = candidateMark?.value,
                let cr = candidateRuntime?.value
            else { return nil }
            return abs(bm - br) <= Self.tolerancePoints && abs(cm - cr) <= Self.tolerancePoints
        }

        static func of(_ pairs: [(baseline: TrialSample, candidate: TrialSample)], seed: UInt64) -> ProfileComparison? {
            let b = pairs.compactMap(\.baseline.cpuProfile)
            let c = pairs.compactMap(\.candidate.cpuProfile)
            guard !b.isEmpty || !c.isEmpty else { return nil }
            func estimate(_ values: [Double], _ salt: UInt64) -> Estimate? {
                Bootstrap.interval(values.map { $0 * 100 }, seed: seed &+ salt)
            }
            return ProfileComparison(
                baselineMark: estimate(b.compactMap { $0.profile?.markShare }, 1),
                candidateMark: estimate(c.compactMap { $0.profile?.markShare }, 2),
                baselineAll: estimate(b.compactMap { $0.profile?.share }, 3), candidateAll: estimate(c.compactMap { $0.profile?.share }, 4),
                baselineRuntime: estimate(b.compactMap(\.runtimeMetricsGCShare), 5),
                candidateRuntime: estimate(c.compactMap(\.runtimeMetricsGCShare), 6),
                callGraphs: [b.last?.svgPath, c.last?.svgPath].compactMap { $0 })
        }
    }

    /// The metrics a level reports, in display order.
    public static let metrics: [Metric] = [
        .throughputOpsPerSecond, .latencyP50Millis, .latencyP99Millis, .pauseMillisPerSecond, .pauseP99Millis,
        .cpuPerOpMicros, .gcCPUSharePercent, .rssPeakBytes, .liveHeapPeakBytes,
    ]

    /// Whether the recommendation held at this level: measured in at least one pair, nothing flagged.
    public var held: Bool { pairs > 0 && flags.isEmpty }

    public func row(_ metric: Metric) -> Row? { rows.first { $0.metric == metric } }

    /// Analyses the level's pairs (`pairs[i]` = default run, recommendation run, back to back).
    ///
    /// A level is flagged when
    /// - the recommendation loses beyond noise on a judged metric: the change's 95 % interval lies
    ///   wholly on the worse side of zero (with three pairs the percentile interval of the median
    ///   spans the pairs' ratios, so all three must agree); the judged metrics are the study's
    ///   decisive objective, throughput, latency p99 and CPU per operation;
    /// - it breaks a constraint of the study (the median of its runs; the default's median is
    ///   named beside it, since at a higher load the default may break it too);
    /// - its margin to GOMEMLIMIT is below `minimumMargin` or the collector runs back to back
    ///   (``LimitMargin``);
    /// - no pair was measured.
    public static func analyse(
        level: LoadLevel, candidate setting: GCSetting, pairs: [(baseline: TrialSample, candidate: TrialSample)], failures: [String],
        decisive: (metric: Metric, direction: ObjectiveDirection)?, constraints: [Constraint], minimumMargin: Double,
        confidence: Double = 0.95, seed: UInt64
    ) -> LevelVerification {
        var rows: [Row] = []
        for (i, metric) in metrics.enumerated() {
            let salt = seed &+ UInt64(i) &* 7919
            let b = pairs.compactMap { metric.value(of: $0.baseline) }
            let c = pairs.compactMap { metric.value(of: $0.candidate) }
            let ratios = pairs.compactMap { pair -> Double? in
                guard let b = metric.value(of: pair.baseline), let c = metric.value(of: pair.candidate), b != 0 else { return nil }
                return (c - b) / abs(b)
            }
            let row = Row(
                metric: metric, baseline: Bootstrap.interval(b, level: confidence, seed: salt),
                candidate: Bootstrap.interval(c, level: confidence, seed: salt &+ 1),
                change: Bootstrap.interval(ratios, level: confidence, seed: salt &+ 2))
            if row.baseline != nil || row.candidate != nil { rows.append(row) }
        }
        var flags: [String] = []
        if pairs.isEmpty { flags.append("no pair was measured at this level") }
        var judged: [(Metric, ObjectiveDirection)] = []
        if let decisive { judged.append(decisive) }
        for metric in [Metric.throughputOpsPerSecond, .latencyP99Millis, .cpuPerOpMicros] where !judged.contains(where: { $0.0 == metric })
        {
            judged.append((metric, metric.naturalDirection))
        }
        for (metric, direction) in judged {
            guard let change = rows.first(where: { $0.metric == metric })?.change, change.sampleCount >= 2 else { continue }
            let worse = direction == .maximize ? change.upper < 0 : change.lower > 0
            if worse {
                flags.append("loses on \(metric.rawValue): \(FrontierReport.percentText(change)) in \(change.sampleCount) pairs")
            }
        }
        for constraint in constraints {
            let values = pairs.compactMap { constraint.metric.value(of: $0.candidate) }
            guard let median = Statistics.median(values), !constraint.isMet(by: median) else { continue }
            let defaultMedian = Statistics.median(pairs.compactMap { constraint.metric.value(of: $0.baseline) })
            let defaultText = defaultMedian.map {
                " (the default: \(constraint.metric.format($0))\(constraint.isMet(by: $0) ? ", met" : ", broken too"))"
            }
            flags.append("breaks \(constraint.description): \(constraint.metric.format(median))\(defaultText ?? "")")
        }
        let margin = LimitMargin.measure(
            limitBytes: setting.memoryLimitBytes, candidateRuns: pairs.map(\.candidate), defaultRuns: pairs.map(\.baseline),
            minimumMultiple: minimumMargin)
        if let margin {
            if margin.isBelowThreshold {
                flags.append(
                    "margin to the limit \(formatFixed(margin.multiple, decimals: 2))× the peak live heap, below verify.min_margin \(formatFixed(margin.minimumMultiple, decimals: 2))×"
                )
            }
            if margin.backToBack { flags.append("the collector runs back to back: \(margin.summary)") }
        }
        return LevelVerification(
            level: level, pairs: pairs.count, failures: failures, rows: rows, margin: margin, flags: flags,
            profiles: ProfileComparison.of(pairs, seed: seed))
    }
}
