/// Byte counts in Go's own syntax, the syntax `GOMEMLIMIT` accepts (`runtime.parseByteCount`):
/// a non-negative integer followed by nothing, `B`, `KiB`, `MiB`, `GiB` or `TiB`.
/// Decimal units (`MB`) and fractions (`1.5GiB`) are not Go syntax and are rejected.
public enum ByteSize {
    static let units: [(suffix: String, multiplier: Int64)] = [
        ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1),
    ]

    /// Why a string is not a byte count in Go's syntax.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "'\(text)' is not a size in Go's syntax: write an integer with B, KiB, MiB, GiB or TiB, e.g. 512MiB"
        }
    }

    /// Parses `text` (e.g. `512MiB`, `1GiB`, `1048576`) into bytes.
    public static func parse(_ text: String) throws(ParseError) -> Int64 {
        let trimmed = text.trimmingSpaces
        var digits = trimmed
        var multiplier: Int64 = 1
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            digits = String(trimmed.dropLast(unit.suffix.count))
            multiplier = unit.multiplier
            break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int64(digits)
        else { throw ParseError(text: text) }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ParseError(text: text) }
        return product
    }

    /// Formats bytes in Go's syntax with the largest binary unit that divides exactly
    /// (`536870912` -> `512MiB`, `1000` -> `1000B`), so the result round-trips through Go.
    public static func goSyntax(_ bytes: Int64) -> String {
        for unit in units where unit.multiplier > 1 && bytes != 0 && bytes % unit.multiplier == 0 {
            return "\(bytes / unit.multiplier)\(unit.suffix)"
        }
        return "\(bytes)B"
    }

    /// A short human reading with one decimal, e.g. `1.5 GiB`, `312.4 MiB` (not Go syntax).
    public static func human(_ bytes: Double) -> String {
        let magnitudes: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (suffix, size) in magnitudes where abs(bytes) >= size {
            return "\(formatFixed(bytes / size, decimals: 1)) \(suffix)"
        }
        return "\(Int(bytes)) B"
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

/// `value` with exactly `decimals` digits after the point, without Foundation.
public func formatFixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let negative = value < 0 && rounded != 0
    let integerPart = Int(rounded / scale)
    let fractionPart = Int(rounded - Double(integerPart) * scale)
    var text = "\(negative ? "-" : "")\(integerPart)"
    if decimals > 0 {
        let fraction = String(fractionPart)
        text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return text
}
