import Foundation

/// The study's final decision, computed once by `tuner run` after its search and confirmation and
/// stored with the study (`data/<study>/decision.json`), so the terminal summary, `tuner report`,
/// the env file and the JSON export all render the same value instead of deciding anew.
public struct StudyDecision: Sendable, Codable {
    /// The surrogate's posterior optimum, when the surrogate recommended.
    public var surrogate: SurrogateRecommendation?
    /// The last confirmation run (of the candidate, or of its fallback).
    public var confirmation: Confirmation?
    /// Finished trials the decision was made on (a later resumed run may add more).
    public var trialCount: Int
    public var decidedAtUnixSeconds: Double
    /// Where the confirmed candidate came from, when neither the surrogate nor the rule says
    /// (a decision rebuilt from an older study's trials); nil otherwise.
    public var candidateSource: String?
    /// Why the study kept Go's default without searching (`budget.stop_below`: the GC's share of
    /// the CPU bounds any gain below what is worth tuning); nil when it searched.
    public var keptDefaultBecause: String?

    public init(
        surrogate: SurrogateRecommendation?, confirmation: Confirmation?, trialCount: Int, decidedAtUnixSeconds: Double,
        candidateSource: String? = nil, keptDefaultBecause: String? = nil
    ) {
        self.keptDefaultBecause = keptDefaultBecause
        self.surrogate = surrogate
        self.confirmation = confirmation
        self.trialCount = trialCount
        self.decidedAtUnixSeconds = decidedAtUnixSeconds
        self.candidateSource = candidateSource
    }
}
