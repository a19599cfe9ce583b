import Foundation
import TunerCore

/// A study as `experiments/*.yml` describes it, validated and with paths made absolute.
/// Every field is documented in README.md ("Study spec reference").
public struct StudySpec: Sendable {
    /// The spec file, absolute.
    public var path: String
    /// Study name: names `data/<study>/` and appears in the env file header.
    public var study: String
    /// Seed for every random decision (sampling, schedule order, bootstrap).
    public var seed: UInt64
    public var target: TargetSpec
    public var load: LoadSpec
    public var space: SearchSpace
    public var objectives: [ObjectiveSpec]
    public var constraints: [Constraint]
    public var recommend: SelectionRule
    public var budget: BudgetSpec
    /// How `tuner verify` checks the recommendation at other load levels.
    public var verify: VerifySpec
    /// Directory for `data/<study>/`, absolute (default: `data/` beside the spec's parent folder).
    public var dataDirectory: String
}

extension StudySpec {
    /// The objective a recommendation optimises when the spec or the command line names none:
    /// throughput when it is an objective, otherwise the last objective. The one place this
    /// default is decided (the `recommend:` key, `tuner recommend --rule best`, the confirmation).
    public static func defaultRecommendObjective(_ metrics: [Metric]) -> Int {
        metrics.firstIndex(of: .throughputOpsPerSecond) ?? max(metrics.count - 1, 0)
    }

    /// Index into `objectives` of the objective a confirmation must improve: the `best` rule's
    /// objective, otherwise ``defaultRecommendObjective(_:)``.
    public var decisiveObjective: Int {
        if case .best(let k) = recommend { return k }
        return Self.defaultRecommendObjective(objectives.map(\.metric))
    }

    /// The frontier report of `samples` under this spec's objectives, seed and (unless others
    /// are given) constraints and rule: the one place a spec becomes a report.
    public func report(of samples: [TrialSample], constraints: [Constraint]? = nil, rule: SelectionRule? = nil) -> FrontierReport {
        FrontierReport.make(
            study: study, samples: samples, objectives: objectives.map { ($0.metric, $0.direction) },
            constraints: constraints ?? self.constraints, rule: rule ?? recommend, seed: seed)
    }
}
