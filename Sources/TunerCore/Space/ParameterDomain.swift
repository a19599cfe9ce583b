/// The values one knob may take: an explicit list, or a range searched on a log scale.
public enum ParameterDomain<Value: Sendable & Hashable & Comparable>: Sendable, Equatable {
    /// Exactly these values; `nil` stands for `off`.
    case values([Value?])
    /// Anything in [min, max] (log scale), plus `off` when `includesOff`.
    case range(min: Value, max: Value, includesOff: Bool)
}
