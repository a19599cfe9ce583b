/// Line and token helpers shared by the load-output parsers.
///
/// The parsers are line by line on purpose rather than built on swift-parsing: each tool prints
/// a fixed sequence of `printf` lines (one `printf` call becomes one recogniser here, and its
/// comment names the call), an unknown line must be kept rather than fail the parse, and the
/// package then needs no new dependency.
enum OutputLines {
    /// The lines of `text` without their `\n` / `\r\n` ends; empty lines are kept.
    static func split(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }

    /// Whitespace-separated tokens (spaces and tabs).
    static func tokens(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// `line` without leading and trailing spaces and tabs.
    static func trimmed(_ line: Substring) -> Substring {
        var s = line
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }

    /// A plain decimal as C's `%f` prints it: optional sign, digits, optional fraction; also
    /// `nan`, `-nan`, `inf`, `-inf` (glibc) and Go's `NaN`, `+Inf`, `-Inf`. Rejects hex, exponents,
    /// spaces and anything after the number.
    static func decimal<S: StringProtocol>(_ text: S) -> Double? {
        switch text.lowercased() {
        case "nan", "-nan", "+nan": return .nan
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        default: break
        }
        var digits = 0
        var dots = 0
        for (i, c) in text.enumerated() {
            if c == "-" || c == "+" {
                if i != 0 { return nil }
            } else if c == "." {
                dots += 1
            } else if c.isASCII && c.isNumber {
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, dots <= 1 else { return nil }
        return Double(String(text))
    }

    /// A non-negative integer, digits only.
    static func integer<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(String(text))
    }
}
