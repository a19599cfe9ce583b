import Foundation

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
