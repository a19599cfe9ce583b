import Foundation

/// The few SGR codes tuner uses, or none. Raw ANSI rather than a package (Rainbow): three
/// codes and a reset do not justify a dependency, and Rainbow's own environment sniffing would
/// have to be overridden to honour `OutputMode.decide`.
public struct TerminalStyle: Sendable, Equatable {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    public static let plain = TerminalStyle(color: false)

    func wrap(_ text: String, _ code: String) -> String {
        color && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func green(_ text: String) -> String { wrap(text, "1;32") }
    public func red(_ text: String) -> String { wrap(text, "1;31") }

    /// A finished trial's line: `FAILED` in red.
    public func trialLine(_ line: String) -> String {
        guard color, let range = line.range(of: ": FAILED") else { return line }
        return String(line[..<range.lowerBound]) + ": " + red("FAILED") + String(line[range.upperBound...])
    }

    /// The terminal summary with its decision picked out: the recommended table row (`=>`) in
    /// green, the `Recommended:` / `Keep the Go default` lines in bold, a refuted confirmation
    /// in red. Text without colour is returned unchanged.
    public func summary(_ text: String) -> String {
        guard color else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = String(line)
            if text.hasPrefix("=>") { return green(text) }
            if text.hasPrefix("Recommended:") || text.hasPrefix("Keep the Go default") || text.hasPrefix("No recommendation:") {
                return bold(text)
            }
            if text.hasPrefix("Confirmation"), text.contains("not confirmed") || text.contains("refuted") { return red(text) }
            return text
        }.joined(separator: "\n")
    }
}
