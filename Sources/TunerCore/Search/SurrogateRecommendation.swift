import Foundation

/// The setting the surrogate predicts is best for the user's rule, before confirmation.
public struct SurrogateRecommendation: Sendable, Equatable, Codable {
    public var setting: GCSetting
    /// Posterior mean of every objective and constrained metric at the setting, in the
    /// metric's own units.
    public var predicted: [Metric: Double]
    public var explanation: String
    /// The settings indistinguishable from the posterior optimum and the robust choice among
    /// them (`setting` is that choice); nil for rules without one objective.
    public var region: PlateauRegion?

    public init(setting: GCSetting, predicted: [Metric: Double], explanation: String, region: PlateauRegion? = nil) {
        self.setting = setting
        self.predicted = predicted
        self.explanation = explanation
        self.region = region
    }
}
