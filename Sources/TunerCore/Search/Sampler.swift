import Foundation

/// Chooses which settings a study measures: the grid, the Latin hypercube and the surrogate
/// search all answer the same question, and the study's scheduler never asks which one it holds.
/// Samplers are stateless given the trials so far, so a resumed study continues where it stopped.
public protocol Sampler: Sendable {
    /// A short name for logs and the report, e.g. "grid".
    var name: String { get }
    /// One line on how it chooses, for the plan line and `tuner validate`.
    var methodDescription: String { get }
    /// Search trials it plans in all, when it plans up front (nil: it decides as it goes).
    var plannedTrials: Int? { get }
    /// The distinct settings it plans up front, the Go default first (nil: it decides as it goes).
    var plannedSettings: [GCSetting]? { get }
    /// The next setting to measure given every search trial so far (failed ones count as
    /// tried), or why it stops.
    func next(completed: [TrialSample]) -> SearchDecision
    /// The sampler's own recommendation for `rule` after these trials (a model's posterior
    /// optimum), or nil when it has none and the rule picks among the measured settings.
    func recommendation(samples: [TrialSample], rule: SelectionRule) -> SurrogateRecommendation?
}

extension Sampler {
    /// A sampler without a model of its own recommends nothing: the rule picks among measured settings.
    public func recommendation(samples: [TrialSample], rule: SelectionRule) -> SurrogateRecommendation? { nil }
}
