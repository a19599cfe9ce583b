import Foundation

/// Where a number is in a load command's output, as a spec names it.
///
/// - `.json(path:)`: a `JSONPath` into the output's JSON document. The document is, in order
///   of preference: the whole output, if it is one JSON object or array (pretty-printed JSON
///   included); else the **last line** that parses as a JSON object or array on its own (JSON
///   lines, a summary after progress lines); else the last block of lines that parses, from
///   a line starting with `{` or `[` (in column 0) to a later line ending with `}` or `]` (a
///   pretty-printed summary among log lines, such as sync-bench's stdout followed by its
///   stderr; of each end, the last 8 candidates are tried). The value must be a number, or a
///   string holding a plain decimal (`"12.5"`).
/// - `.regex(pattern:)`: an ICU regular expression (NSRegularExpression) with exactly one
///   capture group, matched against the whole output with `^` and `$` anchoring at line
///   breaks. The **last** match is used (progress lines come before the summary). The group
///   must capture a plain decimal; `,` as a thousands separator (`1,234.5`) is accepted.
public enum OutputField: Sendable, Equatable, CustomStringConvertible {
    case json(path: String)
    case regex(pattern: String)

    public var description: String {
        switch self {
        case .json(let path): "json `\(path)`"
        case .regex(let pattern): "regex `\(pattern)`"
        }
    }

    /// Checks the path or pattern without any output, for spec loading. The error says what
    /// to change (`LoadOutputError.invalidJSONPath` / `.invalidRegex`).
    public func validate() throws(LoadOutputError) {
        switch self {
        case .json(let path): _ = try JSONPath(path)
        case .regex(let pattern): _ = try Self.compile(pattern)
        }
    }

    /// The number this field names in `output`.
    /// - Throws: `LoadOutputError.field` naming the path or pattern, with the lines it searched,
    ///   or the validation errors of `validate()`.
    public func extract(from output: String) throws(LoadOutputError) -> Double {
        try extract(from: PreparedOutput(output), fieldName: description)
    }

    func extract(from output: PreparedOutput, fieldName: String) throws(LoadOutputError) -> Double {
        switch self {
        case .json(let path):
            let jsonPath = try JSONPath(path)
            guard let document = output.json else {
                throw .field(
                    field: fieldName,
                    reason:
                        "the output holds no JSON object or array (whole, on one line, or as a block from a line starting with `{` or `[`)",
                    unreadLines: output.tailLines)
            }
            switch jsonPath.value(in: document.value) {
            case .failure(let miss):
                throw .field(field: fieldName, reason: "`\(miss.at)` \(miss.reason)", unreadLines: document.lines)
            case .success(.number(let n)):
                return n
            case .success(.string(let s)):
                guard let n = OutputLines.decimal(OutputLines.trimmed(Substring(s))), n.isFinite else {
                    throw .field(
                        field: fieldName, reason: "`\(path)` is the string \"\(s.prefix(40))\", not a number", unreadLines: document.lines)
                }
                return n
            case .success(let other):
                throw .field(field: fieldName, reason: "`\(path)` is \(other.kind), not a number", unreadLines: document.lines)
            }
        case .regex(let pattern):
            let regex = try Self.compile(pattern)
            let text = output.text
            let whole = NSRange(text.startIndex..., in: text)
            guard let match = regex.matches(in: text, range: whole).last else {
                throw .field(field: fieldName, reason: "no line matches", unreadLines: output.tailLines)
            }
            let group = match.range(at: 1)
            guard group.location != NSNotFound, let range = Range(group, in: text) else {
                throw .field(
                    field: fieldName,
                    reason: "the match \"\(Self.matched(match, in: text))\" leaves the capture group empty (make it not optional)",
                    unreadLines: output.tailLines)
            }
            let captured = String(text[range])
            guard let n = Self.number(captured) else {
                throw .field(
                    field: fieldName,
                    reason:
                        "captured \"\(captured)\" in \"\(Self.matched(match, in: text))\", which is not a plain number; keep units and spaces outside the group, e.g. `p99=([0-9.]+)ms`",
                    unreadLines: output.tailLines)
            }
            return n
        }
    }

    static func compile(_ pattern: String) throws(LoadOutputError) -> NSRegularExpression {
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        } catch {
            throw .invalidRegex(
                pattern: pattern, reason: "does not compile (ICU syntax, as NSRegularExpression): \(error.localizedDescription)")
        }
        switch regex.numberOfCaptureGroups {
        case 1: return regex
        case 0:
            throw .invalidRegex(
                pattern: pattern, reason: "has no capture group: put the number in parentheses, e.g. `Requests/sec: *([0-9.]+)`")
        case let n:
            throw .invalidRegex(
                pattern: pattern, reason: "has \(n) capture groups, needs exactly one: make the others non-capturing with `(?:…)`")
        }
    }

    /// A plain decimal, optionally with `,` thousands separators.
    static func number(_ text: String) -> Double? {
        let t = OutputLines.trimmed(Substring(text))
        if let n = OutputLines.decimal(t), n.isFinite { return n }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count > 1, (1...3).contains(groups[0].trimmingPrefix("-").count),
            groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let joined = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        return OutputLines.decimal(joined).flatMap { $0.isFinite ? $0 : nil }
    }

    private static func matched(_ match: NSTextCheckingResult, in text: String) -> String {
        Range(match.range, in: text).map { String(text[$0].prefix(80)) } ?? ""
    }
}

/// A command's output, split once and with its JSON document found once, for all fields.
struct PreparedOutput {
    let text: String
    let lines: [String]
    /// The JSON document (see `OutputField`) and the lines it came from.
    let json: (value: JSONValue, lines: [String])?

    init(_ text: String) {
        self.text = text
        let lines = OutputLines.split(text).map(String.init)
        self.lines = lines
        json = Self.findJSON(text, lines: lines)
    }

    /// The last non-empty lines, for an error; a marker when there are none.
    var tailLines: [String] {
        let shown = LoadOutputError.tail(lines.filter { !$0.isEmpty })
        return shown.isEmpty ? ["(the output is empty)"] : shown
    }

    /// How many block starts and ends `findJSON` tries.
    static let blockCandidates = 8

    private static func findJSON(_ text: String, lines: [String]) -> (JSONValue, [String])? {
        if let whole = JSONValue.parseDocument(text) { return (whole, LoadOutputError.tail(lines)) }
        for line in lines.reversed() {
            if let value = JSONValue.parseDocument(line) { return (value, [line]) }
        }
        // A block: from a line starting with `{` / `[` to a later line ending with `}` / `]`.
        // The last block that parses wins; a few candidates of each end bound the work on
        // long logs.
        let starts = lines.indices.filter { lines[$0].hasPrefix("{") || lines[$0].hasPrefix("[") }
        let ends = lines.indices.filter {
            let t = OutputLines.trimmed(Substring(lines[$0]))
            return t.hasSuffix("}") || t.hasSuffix("]")
        }
        for start in starts.suffix(blockCandidates).reversed() {
            for end in ends.filter({ $0 > start }).suffix(blockCandidates).reversed() {
                let block = Array(lines[start...end])
                if let value = JSONValue.parseDocument(block.joined(separator: "\n")) {
                    return (value, LoadOutputError.tail(block))
                }
            }
        }
        return nil
    }
}

/// How to read a user's load command's output, as a spec gives it: one `OutputField` per figure.
///
/// Latency fields are multiplied by `latencyMillisPerUnit` to give milliseconds (1 for a tool
/// that prints ms, 1000 for seconds, 0.001 for microseconds).
public struct CommandOutputSpec: Sendable, Equatable {
    /// Completed operations per second. Required.
    public var throughput: OutputField
    /// Completed operations in the measured run. Without it: throughput × duration, rounded.
    public var operations: OutputField?
    /// The measured run's length, seconds. Without it: the caller's elapsed time.
    public var durationSeconds: OutputField?
    public var latencyP50: OutputField?
    public var latencyP90: OutputField?
    public var latencyP99: OutputField?
    public var latencyMax: OutputField?
    /// Milliseconds per unit of the latency fields.
    public var latencyMillisPerUnit: Double
    /// Failed operations (all kinds together). Without it: 0.
    public var errors: OutputField?
    /// Attempted operations, for an error rate. Without it: `nil`.
    public var attempted: OutputField?

    public init(
        throughput: OutputField, operations: OutputField? = nil, durationSeconds: OutputField? = nil,
        latencyP50: OutputField? = nil, latencyP90: OutputField? = nil, latencyP99: OutputField? = nil,
        latencyMax: OutputField? = nil, latencyMillisPerUnit: Double = 1,
        errors: OutputField? = nil, attempted: OutputField? = nil
    ) {
        self.throughput = throughput
        self.operations = operations
        self.durationSeconds = durationSeconds
        self.latencyP50 = latencyP50
        self.latencyP90 = latencyP90
        self.latencyP99 = latencyP99
        self.latencyMax = latencyMax
        self.latencyMillisPerUnit = latencyMillisPerUnit
        self.errors = errors
        self.attempted = attempted
    }

    /// The fields with the names a spec gives them (`throughput`, `latency.p99`, ...).
    public var namedFields: [(name: String, field: OutputField)] {
        var out: [(String, OutputField)] = [("throughput", throughput)]
        let optional: [(String, OutputField?)] = [
            ("operations", operations), ("duration", durationSeconds),
            ("latency.p50", latencyP50), ("latency.p90", latencyP90), ("latency.p99", latencyP99),
            ("latency.max", latencyMax), ("errors", errors), ("attempted", attempted),
        ]
        for (name, field) in optional { if let field { out.append((name, field)) } }
        return out
    }

    /// Validates every field and the scale, for spec loading.
    /// - Throws: `LoadOutputError.field` naming the spec field (`latency.p99`), its reason the
    ///   path's or pattern's own error.
    public func validate() throws(LoadOutputError) {
        for (name, field) in namedFields {
            do { try field.validate() } catch { throw .field(field: name, reason: error.description, unreadLines: []) }
        }
        guard latencyMillisPerUnit.isFinite, latencyMillisPerUnit > 0 else {
            throw .field(
                field: "latency unit scale",
                reason:
                    "\(latencyMillisPerUnit) is not a positive number of milliseconds per unit (1 for ms, 1000 for seconds, 0.001 for µs)",
                unreadLines: [])
        }
    }

    /// Reads every field from `output`.
    ///
    /// - Parameter elapsedSeconds: the command's wall-clock run time, used as `durationSeconds`
    ///   when the spec has no duration field.
    /// - Throws: `LoadOutputError.field` naming the first field that cannot be read, with the
    ///   lines it searched. A negative or non-finite figure is an error too.
    public func measure(output: String, elapsedSeconds: Double) throws(LoadOutputError) -> LoadMeasurement {
        try validate()
        let prepared = PreparedOutput(output)
        func read(_ name: String, _ field: OutputField?) throws(LoadOutputError) -> Double? {
            guard let field else { return nil }
            let value = try field.extract(from: prepared, fieldName: "\(name) (\(field))")
            guard value.isFinite, value >= 0 else {
                throw .field(
                    field: "\(name) (\(field))", reason: "read \(value); a load figure must be a finite number ≥ 0",
                    unreadLines: prepared.tailLines)
            }
            return value
        }
        let throughput = try read("throughput", throughput)!
        let duration = try read("duration", durationSeconds) ?? elapsedSeconds
        var notes: [String] = []
        let operations: Int
        if let ops = try read("operations", self.operations) {
            operations = Int(ops.rounded())
        } else {
            operations = Int((throughput * duration).rounded())
            notes.append("operations estimated as throughput × duration (the spec names no operations field)")
        }
        var percentiles: [Double: Double] = [:]
        for (p, name, field) in [(50.0, "latency.p50", latencyP50), (90, "latency.p90", latencyP90), (99, "latency.p99", latencyP99)] {
            if let v = try read(name, field) { percentiles[p] = v * latencyMillisPerUnit }
        }
        let max = try read("latency.max", latencyMax).map { $0 * latencyMillisPerUnit }
        let errors = Int((try read("errors", self.errors) ?? 0).rounded())
        let attempted = try read("attempted", self.attempted).map { Int($0.rounded()) }
        return LoadMeasurement(
            operations: operations, durationSeconds: duration, throughputPerSecond: throughput,
            latencyPercentilesMillis: percentiles, maxMillis: max,
            errors: errors, errorBreakdown: errors > 0 ? ["reported": errors] : [:],
            attempted: attempted, notes: notes)
    }
}
