/// Whether smaller or larger values of an objective are better.
public enum ObjectiveDirection: String, Sendable, Codable, CaseIterable {
    case minimize
    case maximize

    /// The value mapped so that smaller is always better (maximised objectives are negated).
    @inlinable
    public func minimizing(_ value: Double) -> Double {
        self == .minimize ? value : -value
    }
}
