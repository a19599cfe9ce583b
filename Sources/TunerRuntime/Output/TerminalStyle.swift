import Foundation

/// `--color auto|on|off`.
public enum ColorChoice: String, CaseIterable, Sendable {
    case auto, on, off
}

/// How `tuner run` writes to one stream: with colour or not, with a live redrawn status line or
/// plain lines, or quietly. A pure function of the flags, whether the stream is a terminal and
/// the environment, so every combination is tested without a terminal.
public struct OutputMode: Sendable, Equatable {
    public enum Progress: Sendable, Equatable {
        /// One status line redrawn in place (`\r` + clear to end of line) below the permanent lines.
        case live
        /// One permanent line per finished trial and per message; no escape codes for redrawing.
        case plain
        /// Only the final summary, warnings and errors.
        case quiet
    }

    public var color: Bool
    public var progress: Progress

    public init(color: Bool, progress: Progress) {
        self.color = color
        self.progress = progress
    }

    /// The decision, following https://no-color.org and the usual terminal conventions:
    /// - colour: `--color on` always (it is an explicit request, and no-color.org lets a
    ///   command-line flag override `NO_COLOR`); `--color off` never; `auto` only when the
    ///   stream is a terminal, `NO_COLOR` is unset or empty, and `TERM` is not `dumb`.
    /// - live line: only on a terminal whose `TERM` is not `dumb`, and not with `--quiet`;
    ///   `NO_COLOR` is about colour and leaves the live line alone; `--color` never forces it.
    public static func decide(color: ColorChoice, quiet: Bool, isTerminal: Bool, environment: [String: String]) -> OutputMode {
        let dumb = environment["TERM"] == "dumb"
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let useColor: Bool
        switch color {
        case .on: useColor = true
        case .off: useColor = false
        case .auto: useColor = isTerminal && !noColor && !dumb
        }
        let progress: Progress = quiet ? .quiet : (isTerminal && !dumb ? .live : .plain)
        return OutputMode(color: useColor, progress: progress)
    }
}

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
            if text.hasPrefix("Recommended:") || text.hasPrefix("Keep the Go default") || text.hasPrefix("No recommendation:") { return bold(text) }
            if text.hasPrefix("Confirmation"), text.contains("not confirmed") || text.contains("refuted") { return red(text) }
            return text
        }.joined(separator: "\n")
    }
}
