import Foundation
import TunerRuntime

/// Writes user-facing messages to stderr. Colour follows `OutputMode.decide` for stderr
/// (`--color` on `tuner run`, otherwise auto: only on a terminal without NO_COLOR/TERM=dumb);
/// while `tuner run` shows a live progress line, each message is written with it erased first.
enum Diagnostics {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var color = OutputMode.decide(
            color: .auto, quiet: false, isTerminal: isatty(2) == 1,
            environment: ProcessInfo.processInfo.environment
        ).color
        var display: ProgressDisplay?
    }
    private static let state = State()

    /// Applies `tuner run`'s `--color` to stderr and routes messages around its progress display.
    static func configure(color: ColorChoice, display: ProgressDisplay?) {
        let decided = OutputMode.decide(
            color: color, quiet: false, isTerminal: isatty(2) == 1,
            environment: ProcessInfo.processInfo.environment
        ).color
        state.lock.lock()
        defer { state.lock.unlock() }
        state.color = decided
        state.display = display
    }

    static var useColor: Bool {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.color
    }

    /// Stops the live progress line (erasing it), if one runs: before exiting on a signal.
    static func stopProgress() {
        state.lock.lock()
        let display = state.display
        state.lock.unlock()
        display?.stop()
    }

    static func error(_ message: String) {
        let prefix = TerminalStyle(color: useColor).red("error:")
        write(prefix + " " + message + "\n")
    }

    static func note(_ message: String) {
        write(message + "\n")
    }

    private static func write(_ text: String) {
        state.lock.lock()
        let display = state.display
        state.lock.unlock()
        let body = { FileHandle.standardError.write(Data(text.utf8)) }
        if let display { display.aside(body) } else { body() }
    }
}

/// Standard output, flushed per line so progress shows up when piped.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
