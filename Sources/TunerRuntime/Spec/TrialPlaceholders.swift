import Foundation

/// The placeholders a trial fills in wherever the service takes its configuration: its command,
/// `target.env` values, `target.files` templates and `target.reset`: `{port}` and `{port:NAME}`
/// (free loopback ports chosen per trial attempt) and `{scratch}` (the attempt's own new, empty
/// folder). Anything else shaped `{word}` or `{word:...}` in a template is refused when the spec
/// is read, so a typo never reaches the service as text.
public struct TrialPlaceholders: Sendable, Equatable {
    /// Ports by name ("" for `{port}`).
    public var ports: [String: Int]
    /// The attempt's scratch folder (absolute), or nil when the spec uses none.
    public var scratch: String?

    public init(ports: [String: Int], scratch: String? = nil) {
        self.ports = ports
        self.scratch = scratch
    }

    /// `text` with every placeholder filled in.
    public func expand(_ text: String) -> String {
        var result = PortPlaceholders.substitute(text, ports: ports)
        if let scratch { result = result.replacingOccurrences(of: "{scratch}", with: scratch) }
        return result
    }

    /// Whether `texts` use `{scratch}`.
    public static func usesScratch(_ texts: [String]) -> Bool { texts.contains { $0.contains("{scratch}") } }

    /// Placeholder-shaped words in `text` that are not `{port}`, `{port:NAME}` or `{scratch}`,
    /// in order of first use: `{prot}`, `{scrach}`, `{port:}`. Braces that hold anything other
    /// than a lower-case word (JSON, Go templates, shell `${VAR}`) are not placeholders.
    public static func unknown(in text: String) -> [String] {
        var found: [String] = []
        let pattern = try! NSRegularExpression(pattern: #"(?<![\{\$])\{([a-z_]+)(:[^{}\s]*)?\}(?!\})"#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let word = String(text[range])
            let known = word == "{port}" || word == "{scratch}" || (word.hasPrefix("{port:") && word.count > "{port:}".count)
            if !known && !found.contains(word) { found.append(word) }
        }
        return found
    }
}
