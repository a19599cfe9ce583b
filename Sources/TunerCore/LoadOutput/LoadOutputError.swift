/// Why a load tool's output could not be turned into a `LoadMeasurement`, or why an output
/// field of a spec is unusable. Every description says what is wrong, where, and what to do.
public enum LoadOutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output lacks lines that every finished run of `tool` prints (the run failed early,
    /// or this is not `tool`'s output). `unreadLines` are the lines the parser did not recognise.
    case incomplete(tool: String, missing: [String], unreadLines: [String])
    /// A command-output field could not be read. `field` names the spec field (e.g.
    /// `latency.p99 (json `$.p99`)`) or, from `OutputField.extract` alone, the path or pattern;
    /// `unreadLines` are the lines it searched (at most the last `LoadOutputError.shownLines`;
    /// empty for a validation error, which needs no output).
    case field(field: String, reason: String, unreadLines: [String])
    /// A JSON path outside the supported subset (see `JSONPath`); `offset` is the 0-based
    /// character offset of the problem in `path`.
    case invalidJSONPath(path: String, offset: Int, reason: String)
    /// A regular expression that does not compile or does not have exactly one capture group.
    case invalidRegex(pattern: String, reason: String)

    /// How many unread lines an error keeps (the last ones, where a summary usually is).
    public static let shownLines = 20

    public var description: String {
        switch self {
        case .incomplete(let tool, let missing, let lines):
            let what = missing.map { "`\($0)`" }.joined(separator: ", ")
            return "\(tool) output has no \(what) line: the run did not finish, or this is not \(tool)'s output"
                + " (run it by hand to see why)." + Self.render(lines)
        case .field(let field, let reason, let lines):
            let sentence = reason.hasSuffix(".") ? reason : reason + "."
            return "output field \(field): \(sentence)"
                + (lines.isEmpty ? "" : " Lines it searched:\n" + lines.map { "  | \($0)" }.joined(separator: "\n"))
        case .invalidJSONPath(let path, let offset, let reason):
            return "JSON path `\(path)`, at character \(offset + 1): \(reason). Supported: `$`, then"
                + " `.name`, `['any key']` and `[index]` (e.g. `$.latency['p99.9']`, `$.runs[-1].rps`)."
        case .invalidRegex(let pattern, let reason):
            return "regex `\(pattern)`: \(reason)."
        }
    }

    private static func render(_ lines: [String]) -> String {
        guard !lines.isEmpty else { return " The output is empty." }
        return " Lines it could not read:\n" + lines.map { "  | \($0)" }.joined(separator: "\n")
    }

    /// The last `shownLines` of `lines`, with a marker for those left out.
    static func tail(_ lines: [String]) -> [String] {
        guard lines.count > shownLines else { return lines }
        return ["… \(lines.count - shownLines) earlier lines"] + lines.suffix(shownLines)
    }
}
