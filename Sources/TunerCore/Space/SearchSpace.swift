/// Where a study may look: a GOGC domain and a GOMEMLIMIT domain.
public struct SearchSpace: Sendable, Equatable {
    /// GOGC percent; `nil` value = `off`.
    public var gogc: ParameterDomain<Int>
    /// GOMEMLIMIT bytes; `nil` value = no limit.
    public var memoryLimit: ParameterDomain<Int64>

    public init(gogc: ParameterDomain<Int>, memoryLimit: ParameterDomain<Int64>) {
        self.gogc = gogc
        self.memoryLimit = memoryLimit
    }

    /// Whether any setting of the space sets a memory limit.
    public var includesMemoryLimit: Bool {
        switch memoryLimit {
        case .values(let values): return values.contains { $0 != nil }
        case .range: return true
        }
    }

    /// Whether the setting lies in the space (the Go default is always allowed: it is the baseline).
    public func contains(_ setting: GCSetting) -> Bool {
        if setting.isGoDefault { return true }
        return Self.contains(setting.gogc, in: gogc) && Self.contains(setting.memoryLimitBytes, in: memoryLimit)
    }

    private static func contains<V>(_ value: V?, in domain: ParameterDomain<V>) -> Bool {
        switch domain {
        case .values(let values): return values.contains(value)
        case .range(let min, let max, let includesOff):
            guard let value else { return includesOff }
            return value >= min && value <= max
        }
    }
}
