import Foundation

/// A parser of the Prometheus text exposition format, version 0.0.4.
///
/// Written by hand because no available Swift package reads the format: the one Prometheus
/// package in this machine's set, swift-server/swift-prometheus 2.4.1, only writes it (a client
/// library: `PrometheusCollectorRegistry.emit(into:)`), and no other package parses it.
///
/// It follows prometheus/common `expfmt/text_parse.go` (the reference parser, read at commit
/// 076fba3b) rule for rule, over bytes, one line at a time:
/// - `# HELP name text` (escapes `\\`, `\n`, `\"`) and `# TYPE name counter|gauge|summary|histogram|untyped`
///   (case-insensitive); any other comment is ignored, as are blank lines. A second HELP, or a
///   TYPE after the family's samples or a second TYPE, is an error.
/// - `name{label="value",…} value [timestamp]`: label values with escapes `\\`, `\"`, `\n`;
///   a trailing comma inside the braces is allowed; blanks and tabs separate tokens; values
///   as Go's `strconv.ParseFloat` reads them (`+Inf`, `-Inf`, `NaN`, exponents; no hex, no `_`);
///   the timestamp is an integer in milliseconds. UTF-8 names quoted inside the braces
///   (`{"my.metric",a="b"} 1`) are read too.
/// - A sample named `X_sum`/`X_count` (and `X_bucket`) belongs to family `X` when `X` was typed
///   summary (histogram); summary and histogram samples with the same labels other than
///   `quantile` (`le`) form one metric.
/// - Families without samples are dropped. Errors carry the 1-based line number.
/// Deliberate leniencies: the last line need not end with a newline, `\r\n` line ends are
/// accepted, and trailing blanks after a TYPE are ignored.
public enum PrometheusText {
    /// The metric types of format 0.0.4.
    public enum MetricType: String, Codable, Sendable {
        case counter, gauge, summary, histogram, untyped
    }

    /// One `label="value"` pair.
    public struct Label: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One `quantile` line of a summary.
    public struct Quantile: Codable, Sendable, Equatable {
        public var quantile: Double
        public var value: Double
    }

    /// One `_bucket{le=…}` line of a histogram: the count of observations ≤ `upperBound`.
    public struct Bucket: Codable, Sendable, Equatable {
        public var upperBound: Double
        public var cumulativeCount: Double
    }

    /// A summary's `_count`, `_sum` and quantiles (each `nil`/empty when its line is absent).
    public struct SummaryValue: Codable, Sendable, Equatable {
        public var sampleCount: Double?
        public var sampleSum: Double?
        public var quantiles: [Quantile] = []
    }

    /// A histogram's `_count`, `_sum` and cumulative buckets in the order written.
    public struct HistogramValue: Codable, Sendable, Equatable {
        public var sampleCount: Double?
        public var sampleSum: Double?
        public var buckets: [Bucket] = []
    }

    /// The value of one metric; the case matches the family's type.
    public enum Value: Sendable, Equatable {
        case counter(Double)
        case gauge(Double)
        case untyped(Double)
        case summary(SummaryValue)
        case histogram(HistogramValue)
    }

    /// One series: its labels (without `quantile`/`le` for summaries/histograms), its value and
    /// the optional timestamp (milliseconds since the Unix epoch).
    public struct Metric: Sendable, Equatable {
        public var labels: [Label]
        public var value: Value
        public var timestampMillis: Int64?

        /// The value of label `name`, if present.
        public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

        /// The scalar value of a counter, gauge or untyped metric.
        public var scalar: Double? {
            switch value {
            case .counter(let v), .gauge(let v), .untyped(let v): v
            case .summary, .histogram: nil
            }
        }
    }

    /// A metric family: the samples sharing one name (and its `_sum`/`_count`/`_bucket` lines).
    public struct MetricFamily: Sendable, Equatable {
        public var name: String
        public var help: String?
        public var type: MetricType
        public var metrics: [Metric]
    }

    /// A syntax error, with the 1-based line where it was found.
    public struct ParseError: LocalizedError, Equatable, Sendable {
        public var line: Int
        public var message: String
        public var errorDescription: String? { "Prometheus text format, line \(line): \(message)" }
    }

    /// Parses a whole exposition.
    /// - Returns: the families in the order their first line appears.
    /// - Throws: `ParseError` at the first syntax error.
    /// - Complexity: O(length of `text`).
    public static func parse(_ text: String) throws -> [MetricFamily] {
        var parser = Parser()
        var lineNumber = 0
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            try parser.line(bytes[start..<lineEnd], number: lineNumber)
            start = end + 1
        }
        return parser.finish()
    }
}

extension Array where Element == PrometheusText.MetricFamily {
    /// The family named `name`, if any.
    public func family(named name: String) -> PrometheusText.MetricFamily? {
        first { $0.name == name }
    }
}

// MARK: - The parser

private typealias Bytes = ArraySlice<UInt8>

extension UInt8 {
    fileprivate var isBlank: Bool { self == 0x20 || self == 0x09 }
    fileprivate var isLetterOrUnderscore: Bool { (self >= 0x61 && self <= 0x7A) || (self >= 0x41 && self <= 0x5A) || self == 0x5F }
    fileprivate var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

/// A cursor over one line's bytes.
private struct Cursor {
    let bytes: Bytes
    var index: Int
    let lineNumber: Int

    init(_ bytes: Bytes, lineNumber: Int) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.lineNumber = lineNumber
    }

    var atEnd: Bool { index >= bytes.endIndex }
    var current: UInt8? { atEnd ? nil : bytes[index] }

    mutating func skipBlanks() { while let c = current, c.isBlank { index += 1 } }

    func error(_ message: String) -> PrometheusText.ParseError {
        PrometheusText.ParseError(line: lineNumber, message: message)
    }

    /// Bytes up to the next blank or the end of the line.
    mutating func tokenUntilBlank() -> String {
        let start = index
        while let c = current, !c.isBlank { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A legacy name (`[a-zA-Z_:][a-zA-Z0-9_:]*`, colons only if `colons`) or a quoted UTF-8
    /// name with escapes. Empty when neither starts here.
    mutating func name(colons: Bool) throws -> (name: String, quoted: Bool) {
        if current == UInt8(ascii: "\"") {
            index += 1
            return (try quoted(what: "name"), true)
        }
        let start = index
        func valid(_ c: UInt8, first: Bool) -> Bool {
            c.isLetterOrUnderscore || (colons && c == UInt8(ascii: ":")) || (!first && c.isDigit)
        }
        while let c = current, valid(c, first: index == start) { index += 1 }
        return (String(decoding: bytes[start..<index], as: UTF8.self), false)
    }

    /// The rest of a quoted string after its opening quote, unescaping `\\`, `\"` and `\n`.
    mutating func quoted(what: String) throws -> String {
        var out: [UInt8] = []
        while let c = current {
            index += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = current else { throw error("\(what) ends inside an escape sequence") }
                index += 1
                switch e {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                default: throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(e)))' in \(what)")
                }
            default:
                out.append(c)
            }
        }
        throw error("\(what) \"\(String(decoding: out, as: UTF8.self))\" contains unescaped new-line")
    }

    /// The rest of the line; with `escapes`, `\\`, `\n` and `\"` are unescaped (HELP text).
    mutating func rest(escapes: Bool) throws -> String {
        var out: [UInt8] = []
        while let c = current {
            index += 1
            if escapes && c == UInt8(ascii: "\\") {
                guard let e = current else { throw error("HELP text ends inside an escape sequence") }
                index += 1
                switch e {
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                default: throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(e)))'")
                }
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Go's `strconv.ParseFloat(s, 64)` as expfmt uses it (no `p`, `P` or `_`; so no hex floats).
func parsePrometheusFloat(_ s: String) -> Double? {
    switch s.lowercased() {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan", "+nan", "-nan": return .nan
    default: break
    }
    guard !s.isEmpty,
        s.utf8.allSatisfy({
            $0.isDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
                || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
        })
    else { return nil }
    return Double(s)
}

private struct Parser {
    var families: [PrometheusText.MetricFamily] = []
    /// Type as declared or fixed by the first sample; nil while only HELP was seen.
    var declaredType: [PrometheusText.MetricType?] = []
    var indexByName: [String: Int] = [:]
    /// family index -> label signature -> metric index, for summaries and histograms.
    var grouped: [Int: [String: Int]] = [:]

    enum Role { case plain, sum, count }

    /// text_parse.go `setOrCreateCurrentMF`: the family a name belongs to, and whether the line
    /// is that summary's/histogram's `_sum` or `_count`.
    mutating func family(for name: String) -> (index: Int, role: Role) {
        if let i = indexByName[name] { return (i, .plain) }
        let role: Role = name.count > 6 && name.hasSuffix("_count") ? .count : (name.count > 4 && name.hasSuffix("_sum") ? .sum : .plain)
        let summaryName = role == .count ? String(name.dropLast(6)) : role == .sum ? String(name.dropLast(4)) : name
        if let i = indexByName[summaryName], declaredType[i] == .summary { return (i, role) }
        let histogramName = name.count > 7 && name.hasSuffix("_bucket") ? String(name.dropLast(7)) : summaryName
        if let i = indexByName[histogramName], declaredType[i] == .histogram { return (i, role) }
        families.append(PrometheusText.MetricFamily(name: name, help: nil, type: .untyped, metrics: []))
        declaredType.append(nil)
        indexByName[name] = families.count - 1
        return (families.count - 1, .plain)
    }

    mutating func line(_ bytes: Bytes, number: Int) throws {
        var c = Cursor(bytes, lineNumber: number)
        c.skipBlanks()
        guard let first = c.current else { return }
        if first == UInt8(ascii: "#") {
            c.index += 1
            try comment(&c)
        } else {
            try sample(&c)
        }
    }

    mutating func comment(_ c: inout Cursor) throws {
        c.skipBlanks()
        let keyword = c.tokenUntilBlank()
        guard keyword == "HELP" || keyword == "TYPE" else { return }  // any other comment
        c.skipBlanks()
        if c.atEnd { return }
        let (name, _) = try c.name(colons: true)
        if c.atEnd { return }
        guard !name.isEmpty, c.current!.isBlank else { throw c.error("invalid metric name in comment") }
        let (index, _) = family(for: name)
        c.skipBlanks()
        if c.atEnd { return }
        if keyword == "HELP" {
            guard families[index].help == nil else {
                throw c.error("second HELP line for metric name \"\(families[index].name)\"")
            }
            families[index].help = try c.rest(escapes: true)
        } else {
            guard declaredType[index] == nil else {
                throw c.error("second TYPE line for metric name \"\(families[index].name)\", or TYPE reported after samples")
            }
            let word = try c.rest(escapes: false)
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            guard let type = PrometheusText.MetricType(rawValue: trimmed.lowercased()) else {
                throw c.error("unknown metric type \"\(word)\"")
            }
            declaredType[index] = type
            families[index].type = type
        }
    }

    mutating func sample(_ c: inout Cursor) throws {
        var name = ""
        var insideBraces = false
        if c.current == UInt8(ascii: "{") {
            insideBraces = true
        } else {
            name = try c.name(colons: true).name
            guard !name.isEmpty else { throw c.error("invalid metric name") }
        }
        var labels: [PrometheusText.Label] = []
        var rawPairs: [(String, String)] = []
        c.skipBlanks()
        if c.current == UInt8(ascii: "{") {
            c.index += 1
            var first = true
            while true {
                c.skipBlanks()
                guard let ch = c.current else { throw c.error("label set is not closed") }
                if ch == UInt8(ascii: "}") {
                    c.index += 1
                    break
                }
                let (labelName, quoted) = try c.name(colons: false)
                guard !labelName.isEmpty else {
                    throw c.error("invalid label name for metric \"\(name)\"")
                }
                c.skipBlanks()
                if c.current != UInt8(ascii: "=") {
                    // `{"metric.name", …}`: a quoted first item without '=' is the metric name.
                    if insideBraces && first && quoted && name.isEmpty,
                        c.current == UInt8(ascii: ",") || c.current == UInt8(ascii: "}")
                    {
                        name = labelName
                        first = false
                        if c.current == UInt8(ascii: ",") { c.index += 1 }
                        continue
                    }
                    let found = c.current.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "end of line"
                    throw c.error("expected '=' after label name, found \(found)")
                }
                first = false
                c.index += 1
                guard labelName != "__name__" else { throw c.error("label name \"__name__\" is reserved") }
                c.skipBlanks()
                guard c.current == UInt8(ascii: "\"") else {
                    let found = c.current.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "end of line"
                    throw c.error("expected '\"' at start of label value, found \(found)")
                }
                c.index += 1
                let value = try c.quoted(what: "label value")
                guard !rawPairs.contains(where: { $0.0 == labelName }) else {
                    throw c.error("duplicate label names for metric \"\(name)\"")
                }
                rawPairs.append((labelName, value))
                c.skipBlanks()
                if c.current == UInt8(ascii: ",") {
                    c.index += 1
                    continue
                }
                if c.current == UInt8(ascii: "}") {
                    c.index += 1
                    break
                }
                throw c.error("unexpected end of label value \"\(value)\"")
            }
            guard !name.isEmpty else { throw c.error("invalid metric name") }
        }
        let (index, role) = family(for: name)
        if declaredType[index] == nil { declaredType[index] = .untyped }
        let type = families[index].type

        var quantile: Double?
        var le: Double?
        for (labelName, value) in rawPairs {
            if type == .summary && labelName == "quantile" {
                guard let q = parsePrometheusFloat(value) else {
                    throw c.error("expected float as value for 'quantile' label, got \"\(value)\"")
                }
                quantile = q
            } else if type == .histogram && labelName == "le" {
                guard let b = parsePrometheusFloat(value) else {
                    throw c.error("expected float as value for 'le' label, got \"\(value)\"")
                }
                le = b
            } else {
                labels.append(PrometheusText.Label(name: labelName, value: value))
            }
        }

        c.skipBlanks()
        let valueText = c.tokenUntilBlank()
        guard let value = parsePrometheusFloat(valueText) else {
            throw c.error("expected float as value, got \"\(valueText)\"")
        }
        c.skipBlanks()
        var timestamp: Int64?
        if !c.atEnd {
            let text = c.tokenUntilBlank()
            guard let t = Int64(text) else { throw c.error("expected integer as timestamp, got \"\(text)\"") }
            timestamp = t
            c.skipBlanks()
            if !c.atEnd { throw c.error("spurious string after timestamp: \"\(try c.rest(escapes: false))\"") }
        }

        switch type {
        case .counter, .gauge, .untyped:
            let v: PrometheusText.Value = type == .counter ? .counter(value) : type == .gauge ? .gauge(value) : .untyped(value)
            families[index].metrics.append(PrometheusText.Metric(labels: labels, value: v, timestampMillis: timestamp))
        case .summary, .histogram:
            let signature = labels.map { "\($0.name)\u{0}\($0.value)" }.sorted().joined(separator: "\u{1}")
            let m: Int
            if let existing = grouped[index]?[signature] {
                m = existing
            } else {
                let empty: PrometheusText.Value = type == .summary ? .summary(.init()) : .histogram(.init())
                families[index].metrics.append(PrometheusText.Metric(labels: labels, value: empty, timestampMillis: timestamp))
                m = families[index].metrics.count - 1
                grouped[index, default: [:]][signature] = m
            }
            switch families[index].metrics[m].value {
            case .summary(var s):
                switch role {
                case .count: s.sampleCount = value
                case .sum: s.sampleSum = value
                case .plain: if let q = quantile { s.quantiles.append(.init(quantile: q, value: value)) }
                }
                families[index].metrics[m].value = .summary(s)
            case .histogram(var h):
                switch role {
                case .count: h.sampleCount = value
                case .sum: h.sampleSum = value
                case .plain: if let b = le { h.buckets.append(.init(upperBound: b, cumulativeCount: value)) }
                }
                families[index].metrics[m].value = .histogram(h)
            default:
                break
            }
        }
    }

    func finish() -> [PrometheusText.MetricFamily] {
        families.filter { !$0.metrics.isEmpty }
    }
}
