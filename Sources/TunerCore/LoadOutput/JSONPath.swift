import Foundation

/// A JSON value as the command-output extractor sees it.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Parses one JSON object or array; `nil` for anything else (fragments included).
    public static func parseDocument<S: StringProtocol>(_ text: S) -> JSONValue? {
        let trimmed = OutputLines.trimmed(Substring(text))
        guard let first = trimmed.first, first == "{" || first == "[" else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
    }

    /// A short rendering for error messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool(let b): "the boolean \(b)"
        case .number(let n): "the number \(n)"
        case .string(let s): "the string \"\(s.prefix(40))\""
        case .array(let a): "an array of \(a.count)"
        case .object(let o): "an object with keys \(o.keys.sorted().prefix(8).joined(separator: ", "))"
        }
    }
}

/// A JSON path in a small, documented subset of JSONPath (RFC 9535), enough to name one number:
///
/// - `$` is the document itself and every path starts with it;
/// - `.name` selects a member whose name is letters, digits, `_` or `-` and does not start
///   with a digit or `-`;
/// - `['any key']` or `["any key"]` selects any member, dots and spaces included
///   (`$['p99.9']`); inside the quotes `\'`, `\"` and `\\` escape;
/// - `[N]` selects an array element, 0-based; `[-1]` is the last element, `[-2]` the one
///   before.
///
/// Not supported (rejected when the spec loads): wildcards `*`, recursive descent `..`,
/// slices `[a:b]`, unions `[a,b]` and filters `[?(…)]`, since each can name several values.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
    }

    public let text: String
    public let steps: [Step]

    public var description: String { text }

    /// Parses `text`; the error names the character where it stops and what to write instead.
    public init(_ text: String) throws(LoadOutputError) {
        self.text = text
        let chars = Array(text)
        var i = 0
        func fail(_ reason: String) -> LoadOutputError {
            .invalidJSONPath(path: text, offset: min(i, max(chars.count - 1, 0)), reason: reason)
        }
        guard chars.first == "$" else {
            throw fail("a path starts with `$` (the whole document), e.g. `$.\(text.isEmpty ? "rps" : text)`")
        }
        i = 1
        var steps: [Step] = []
        while i < chars.count {
            switch chars[i] {
            case ".":
                if i + 1 < chars.count, chars[i + 1] == "." {
                    throw fail("recursive descent `..` is not supported; write the full path to one value")
                }
                i += 1
                guard i < chars.count else { throw fail("a name must follow `.`") }
                if chars[i] == "*" { throw fail("wildcards are not supported; name one member") }
                guard chars[i].isLetter || chars[i] == "_" else {
                    throw fail("`.` takes a name of letters, digits, `_` and `-`; quote other keys as `['\(chars[i])…']`")
                }
                var name = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" {
                    name.append(chars[i])
                    i += 1
                }
                steps.append(.member(name))
            case "[":
                i += 1
                guard i < chars.count else { throw fail("`[` is not closed") }
                if chars[i] == "'" || chars[i] == "\"" {
                    let quote = chars[i]
                    i += 1
                    var key = ""
                    var closed = false
                    while i < chars.count {
                        let c = chars[i]
                        if c == "\\" {
                            guard i + 1 < chars.count, ["'", "\"", "\\"].contains(chars[i + 1]) else {
                                throw fail("inside quotes only \\', \\\" and \\\\ are escapes")
                            }
                            key.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        if c == quote {
                            closed = true
                            i += 1
                            break
                        }
                        key.append(c)
                        i += 1
                    }
                    guard closed else { throw fail("the quoted key is not closed with \(quote)") }
                    guard i < chars.count, chars[i] == "]" else { throw fail("`]` must follow the quoted key") }
                    i += 1
                    steps.append(.member(key))
                } else {
                    var number = ""
                    let start = i
                    while i < chars.count, chars[i] != "]" {
                        number.append(chars[i])
                        i += 1
                    }
                    guard i < chars.count else { throw fail("`[` is not closed") }
                    if number == "*" {
                        i = start
                        throw fail("wildcards are not supported; name one element, e.g. `[0]`")
                    }
                    if number.contains(":") {
                        i = start
                        throw fail("slices are not supported; name one element, e.g. `[0]`")
                    }
                    if number.contains(",") {
                        i = start
                        throw fail("unions are not supported; write one path per field")
                    }
                    if number.hasPrefix("?") || number.hasPrefix("(") {
                        i = start
                        throw fail("filters are not supported; name one element by its index")
                    }
                    guard let n = Int(number), number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) else {
                        i = start
                        throw fail("`[…]` takes an integer index or a quoted key, e.g. `[0]` or `['\(number)']`")
                    }
                    i += 1
                    steps.append(.index(n))
                }
            default:
                throw fail("expected `.name` or `[…]` here")
            }
        }
        self.steps = steps
    }

    /// The value at this path in `document`, or why there is none.
    public func value(in document: JSONValue) -> Result<JSONValue, PathMiss> {
        var current = document
        var walked = "$"
        for step in steps {
            switch (step, current) {
            case (.member(let name), .object(let members)):
                guard let next = members[name] else {
                    return .failure(
                        PathMiss(
                            at: walked, reason: "has no key \"\(name)\" (keys: \(members.keys.sorted().prefix(12).joined(separator: ", ")))"
                        ))
                }
                current = next
                walked += Self.render(step)
            case (.index(let n), .array(let elements)):
                let k = n < 0 ? elements.count + n : n
                guard elements.indices.contains(k) else {
                    return .failure(PathMiss(at: walked, reason: "has \(elements.count) elements, no index \(n)"))
                }
                current = elements[k]
                walked += Self.render(step)
            case (.member(let name), _):
                return .failure(PathMiss(at: walked, reason: "is \(current.kind), not an object with key \"\(name)\""))
            case (.index(let n), _):
                return .failure(PathMiss(at: walked, reason: "is \(current.kind), not an array to take [\(n)] of"))
            }
        }
        return .success(current)
    }

    /// Where and why a path found nothing.
    public struct PathMiss: Error, Sendable, Equatable {
        public var at: String
        public var reason: String
    }

    private static func render(_ step: Step) -> String {
        switch step {
        case .member(let name):
            let plain =
                name.first.map { $0.isLetter || $0 == "_" } == true
                && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            return plain
                ? ".\(name)" : "['\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))']"
        case .index(let n):
            return "[\(n)]"
        }
    }
}
