extension ObjectiveDirection {
    /// True when `a` is strictly better than `b` in this direction.
    @inlinable
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        self == .minimize ? a < b : a > b
    }

    /// The better of two values in this direction.
    @inlinable
    public func best(_ a: Double, _ b: Double) -> Double {
        isBetter(b, than: a) ? b : a
    }
}
