/// Durations as a spec writes them: a non-negative decimal followed by `ms`, `s`, `m` or `h`
/// (e.g. `500ms`, `8s`, `1.5m`). A bare number is rejected so units are never guessed.
public enum DurationText {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "'\(text)' is not a duration: write a number with ms, s, m or h, e.g. 8s"
        }
    }

    /// Seconds in `text`.
    public static func seconds(_ text: String) throws(ParseError) -> Double {
        let trimmed = text.trimmingSpaces
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = String(trimmed.dropLast(suffix.count))
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                let value = Double(number), value.isFinite, value >= 0
            else { break }
            return value * scale
        }
        throw ParseError(text: text)
    }

    /// e.g. 8 -> "8s", 0.5 -> "500ms", 90 -> "1.5m".
    public static func format(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(formatFixed(seconds, decimals: 1))s" }
        return "\(formatFixed(seconds / 60, decimals: 1))m"
    }
}
