/// Everything a study's output shows, computed once from the samples; the terminal table,
/// the JSON export and the env file all render from this value (info, then rendering).
public struct FrontierReport: Sendable {
    /// One measured setting.
    public struct Row: Sendable {
        public var setting: GCSetting
        /// Trials that produced a sample / that failed.
        public var measuredTrials: Int
        public var failedTrials: Int
        /// Median over repeats with a bootstrap interval, for every metric the trials carry.
        public var metrics: [Metric: Estimate]
        /// Constraints whose median estimate is violated; empty = feasible.
        public var violatedConstraints: [Constraint]
        /// Constraints whose interval straddles the bound (the verdict could flip with more repeats).
        public var undecidedConstraints: [Constraint]
        public var membership: NoisyFrontier.Membership
        public var onFrontier: Bool
        /// Fraction of bootstrap replicates in which the setting is non-dominated.
        public var frontierProbability: Double

        public var isFeasible: Bool { violatedConstraints.isEmpty }
    }

    /// A relative change of one metric between two settings, with a bootstrap interval.
    public struct Change: Sendable {
        public var metric: Metric
        /// (candidate median − baseline median) / baseline median, as a fraction (0.12 = +12 %).
        public var relative: Estimate
    }

    public var study: String
    public var objectives: [(metric: Metric, direction: ObjectiveDirection)]
    public var constraints: [Constraint]
    public var rule: SelectionRule
    /// Rows sorted by setting; failed-only settings included with no metrics.
    public var rows: [Row]
    /// Index into `rows` of the Go default, if it was measured.
    public var baselineIndex: Int?
    /// Index into `rows` of the recommended setting, and why.
    public var recommendationIndex: Int?
    public var recommendationExplanation: String
    /// Recommended vs default on every objective and on peak RSS.
    public var changesVersusDefault: [Change]
    /// Coefficient of variation across the default's repeats, for the objectives and the
    /// usual figures (throughput, pause p99, latency p99, the service's CPU figures).
    public var baselineNoise: [Metric: Double]
    /// What tuning can win at most: the GC's share of the service's CPU over the default's
    /// search-phase runs (the noise check's), when measured (``GCBound``).
    public var gcBound: GCBound? = nil
    /// Median / max tuner CPU seconds per trial.
    public var tunerCPUSecondsPerTrialMedian: Double?
    public var tunerCPUSecondsPerTrialMax: Double?
    /// Median tuner CPU seconds per second of load (warm-up + window), a fraction of one core.
    public var tunerCPUShareDuringLoad: Double?
    /// How the trials were measured: the pause source(s) with their resolution and trial counts,
    /// the load tool(s), and the target's Go build, e.g. "pauses from gctrace (exact, per pause):
    /// 26 trials". One line each.
    public var measuredWith: [String] = []
    public var totalTrials: Int
    public var failedTrials: Int
    /// For each objective, whether it tells the measured settings apart beyond its noise (nil
    /// entry: not testable, no setting was measured twice).
    public var separation: [Separation] = []
    /// Why the study kept the default without searching (`budget.stop_below`), from the decision.
    public var keptDefaultBecause: String?
    /// Set on the exports `tuner run` rewrites after every trial, before the study has decided:
    /// the recommendation is then the rule's pick so far, unconfirmed.
    public var isInterim = false
    /// Where the confirmed candidate came from when neither the surrogate nor the rule says
    /// (`StudyDecision.candidateSource`).
    public var candidateSource: String?
    /// The surrogate's own recommendation (posterior-mean optimum), when a search ran.
    public var surrogateRecommendation: SurrogateRecommendation?
    /// The alternating runs against the default, when they ran.
    public var confirmation: Confirmation?
    /// `tuner verify`'s check of the recommendation at other load levels, when it ran.
    public var verification: Verification?
    /// In a study measured on several hosts: how their defaults compare and which figures were
    /// put on the reference host's scale (every figure in the rows is on that scale).
    public var hosts: HostNormalisation? = nil

    /// The objectives and metrics every row shows.
    public static let tableMetrics: [Metric] = [
        .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis, .pauseMillisPerSecond, .throughputOpsPerSecond,
        .latencyP99Millis, .rssPeakBytes, .rssTrendPercentPerMinute, .gcCount, .gcCPUPercent, .cpuPerOpMicros, .gcCPUSharePercent,
    ]

    public var recommendation: Row? { recommendationIndex.map { rows[$0] } }
    public var baseline: Row? { baselineIndex.map { rows[$0] } }

    /// Builds the report from every trial of a study.
    /// - Parameters:
    ///   - samples: all trials, measured and failed.
    ///   - seed: for the bootstrap intervals and frontier probabilities.
    public static func make(
        study: String, samples recorded: [TrialSample], objectives: [(metric: Metric, direction: ObjectiveDirection)],
        constraints: [Constraint], rule: SelectionRule, level: Double = 0.95, seed: UInt64
    ) -> FrontierReport {
        // A study measured on several hosts: every figure on the reference host's scale.
        let hosts = HostNormalisation.of(recorded, metrics: Metric.allCases, shown: objectives.map(\.metric))
        let samples = hosts?.apply(recorded) ?? recorded
        let settings = Array(Set(samples.map(\.setting))).sorted()
        var rows: [Row] = []
        // Settings with at least one measured trial carrying every objective.
        var frontierSamples: [[[Double]]] = []
        var frontierRowIndex: [Int] = []
        var salt: UInt64 = 0
        for setting in settings {
            let trials = samples.filter { $0.setting == setting }
            let measured = trials.filter(\.isMeasured)
            var metrics: [Metric: Estimate] = [:]
            for metric in Metric.allCases {
                salt += 1
                let values = measured.compactMap { metric.value(of: $0) }
                guard !values.isEmpty else { continue }
                metrics[metric] = Bootstrap.interval(values, level: level, seed: seed ^ (salt &* 0x9E37_79B9))
            }
            var violated: [Constraint] = []
            var undecided: [Constraint] = []
            for constraint in constraints {
                guard let estimate = metrics[constraint.metric] else {
                    violated.append(constraint)
                    continue
                }
                if !constraint.isMet(by: estimate.value) { violated.append(constraint) }
                if constraint.isMet(by: estimate.lower) != constraint.isMet(by: estimate.upper) { undecided.append(constraint) }
            }
            let objectiveRows: [[Double]] = measured.compactMap { sample in
                let values = objectives.compactMap { $0.metric.value(of: sample) }
                return values.count == objectives.count ? values : nil
            }
            if !objectiveRows.isEmpty {
                frontierSamples.append(objectiveRows)
                frontierRowIndex.append(rows.count)
            }
            rows.append(
                Row(
                    setting: setting, measuredTrials: measured.count, failedTrials: trials.count - measured.count,
                    metrics: metrics, violatedConstraints: violated, undecidedConstraints: undecided,
                    membership: .dominated, onFrontier: false, frontierProbability: 0))
        }

        var recommendationIndex: Int?
        var explanation = "no setting was measured successfully"
        if !frontierSamples.isEmpty {
            let frontier = NoisyFrontier(
                samples: frontierSamples, directions: objectives.map(\.direction),
                level: level, resamples: 1000, seed: seed)
            for (f, r) in frontierRowIndex.enumerated() {
                rows[r].onFrontier = frontier.onFrontier[f]
                rows[r].frontierProbability = frontier.membershipProbability[f]
                rows[r].membership = frontier.membership(f)
            }
            // Choose from the frontier of the feasible settings: an infeasible setting (say,
            // GOGC=off past the memory budget) must not hide a feasible one it dominates.
            let feasible = frontierRowIndex.map { rows[$0].isFeasible }
            let medians = frontier.medians
            let feasibleIndices = medians.indices.filter { feasible[$0] }
            var feasibleFrontier = [Bool](repeating: false, count: medians.count)
            for i in ParetoFront.nonDominatedIndices(feasibleIndices.map { medians[$0] }, directions: objectives.map(\.direction)) {
                feasibleFrontier[feasibleIndices[i]] = true
            }
            if let selection = rule.select(
                points: medians, directions: objectives.map(\.direction),
                feasible: feasible, onFrontier: feasibleFrontier,
                objectiveNames: objectives.map(\.metric.rawValue),
                formatters: objectives.map { objective in { objective.metric.format($0) } })
            {
                recommendationIndex = frontierRowIndex[selection.index]
                explanation = selection.explanation
            } else {
                explanation =
                    "no frontier setting meets the constraints (\(constraints.map(\.description).joined(separator: ", "))); keep Go's default"
            }
        }

        let baselineIndex = rows.firstIndex { $0.setting.isGoDefault }
        var changes: [Change] = []
        if let b = baselineIndex, let r = recommendationIndex {
            let baseTrials = samples.filter { $0.setting == rows[b].setting && $0.isMeasured }
            let candidateTrials = samples.filter { $0.setting == rows[r].setting && $0.isMeasured }
            var metricsToCompare = objectives.map(\.metric)
            if !metricsToCompare.contains(.rssPeakBytes) { metricsToCompare.append(.rssPeakBytes) }
            for (i, metric) in metricsToCompare.enumerated() {
                let base = baseTrials.compactMap { metric.value(of: $0) }
                let candidate = candidateTrials.compactMap { metric.value(of: $0) }
                if let relative = relativeChange(baseline: base, candidate: candidate, level: level, seed: seed &+ UInt64(i)) {
                    changes.append(Change(metric: metric, relative: relative))
                }
            }
        }
        var noise: [Metric: Double] = [:]
        if let b = baselineIndex {
            let baseTrials = samples.filter { $0.setting == rows[b].setting && $0.isMeasured }
            // The objectives' noise, and throughput, pause p99, latency p99 and the service's CPU
            // figures where measured.
            let metrics =
                objectives.map(\.metric) + [
                    .throughputOpsPerSecond, .pauseP99Millis, .latencyP99Millis, .cpuPerOpMicros, .gcCPUSharePercent,
                ]
            for metric in metrics where noise[metric] == nil {
                noise[metric] = Statistics.coefficientOfVariation(baseTrials.compactMap { metric.value(of: $0) })
            }
        }
        let cpu = samples.map(\.tunerCPUSeconds)
        let shares = samples.compactMap { sample -> Double? in
            guard let during = sample.tunerCPUSecondsDuringLoad, let wall = sample.loadWallSeconds, wall > 0 else { return nil }
            return during / wall
        }
        var report = FrontierReport(
            study: study, objectives: objectives, constraints: constraints, rule: rule, rows: rows,
            baselineIndex: baselineIndex, recommendationIndex: recommendationIndex,
            recommendationExplanation: explanation, changesVersusDefault: changes, baselineNoise: noise,
            tunerCPUSecondsPerTrialMedian: Statistics.median(cpu), tunerCPUSecondsPerTrialMax: cpu.max(),
            totalTrials: samples.count, failedTrials: samples.filter { !$0.isMeasured }.count)
        report.tunerCPUShareDuringLoad = Statistics.median(shares)
        report.hosts = hosts
        report.gcBound = GCBound(
            shares: samples.filter { $0.setting.isGoDefault && $0.isMeasured && !$0.isConfirmation }
                .compactMap { Metric.gcCPUSharePercent.value(of: $0).map { $0 / 100 } })
        report.measuredWith = measurementLines(samples.filter(\.isMeasured))
        let measuredSamples = samples.filter(\.isMeasured)
        report.separation = objectives.enumerated().compactMap { k, objective in
            let groups = Dictionary(grouping: measuredSamples, by: \.setting).sorted { $0.key < $1.key }
                .map { $0.value.compactMap { objective.metric.value(of: $0) } }
            return Separation.test(objective.metric, groups: groups, seed: seed &+ 0x5E9A &+ UInt64(k))
        }
        return report
    }

    /// One line per pause source, load tool and target build seen in `samples`.
    static func measurementLines(_ samples: [TrialSample]) -> [String] {
        func counted(_ keys: [String]) -> String {
            Dictionary(grouping: keys, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.count) trial(s)" }.joined(
                separator: "; ")
        }
        var lines: [String] = []
        let pauses = samples.map { sample -> String in
            guard let p = sample.pauses else { return "gctrace (exact, per pause)" }
            return "\(p.source.rawValue) (\(p.resolution.rawValue), per \(p.sampleUnit.rawValue))"
        }
        if !pauses.isEmpty { lines.append("Pauses from \(counted(pauses)).") }
        let notes = Set(samples.compactMap(\.pauses).flatMap(\.notes).filter { !$0.hasPrefix("counted between reads") })
        for note in notes.sorted() { lines.append("  note: \(note)") }
        let tools = samples.compactMap { $0.load?.tool }
        if !tools.isEmpty { lines.append("Load from \(counted(tools)).") }
        let builds = samples.compactMap { $0.targetBuild.map { "\($0.mainModule.map { "\($0) " } ?? "")\($0.summary)" } }
        if !builds.isEmpty { lines.append("Target: \(counted(builds)).") }
        return lines
    }

    /// Folds the surrogate's recommendation and its confirmation into the report: a confirmed
    /// candidate becomes the recommendation, with the paired changes as its gain; an
    /// unconfirmed one is reported and the best measured setting (by the rule) stands.
    public mutating func apply(_ decision: StudyDecision) {
        apply(surrogate: decision.surrogate, confirmation: decision.confirmation, candidateSource: decision.candidateSource)
        if let reason = decision.keptDefaultBecause, let baselineIndex {
            keptDefaultBecause = reason
            recommendationIndex = baselineIndex
            recommendationExplanation = reason
            changesVersusDefault = []
        }
    }

    public mutating func apply(surrogate: SurrogateRecommendation?, confirmation: Confirmation?, candidateSource: String? = nil) {
        surrogateRecommendation = surrogate
        self.candidateSource = candidateSource
        self.confirmation = confirmation
        if let confirmation {
            if confirmation.confirmed, let index = rows.firstIndex(where: { $0.setting == confirmation.candidate }) {
                recommendationIndex = index
                let source: String
                if let candidateSource {
                    source = candidateSource + "; "
                } else if let surrogate, surrogate.setting == confirmation.candidate {
                    source = "the surrogate's choice (\(surrogate.explanation)); "
                } else if let surrogate {
                    source =
                        "best measured setting by the rule, after the surrogate's choice \(surrogate.setting) failed its confirmation; "
                } else {
                    source = "best measured setting by the rule; "
                }
                recommendationExplanation = source + confirmation.verdict
                changesVersusDefault = confirmation.changes.map { Change(metric: $0.metric, relative: $0.change) }
            } else if !confirmation.confirmed {
                // A claimed gain must survive alternating runs against the default; when the last
                // candidate did not, the answer is the default, not an unconfirmed pick.
                let seen = confirmation.changes.map { "\($0.metric.rawValue) \(Self.percentText($0.change))" }.joined(separator: ", ")
                if let baselineIndex {
                    recommendationIndex = baselineIndex
                    recommendationExplanation =
                        "no setting beat the Go default beyond the noise here: candidate \(confirmation.candidate) was \(confirmation.verdict) (its changes over the pairs: \(seen)); keep Go's default, or confirm with more pairs (budget.confirm)"
                    changesVersusDefault = []
                } else {
                    recommendationExplanation =
                        "candidate \(confirmation.candidate) was \(confirmation.verdict), and the default was not measured: nothing is recommended with confidence; \(recommendationExplanation)"
                }
            }
        } else if let surrogate, surrogate.setting.isGoDefault, let index = baselineIndex {
            recommendationIndex = index
            recommendationExplanation = "the surrogate predicts Go's default is best (\(surrogate.explanation)); nothing to confirm"
        }
    }

    /// The spec's rule in words.
    public var ruleText: String {
        rule.description(objectiveNames: objectives.map(\.metric.rawValue), directions: objectives.map(\.direction))
    }

    /// The rule that actually chose the recommended setting, in words a reader can check: the
    /// surrogate's (its posterior optimum, within a plateau region when there is one) when its choice was
    /// confirmed, the default when the last candidate was refuted, else the spec's rule on the
    /// measured medians of the table.
    public var decidingRule: String {
        guard let row = recommendation else { return ruleText }
        if keptDefaultBecause != nil, row.setting.isGoDefault {
            return "keep Go's default before any search: the up-front bound (budget.stop_below)"
        }
        if let confirmation, !confirmation.confirmed, row.setting.isGoDefault {
            return "keep Go's default: the last candidate, \(confirmation.candidate), did not beat it in the alternating confirmation pairs"
        }
        if let candidateSource, confirmation?.candidate == row.setting {
            return "the candidate confirmed in the study's alternating pairs, \(candidateSource)"
        }
        if let surrogate = surrogateRecommendation, surrogate.setting == row.setting {
            return "the surrogate's choice: \(surrogate.explanation)"
        }
        if let confirmation, let surrogate = surrogateRecommendation, confirmation.candidate == row.setting {
            return "\(ruleText), on the measured medians (the surrogate's choice \(surrogate.setting) was not confirmed)"
        }
        return "\(ruleText), on the measured medians"
    }

    /// The objective the rule optimises, when it optimises one.
    public var ruleObjective: Metric? {
        if case .best(let k) = rule, objectives.indices.contains(k) { return objectives[k].metric }
        return nil
    }

    /// The objectives that do not tell the settings apart beyond their noise, and a warning when
    /// the rule optimises one of them (its "best" is then chosen on noise); nil when all separate.
    /// When a confirmation ran, it is the verdict on the rule's objective, and the line says so
    /// and why, so the reader gets one answer, not two.
    public var separationWarning: String? {
        let flat = separation.filter { !$0.separates }
        guard !flat.isEmpty else { return nil }
        var text = "Not separated beyond the noise here: " + flat.map(\.text).joined(separator: "; ") + "."
        if let metric = ruleObjective, flat.contains(where: { $0.metric == metric }), let confirmation {
            text +=
                " On \(metric.rawValue) the confirmation decides, not this test: it ran the candidate and the default back to back in alternating pairs, so drift between trials, which this test over the search's trials counts as noise, cancels in each pair; its verdict: \(confirmation.verdict)."
        } else if let metric = ruleObjective, flat.contains(where: { $0.metric == metric }) {
            let moved = separation.filter(\.separates).map(\.metric.rawValue)
            text +=
                " The rule optimises \(metric.rawValue), so its choice rests on noise"
                + (moved.isEmpty
                    ? ""
                    : "; what the settings did change is \(moved.joined(separator: ", ")): consider a rule on that (recommend.objective)")
                + "."
        }
        return text
    }

    /// "+21.3 % [+12.6, +30.1]" for a relative change.
    static func percentText(_ estimate: Estimate) -> String {
        func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + formatFixed(value * 100, decimals: 1) }
        return "\(signed(estimate.value)) % [\(signed(estimate.lower)), \(signed(estimate.upper))]"
    }

    /// Relative change of medians (candidate vs baseline) with a two-sample percentile bootstrap:
    /// each replicate resamples both groups independently. Zero-width when either group has one
    /// sample; nil when either is empty or the baseline median is zero.
    public static func relativeChange(baseline: [Double], candidate: [Double], level: Double, resamples: Int = 2000, seed: UInt64)
        -> Estimate?
    {
        guard let b = Statistics.median(baseline), let c = Statistics.median(candidate), b != 0 else { return nil }
        let point = (c - b) / abs(b)
        let n = min(baseline.count, candidate.count)
        guard baseline.count >= 2, candidate.count >= 2 else {
            return Estimate(value: point, lower: point, upper: point, level: level, sampleCount: n)
        }
        var generator = SeededGenerator(seed: seed)
        var replicates: [Double] = []
        replicates.reserveCapacity(resamples)
        func resample(_ values: [Double]) -> [Double] {
            (0..<values.count).map { _ in values[Int(generator.next() % UInt64(values.count))] }
        }
        for _ in 0..<resamples {
            guard let rb = Statistics.median(resample(baseline)), let rc = Statistics.median(resample(candidate)), rb != 0 else { continue }
            replicates.append((rc - rb) / abs(rb))
        }
        replicates.sort()
        let alpha = (1 - level) / 2
        return Estimate(
            value: point, lower: Statistics.quantile(sorted: replicates, alpha) ?? point,
            upper: Statistics.quantile(sorted: replicates, 1 - alpha) ?? point, level: level, sampleCount: n)
    }
}
