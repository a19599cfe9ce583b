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
