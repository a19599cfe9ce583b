import Foundation
import TunerCore

/// The terminal side of progress: takes the study's events and writes them to standard output
/// as `OutputMode` says: live (permanent lines above one status line that a 1 Hz timer
/// redraws in place), plain (one line per finished trial and per message, no escape code for
/// redrawing) or quiet (warnings only). The text comes from `ProgressLine` and
/// `StudyEvent.plainText`; this type only decides when to write it.
///
/// Off the measured path: the timer fires at most once a second on a background queue at
/// utility priority and sleeps between ticks (no polling loop); a tick renders one short line
/// and makes one `write(2)`. Safe to call from any thread; every write is under one lock, so a
/// permanent line and a redraw never interleave.
public final class ProgressDisplay: @unchecked Sendable {
    public let mode: OutputMode
    public let style: TerminalStyle
    private let lock = NSLock()
    private var state: ProgressState
    /// Whether a live line is on the screen now (the cursor is at its end).
    private var shown = false
    private var stopped = false
    private var timer: DispatchSourceTimer?
    private let write: (String) -> Void
    private let clock: () -> Double
    private let width: () -> Int?
    private let tickSeconds: Double

    /// Erases the current line: carriage return, then ECMA-48 "erase in line" to its end.
    static let clearLine = "\r\u{1B}[K"

    /// - Parameters:
    ///   - write: where text goes (standard output, unbuffered, by default).
    ///   - clock: monotonic seconds.
    ///   - width: the terminal's columns, read at every redraw (nil: do not cut the line).
    ///   - tickSeconds: the redraw period; at least 1 s.
    public init(
        mode: OutputMode, write: @escaping (String) -> Void = ProgressDisplay.standardOutput,
        clock: @escaping () -> Double = monotonicSeconds, width: @escaping () -> Int? = ProgressDisplay.terminalColumns,
        tickSeconds: Double = 1
    ) {
        self.mode = mode
        self.style = TerminalStyle(color: mode.color)
        self.write = write
        self.clock = clock
        self.width = width
        self.tickSeconds = max(tickSeconds, 1)
        self.state = ProgressState(startedAt: clock())
    }

    /// Starts the redraw timer (live mode only).
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard mode.progress == .live, timer == nil, !stopped else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tuner.progress", qos: .utility))
        timer.schedule(deadline: .now() + tickSeconds, repeating: tickSeconds, leeway: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
    }

    /// Stops the timer and erases the live line, leaving the cursor at the start of an empty
    /// line. Later lines print plainly. Called before the summary, on errors and on Ctrl-C.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        stopped = true
        timer?.cancel()
        timer = nil
        if shown { write(Self.clearLine) }
        shown = false
    }

    /// One event of the study.
    public func handle(_ event: StudyEvent) {
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        state.apply(event, at: now)
        switch mode.progress {
        case .quiet:
            if case .warning = event, let text = event.plainText { write(text + "\n") }
        case .plain:
            if let text = styled(event) { write(text + "\n") }
        case .live:
            // A trial start prints nothing but redraws the live line at once.
            redraw(above: styled(event), now: now)
        }
    }

    /// A line printed whatever the mode (the final summary), above the live line if any.
    public func permanent(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if mode.progress == .live && !stopped {
            redraw(above: text, now: clock())
        } else {
            write(text + "\n")
        }
    }

    /// Runs `body` (a write to standard error, say) with the live line erased, then redraws it,
    /// so a diagnostic never lands in the middle of the status line.
    public func aside(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if shown { write(Self.clearLine) }
        shown = false
        body()
        if mode.progress == .live && !stopped { redraw(above: nil, now: clock()) }
    }

    /// The event's permanent line, coloured as the mode says.
    private func styled(_ event: StudyEvent) -> String? {
        guard let text = event.plainText else { return nil }
        switch event {
        case .trialFinished: return style.trialLine(text)
        case .warning(let warning): return style.bold("WARNING:") + " " + warning
        default: return text
        }
    }

    /// Erases the live line, prints `line` (if any) as a permanent line, and draws the live
    /// line again: one write. Caller holds the lock.
    private func redraw(above line: String?, now: Double) {
        var out = shown ? Self.clearLine : ""
        if let line { out += line + "\n" }
        let live = stopped ? nil : ProgressLine.render(state, now: now, width: width())
        if let live { out += live }
        shown = live != nil
        if !out.isEmpty { write(out) }
    }

    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, state.current != nil else { return }
        redraw(above: nil, now: clock())
    }

    /// Writes straight to file descriptor 1 (no stdio buffer to flush, nothing held back).
    public static func standardOutput(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The terminal's width in columns (TIOCGWINSZ on standard output), or `COLUMNS`, or nil.
    public static func terminalColumns() -> Int? {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init)
    }
}
