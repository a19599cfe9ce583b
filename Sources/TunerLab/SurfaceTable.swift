import Foundation
@_spi(Lab) import TunerCore
import TunerFakes
import TunerRuntime

/// A recorded surface as a table of metric values: what the benchmark's Python side reads.
/// Each setting's repeats are in recording order, the order ``CommonDraws`` permutes.
public struct SurfaceTable: Codable, Sendable {
    public struct Objective: Codable, Sendable {
        public var metric: String
        /// `min` or `max`.
        public var direction: String
        /// ε in log(value + ε), the scale of tuner's models and of the benchmark's hypervolume.
        public var logOffset: Double
    }

    public struct Bound: Codable, Sendable {
        public var metric: String
        /// `<=` or `>=`.
        public var comparison: String
        /// In the metric's units (bytes for `rss_peak`).
        public var bound: Double
    }

    /// What the study asks, taken from its spec: every strategy and the scorer use these.
    public struct StudyQuestion: Codable, Sendable {
        public var spec: String
        public var objectives: [Objective]
        public var constraints: [Bound]
        /// Index into `objectives` of the objective the recommendation rule optimises (the
        /// baseline's `recommend: best throughput_ops_per_sec`).
        public var decisive: Int
        /// Settings in tuner's start, the Go default included (`budget.initial`).
        public var initialDesign: Int
        /// Alternating pairs of the confirmation (`budget.confirm`).
        public var confirmPairs: Int
    }

    public struct Setting: Codable, Sendable {
        public var gogcIndex: Int
        public var limitIndex: Int
        public var label: String
        /// repeats[i][m]: repeat i's value of `metrics[m]`.
        public var repeats: [[Double]]
        public var trialIndex: [Int]
        public var startedAtUnixSeconds: [Double]
    }

    public var format = "tuner-surface-table/1"
    public var source: String
    public var trials: Int
    public var firstStartedAtUnixSeconds: Double
    public var lastStartedAtUnixSeconds: Double
    public var gogc: [String]
    public var gomemlimit: [String]
    public var question: StudyQuestion
    public var metrics: [String]
    public var settings: [Setting]

    /// The table of `replay`'s surface for the question `spec` asks (objectives first, then
    /// the constraint metrics that are not objectives).
    public init(replay: ReplayEvaluator, spec: StudySpec, source: String, specPath: String) {
        var metrics = spec.objectives.map(\.metric)
        for constraint in spec.constraints where !metrics.contains(constraint.metric) { metrics.append(constraint.metric) }
        let decisive: Int
        if case .best(let k) = spec.recommend {
            decisive = k
        } else {
            decisive = spec.objectives.firstIndex { $0.metric == .throughputOpsPerSecond } ?? 0
        }
        question = StudyQuestion(
            spec: specPath,
            objectives: spec.objectives.map {
                Objective(metric: $0.metric.rawValue, direction: $0.direction == .minimize ? "min" : "max", logOffset: $0.metric.logOffset)
            },
            constraints: spec.constraints.map { Bound(metric: $0.metric.rawValue, comparison: $0.comparison.rawValue, bound: $0.bound) },
            decisive: decisive, initialDesign: spec.budget.initialDesign, confirmPairs: spec.budget.confirmPairs)
        self.source = source
        self.metrics = metrics.map(\.rawValue)
        gogc = replay.gogcValues.map { $0.map(String.init) ?? "off" }
        gomemlimit = replay.limitValues.map { $0.map(ByteSize.goSyntax) ?? "off" }
        let all = replay.surface.values.flatMap { $0 }
        trials = all.count
        firstStartedAtUnixSeconds = all.map(\.startedAtUnixSeconds).min() ?? 0
        lastStartedAtUnixSeconds = all.map(\.startedAtUnixSeconds).max() ?? 0
        settings = replay.surface.keys.sorted().map { setting in
            let index = replay.gridIndex(of: setting)!
            // Only trials that carry every metric (a measured trial always does).
            let trials = replay.surface[setting]!.filter { trial in metrics.allSatisfy { $0.value(of: trial) != nil } }
            return Setting(
                gogcIndex: index.gogc, limitIndex: index.limit, label: setting.description,
                repeats: trials.map { trial in metrics.map { $0.value(of: trial)! } },
                trialIndex: trials.map(\.trialIndex), startedAtUnixSeconds: trials.map(\.startedAtUnixSeconds))
        }
    }
}
