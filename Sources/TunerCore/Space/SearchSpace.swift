/// The values one knob may take: an explicit list, or a range searched on a log scale.
public enum ParameterDomain<Value: Sendable & Hashable & Comparable>: Sendable, Equatable {
    /// Exactly these values; `nil` stands for `off`.
    case values([Value?])
    /// Anything in [min, max] (log scale), plus `off` when `includesOff`.
    case range(min: Value, max: Value, includesOff: Bool)
}

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

/// Rounding applied to proposed values so settings are readable and deduplicate well:
/// GOGC to 2 significant digits (e.g. 137 -> 140), GOMEMLIMIT to whole MiB.
public enum SettingRounding {
    public static func gogc(_ value: Double) -> Int {
        guard value >= 10 else { return max(1, Int(value.rounded())) }
        var magnitude = 1.0
        while value / magnitude >= 100 { magnitude *= 10 }
        return Int((value / magnitude).rounded() * magnitude)
    }

    public static func memoryLimit(_ bytes: Double) -> Int64 {
        let mib = Double(1 << 20)
        return Int64(max(1, (bytes / mib).rounded())) * (1 << 20)
    }
}
