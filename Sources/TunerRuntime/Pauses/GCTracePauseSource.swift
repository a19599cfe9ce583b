import Foundation
import TunerCore

/// What a trial's pause source hands a session when the measured run is about to start.
public struct PauseContext: Sendable {
    /// The running server (its stderr carries the gctrace).
    public let server: RunningProcess
    /// The trial's ports by placeholder name.
    public let ports: [String: Int]
    /// When the server was launched, Unix ns (gctrace counts from there).
    public let launchUnixNanos: Int64
    /// Length of the measured run about to start, seconds.
    public let windowSeconds: Double
    /// Path prefix for the source's own files (`PREFIX.trace`, …).
    public let logPrefix: String
    /// The setting the trial runs (a source that can see the service's own knobs checks them).
    public var setting: GCSetting = .goDefault

    public init(server: RunningProcess, ports: [String: Int], launchUnixNanos: Int64, windowSeconds: Double, logPrefix: String) {
        self.server = server
        self.ports = ports
        self.launchUnixNanos = launchUnixNanos
        self.windowSeconds = windowSeconds
        self.logPrefix = logPrefix
    }
}

/// What a pause session read over the window.
public struct PauseReading: Sendable {
    /// Pause count, total and (where the source has them) per-pause values or a histogram.
    public var summary: PauseSummary
    /// The gctrace cycles of the window (heap goal, live heap, GC CPU): present whenever the
    /// server printed its trace, whatever the pause source; the search's heap-goal model reads it.
    public var gc: GCObservation?
    /// For a source other than gctrace: gctrace's pauses over the same span, when printed.
    public var gctraceOverSpan: PauseSummary?

    public init(summary: PauseSummary, gc: GCObservation?, gctraceOverSpan: PauseSummary? = nil) {
        self.summary = summary
        self.gc = gc
        self.gctraceOverSpan = gctraceOverSpan
    }
}

/// Where a trial's GC pauses come from: a session started right before the measured run and
/// ended right after it. Real sources read the service (stderr, an HTTP endpoint, an execution
/// trace); `FakePauseSource` returns what it is given.
public protocol PauseSource: Sendable {
    var kind: PauseSourceKind { get }
    /// Starts reading; cheap and non-blocking (a source that polls does so on its own thread,
    /// sleeping between reads).
    func begin(_ context: PauseContext) throws -> PauseSession
}

/// One trial's reading of a pause source.
public protocol PauseSession: AnyObject, Sendable {
    /// Ends the session once the measured run is over; `windowStart`/`windowEnd` are the load's
    /// measured window, Unix ns.
    /// - Throws: `TrialFailure` naming the spec key when the source cannot be read.
    func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading
}

/// Pauses from `GODEBUG=gctrace=1` lines on the server's stderr: exact, two per cycle (sweep
/// termination and mark termination).
///
/// A cycle's time is launch time + its `@s` offset (the runtime counts from its own
/// initialisation, a few ms after spawn, so cycles may be placed up to that much early).
public struct GCTracePauseSource: PauseSource {
    public var kind: PauseSourceKind { .gctrace }
    public init() {}

    public func begin(_ context: PauseContext) throws -> PauseSession { Session(context: context) }

    final class Session: PauseSession, @unchecked Sendable {
        let context: PauseContext
        init(context: PauseContext) { self.context = context }

        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            let gc = GCTracePauseSource.observe(stderr: context.server.standardError(), launchUnixNanos: context.launchUnixNanos,
                                                windowStart: windowStart, windowEnd: windowEnd)
            return PauseReading(summary: PauseSummary(gctrace: gc), gc: gc)
        }
    }

    /// The window's cycles in a server's stderr.
    public static func observe(stderr: String, launchUnixNanos: Int64, windowStart: Int64, windowEnd: Int64) -> GCObservation {
        let parsed = GCTraceParser.parse(text: stderr)
        return window(parsed.cycles, malformed: parsed.malformed.count, launchUnixNanos: launchUnixNanos,
                      windowStart: windowStart, windowEnd: windowEnd)
    }

    /// Keeps the cycles that started inside the window.
    public static func window(_ cycles: [GCCycle], malformed: Int, launchUnixNanos: Int64,
                              windowStart: Int64, windowEnd: Int64) -> GCObservation {
        let inside = cycles.filter {
            let time = launchUnixNanos + Int64($0.startSeconds * 1e9)
            return time >= windowStart && time <= windowEnd
        }
        return GCObservation(cycles: inside, windowSeconds: Double(windowEnd - windowStart) / 1e9,
                             processors: cycles.last?.processors, malformedLines: malformed, cyclesInRun: cycles.count)
    }
}
