import Foundation
import TunerCore

/// How much measuring the study may do.
public struct BudgetSpec: Sendable {
    public enum SamplerKind: String, Sendable { case grid, lhs, surrogate }
    public var sampler: SamplerKind
    /// Distinct settings to measure, including the Go default.
    public var settings: Int
    /// Trials per setting.
    public var repeats: Int
    public var warmupSeconds: Double
    public var durationSeconds: Double
    /// Surrogate search: trials the search may spend (confirmation excluded).
    public var trials: Int
    /// Surrogate search: settings in the space-filling start, the Go default included.
    public var initialDesign: Int
    /// Alternating (default, recommended) pairs run to confirm the recommendation; 0 = none.
    public var confirmPairs: Int
    /// The noisy-machine guard run before the search; nil = off.
    public var noiseCheck: NoiseCheck?
    /// Stop before the search when the GC's share of the service's CPU at the default is surely
    /// below this (0...1; the upper end of its interval over the noise check's runs): no setting
    /// can then return more, and the default is the answer. nil: always search.
    public var stopBelowGCShare: Double? = nil
    /// The confirmation's paired test; nil: the one that fits the decisive objective
    /// (``PairedTest/fitting(_:)``).
    public var confirmTest: PairedTest? = nil
}
