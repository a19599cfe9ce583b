import Foundation
import TunerCore

/// Everything the study's notebook shows, computed once from the stored study (info, then
/// rendering): `scripts/notebook/make_notebook.py` only draws it. The recommendation, rule and
/// explanation are the stored decision's as `FrontierReport.apply(_:)` folded it in, the same
/// value `tuner report`, the env file and `report.json` render; nothing here decides anew.
///
/// Units: metric values are in the metric's own units (ms, ops/s, bytes for `rss_peak`,
/// percent); GOMEMLIMIT in bytes; GOGC in percent; `nil` GOGC or GOMEMLIMIT means `off`.
public struct NotebookData: Codable, Sendable {
    /// Bumped when a field changes meaning; the notebook script checks it.
    public static let currentFormat = 1

    public struct Objective: Codable, Sendable {
        public var metric: String
        public var direction: ObjectiveDirection
        public var label: String
    }

    public struct ConstraintInfo: Codable, Sendable {
        public var metric: String
        /// `<=` or `>=`.
        public var comparison: String
        /// In the metric's units (bytes for `rss_peak`).
        public var bound: Double
        /// As the spec and the report write it, e.g. `rss_peak <= 512MiB`.
        public var text: String
    }

    public struct MetricInfo: Codable, Sendable {
        public var metric: String
        /// Heading with its unit, e.g. `pause p99 (ms)`; bytes for `rss_peak`.
        public var label: String
        public var isBytes: Bool
    }

    /// One trial of the study as stored in `trials.jsonl`.
    public struct Trial: Codable, Sendable {
        /// Position in the study, 0-based, and 1-based as the run printed it.
        public var trialIndex: Int
        public var number: Int
        public var gogc: Int?
        public var memoryLimitBytes: Int64?
        /// e.g. `GOGC=200 GOMEMLIMIT=off`.
        public var setting: String
        /// `search`, `noise-check` or `confirm <candidate>`.
        public var phase: String
        public var repeatIndex: Int
        public var measured: Bool
        public var failure: String?
        /// Every metric the trial carries, by the spec's metric name.
        public var metrics: [String: Double]
        /// The window's pauses (ms, in order) when the pause source is exact; a per-cycle source
        /// (expvar, Prometheus summary) gives one figure per GC cycle (see `pauseSampleUnit`).
        public var pausesMillis: [Double]?
        /// A histogram source's bucket counts instead (edges in ms, `upperMillis` nil = +Inf).
        public var pauseHistogram: [PauseHistogram.Bucket]?
        public var pauseSource: String?
        /// `pause` or `cycle`.
        public var pauseSampleUnit: String?
        public var windowSeconds: Double?
    }

    /// One measured setting: a row of the frontier table.
    public struct FrontierRow: Codable, Sendable {
        public var gogc: Int?
        public var memoryLimitBytes: Int64?
        public var setting: String
        public var measuredTrials: Int
        public var failedTrials: Int
        /// Median over repeats with its 95 % bootstrap interval and sample count, per metric.
        public var metrics: [String: Estimate]
        public var onFrontier: Bool
        /// `frontier`, `uncertain` or `dominated`.
        public var membership: String
        public var frontierProbability: Double
        public var feasible: Bool
        public var violatedConstraints: [String]
        public var undecidedConstraints: [String]
        public var isDefault: Bool
        public var isRecommended: Bool
    }

    /// A relative change (candidate − default) / default as a fraction, with its interval.
    public struct Change: Codable, Sendable {
        public var metric: String
        public var change: Estimate
    }

    /// One alternating confirmation run of a candidate against the default.
    public struct ConfirmationRun: Codable, Sendable {
        public var candidate: String
        public var candidateGOGC: Int?
        public var candidateMemoryLimitBytes: Int64?
        /// (default trial index, candidate trial index) per pair, in the order they ran.
        public var pairs: [[Int]]
        /// The analysis of these pairs (the stored decision's for the run it names, else re-read
        /// from the trials with the study's seed, as `tuner report` does for an older study).
        public var confirmed: Bool?
        public var verdict: String?
        public var changes: [Change]
        /// Whether this is the confirmation the stored decision rests on.
        public var isDecisive: Bool
    }

    public struct Decision: Codable, Sendable {
        /// The recommended setting (the stored decision's), or nil when nothing was measured.
        public var recommended: String?
        public var recommendedGOGC: Int?
        public var recommendedMemoryLimitBytes: Int64?
        public var recommendedIsDefault: Bool
        /// The report's explanation, as the summary prints it after "Recommended: … —".
        public var explanation: String
        /// The rule in words, as the summary prints it after "Rule:".
        public var rule: String
        /// `stored` (decision.json), `rebuilt` (from an older study's confirmation trials) or
        /// `none` (no decision stored: the rule's pick, unconfirmed).
        public var source: String
        /// What a reader must know about the decision (`StoredStudy.decisionNote`), if anything.
        public var note: String?
        /// The surrogate's posterior optimum before confirmation, with its predicted metrics.
        public var surrogateOptimum: String?
        public var surrogatePredicted: [String: Double]?
        public var surrogateExplanation: String?
        /// The decisive confirmation's verdict and whether it confirmed.
        public var confirmationVerdict: String?
        public var confirmed: Bool?
        /// The objective the confirmation's sign test judges.
        public var decisiveObjective: String
        /// Recommended vs default, as the summary and the env file print them.
        public var changesVersusDefault: [Change]
        /// Every confirmation the study ran (a refuted candidate's, then its fallback's), in order.
        public var confirmations: [ConfirmationRun]
    }

    public struct HypervolumeTrial: Codable, Sendable {
        public var trialIndex: Int
        public var number: Int
        public var setting: String
        public var phase: String
        /// Whether the trial carried every objective (else the volume is carried over).
        public var counted: Bool
        /// Hypervolume of all counted trials so far, normalised units (see `normalisation`).
        public var hypervolume: Double
        public var frontierSize: Int
    }

    public struct HypervolumeInfo: Codable, Sendable {
        /// In words: how objectives are normalised and where the reference point is.
        public var normalisation: String
        /// Best / worst measured value of each objective over the counted trials (objective order).
        public var bestMeasured: [Double]
        public var worstMeasured: [Double]
        /// Reference point on each normalised objective (1.1) and in the objectives' units.
        public var normalisedReference: Double
        public var referenceInUnits: [Double]
        /// The largest possible volume, 1.1^m.
        public var maximum: Double
        public var history: [HypervolumeTrial]
    }

    public struct Surface: Codable, Sendable {
        /// Whether `grid` is present; when not, `note` says why.
        public var available: Bool
        public var note: String
        /// The objective drawn and why that one.
        public var objective: String
        public var objectiveReason: String
        /// Whether this model chose the study's settings (a surrogate search) or is fitted here
        /// only to draw the surface (a grid or Latin-hypercube study).
        public var searchedBySurrogate: Bool
        public var grid: PosteriorGrid?
    }

    public var format: Int
    public var study: String
    public var specPath: String
    /// `grid`, `lhs` or `surrogate`.
    public var sampler: String
    public var seed: UInt64
    public var objectives: [Objective]
    public var constraints: [ConstraintInfo]
    public var metrics: [MetricInfo]
    /// The terminal summary exactly as `tuner report` prints it (its note included).
    public var summaryText: String
    /// The report's "how it was measured" lines (pause source, load tool, target build).
    public var measuredWith: [String]
    public var trials: [Trial]
    public var frontier: [FrontierRow]
    public var decision: Decision
    public var hypervolume: HypervolumeInfo
    public var surface: Surface
    /// `tuner verify`'s stored verification of the recommendation (levels, margin, soak), if any.
    public var verification: Verification? = nil
}

extension NotebookData {
    /// Computes the notebook's data from a stored study.
    /// - Parameters:
    ///   - specPath: the spec path as the user gave it (shown in the notebook).
    ///   - gridPoints: numeric points per knob on the surrogate grid.
    public init(stored: StoredStudy, specPath: String, gridPoints: Int = 30) {
        let report = stored.report
        let spec = stored.spec
        let objectiveList = report.objectives
        let names = objectiveList.map(\.metric.rawValue)
        let directions = objectiveList.map(\.direction)
        let samples = stored.samples.sorted { $0.trialIndex < $1.trialIndex }

        var summary = ReportRenderer.summary(report, envFilePath: nil)
        if let note = stored.decisionNote { summary += "\n" + note }

        var used = Set(objectiveList.map(\.metric)).union(report.constraints.map(\.metric))
        used.formUnion(FrontierReport.tableMetrics)
        let metricInfo = Metric.allCases.filter(used.contains).map { MetricInfo(metric: $0.rawValue, label: $0.label, isBytes: $0.isBytes) }

        let trials = samples.map { sample -> Trial in
            var metrics: [String: Double] = [:]
            if sample.isMeasured {
                for metric in Metric.allCases { if let v = metric.value(of: sample), v.isFinite { metrics[metric.rawValue] = v } }
            }
            // The window's pauses as the study's pause source read them (old records: gctrace's).
            let pauses = sample.pauses ?? sample.gc.map { PauseSummary(gctrace: $0) }
            return Trial(
                trialIndex: sample.trialIndex, number: sample.trialIndex + 1, gogc: sample.setting.gogc,
                memoryLimitBytes: sample.setting.memoryLimitBytes, setting: sample.setting.description,
                phase: sample.phase ?? "search", repeatIndex: sample.repeatIndex, measured: sample.isMeasured,
                failure: sample.outcome.failureReason, metrics: metrics,
                pausesMillis: sample.isMeasured ? pauses?.pausesMillis : nil,
                pauseHistogram: sample.isMeasured ? pauses?.histogram?.buckets : nil,
                pauseSource: pauses?.source.rawValue, pauseSampleUnit: pauses?.sampleUnit.rawValue,
                windowSeconds: sample.gc?.windowSeconds ?? sample.load?.windowSeconds)
        }

        let frontier = report.rows.enumerated().map { index, row in
            FrontierRow(
                gogc: row.setting.gogc, memoryLimitBytes: row.setting.memoryLimitBytes, setting: row.setting.description,
                measuredTrials: row.measuredTrials, failedTrials: row.failedTrials,
                metrics: Dictionary(uniqueKeysWithValues: row.metrics.map { ($0.key.rawValue, $0.value) }),
                onFrontier: row.onFrontier, membership: row.membership.rawValue,
                frontierProbability: row.frontierProbability, feasible: row.isFeasible,
                violatedConstraints: row.violatedConstraints.map(\.description),
                undecidedConstraints: row.undecidedConstraints.map(\.description),
                isDefault: index == report.baselineIndex, isRecommended: index == report.recommendationIndex)
        }

        // Every confirmation run in the study, in the order it started.
        var candidates: [GCSetting] = []
        for sample in samples {
            guard let phase = sample.phase, phase.hasPrefix("confirm "), !sample.setting.isGoDefault,
                !candidates.contains(sample.setting)
            else { continue }
            candidates.append(sample.setting)
        }
        let decisive = stored.decision?.confirmation
        let confirmations = candidates.map { candidate -> ConfirmationRun in
            let pairs = StudyRunner.recordedPairs(of: candidate, in: samples)
            let analysis =
                decisive?.candidate == candidate ? decisive : StudyRunner.recordedConfirmation(of: candidate, in: samples, spec: spec)
            return ConfirmationRun(
                candidate: candidate.description, candidateGOGC: candidate.gogc,
                candidateMemoryLimitBytes: candidate.memoryLimitBytes,
                pairs: pairs.map { [$0.baseline.trialIndex, $0.candidate.trialIndex] },
                confirmed: analysis?.confirmed, verdict: analysis?.verdict,
                changes: (analysis?.changes ?? []).map { Change(metric: $0.metric.rawValue, change: $0.change) },
                isDecisive: decisive?.candidate == candidate)
        }

        let source: String
        if stored.decision == nil {
            source = "none"
        } else if stored.decision?.candidateSource != nil {
            source = "rebuilt"
        } else {
            source = "stored"
        }
        let recommended = report.recommendation?.setting
        let decision = Decision(
            recommended: recommended?.description, recommendedGOGC: recommended?.gogc,
            recommendedMemoryLimitBytes: recommended?.memoryLimitBytes, recommendedIsDefault: recommended?.isGoDefault ?? false,
            explanation: report.recommendationExplanation,
            rule: report.rule.description(objectiveNames: names, directions: directions),
            source: source, note: stored.decisionNote,
            surrogateOptimum: report.surrogateRecommendation?.setting.description,
            surrogatePredicted: report.surrogateRecommendation.map {
                Dictionary(uniqueKeysWithValues: $0.predicted.map { ($0.key.rawValue, $0.value) })
            },
            surrogateExplanation: report.surrogateRecommendation?.explanation,
            confirmationVerdict: report.confirmation?.verdict, confirmed: report.confirmation?.confirmed,
            decisiveObjective: objectiveList[spec.decisiveObjective].metric.rawValue,
            changesVersusDefault: report.changesVersusDefault.map { Change(metric: $0.metric.rawValue, change: $0.relative) },
            confirmations: confirmations)

        // Hypervolume after each trial, every phase included: each is a measurement of the service.
        let points = samples.map { sample -> [Double]? in
            guard sample.isMeasured else { return nil }
            let values = objectiveList.compactMap { $0.metric.value(of: sample) }
            return values.count == objectiveList.count ? values : nil
        }
        let history = HypervolumeHistory.compute(points: points, directions: directions)
        let hypervolume = HypervolumeInfo(
            normalisation:
                "each objective normalised to [0, 1] over every measured trial of the study (0 = the best value measured, 1 = the worst); "
                + "reference point 1.1 on every normalised objective (in the objectives' units: "
                + zip(objectiveList, history.reference).map { "\($0.0.metric.rawValue) \($0.0.metric.format($0.1))" }.joined(
                    separator: ", ")
                + "); each trial is its own point, so the volume never falls; at most 1.1^\(objectiveList.count) = \(formatFixed(pow(1.1, Double(objectiveList.count)), decimals: 3))",
            bestMeasured: history.best, worstMeasured: history.worst, normalisedReference: history.normalisedReference,
            referenceInUnits: history.reference, maximum: pow(1.1, Double(objectiveList.count)),
            history: samples.enumerated().map { i, sample in
                HypervolumeTrial(
                    trialIndex: sample.trialIndex, number: sample.trialIndex + 1, setting: sample.setting.description,
                    phase: sample.phase ?? "search", counted: points[i] != nil,
                    hypervolume: history.volumes[i], frontierSize: history.frontierSizes[i])
            })

        // The surrogate's surface for the objective the decision turns on, fitted exactly as the
        // recommendation fits it: on the trials without the confirmation runs.
        let k = spec.decisiveObjective
        let objectiveReason: String
        if case .best = spec.recommend {
            objectiveReason = "the rule optimises \(names[k])"
        } else {
            objectiveReason = "the rule weighs every objective; \(names[k]) is the one its confirmation judges"
        }
        let search = Samplers.surrogate(spec)
        let sampler = Samplers.make(spec, repeats: spec.budget.repeats)
        // A sampler that decides as it goes is the surrogate search this model belongs to.
        let searchedBySurrogate = sampler.plannedTrials == nil
        let surface: Surface
        switch search.posteriorGrid(samples: samples.filter { !$0.isConfirmation }, objective: k, points: gridPoints) {
        case .success(let grid):
            let fitted =
                searchedBySurrogate
                ? "the Gaussian process the surrogate search recommends from"
                : "a Gaussian process fitted here to draw the surface; the study's \(sampler.name) sampler chose its settings, not this model"
            surface = Surface(
                available: true,
                note: "\(fitted), on \(grid.trainingTrials) measured trials (confirmation runs left out), modelled as \(grid.scale)",
                objective: names[k], objectiveReason: objectiveReason,
                searchedBySurrogate: searchedBySurrogate, grid: grid)
        case .failure(let why):
            surface = Surface(
                available: false, note: "no surrogate surface: \(why.description)", objective: names[k],
                objectiveReason: objectiveReason, searchedBySurrogate: searchedBySurrogate, grid: nil)
        }

        self.init(
            format: Self.currentFormat, study: report.study, specPath: specPath, sampler: spec.budget.sampler.rawValue,
            seed: spec.seed,
            objectives: objectiveList.map { Objective(metric: $0.metric.rawValue, direction: $0.direction, label: $0.metric.label) },
            constraints: report.constraints.map {
                ConstraintInfo(metric: $0.metric.rawValue, comparison: $0.comparison.rawValue, bound: $0.bound, text: $0.description)
            },
            metrics: metricInfo, summaryText: summary, measuredWith: report.measuredWith, trials: trials,
            frontier: frontier, decision: decision, hypervolume: hypervolume, surface: surface)
        if let verification = report.verification, verification.candidate == report.recommendation?.setting {
            self.verification = verification
        }
    }

    /// The data as JSON (sorted keys, so two exports of one study compare equal).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
