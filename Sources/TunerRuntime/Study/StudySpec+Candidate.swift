import Foundation
import TunerCore

extension StudySpec {
    /// The setting a study confirms after its search: the sampler's own recommendation for the
    /// rule (the surrogate's posterior optimum), otherwise (or when it cannot say) the rule's
    /// pick among the measured settings. The one place `tuner run` and the search benchmark
    /// take a study's recommendation from.
    /// - Parameter sampler: the study's sampler (default: the one its budget names).
    public func candidate(after samples: [TrialSample], sampler: (any Sampler)? = nil) -> (
        surrogate: SurrogateRecommendation?, setting: GCSetting?
    ) {
        let sampler = sampler ?? Samplers.make(self, repeats: budget.repeats)
        let surrogate = sampler.recommendation(samples: samples.filter { !$0.isConfirmation }, rule: recommend)
        return (surrogate, surrogate?.setting ?? report(of: samples).recommendation?.setting)
    }
}
