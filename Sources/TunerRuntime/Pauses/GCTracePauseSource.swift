import Foundation
import TunerCore

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
            let gc = GCTracePauseSource.observe(
                stderr: context.server.standardError(), launchUnixNanos: context.launchUnixNanos,
                windowStart: windowStart, windowEnd: windowEnd)
            return PauseReading(summary: PauseSummary(gctrace: gc), gc: gc)
        }
    }

    /// The window's cycles in a server's stderr.
    public static func observe(stderr: String, launchUnixNanos: Int64, windowStart: Int64, windowEnd: Int64) -> GCObservation {
        let parsed = GCTraceParser.parse(text: stderr)
        return window(
            parsed.cycles, malformed: parsed.malformed.count, launchUnixNanos: launchUnixNanos,
            windowStart: windowStart, windowEnd: windowEnd)
    }

    /// Keeps the cycles that started inside the window.
    public static func window(
        _ cycles: [GCCycle], malformed: Int, launchUnixNanos: Int64,
        windowStart: Int64, windowEnd: Int64
    ) -> GCObservation {
        let inside = cycles.filter {
            let time = launchUnixNanos + Int64($0.startSeconds * 1e9)
            return time >= windowStart && time <= windowEnd
        }
        return GCObservation(
            cycles: inside, windowSeconds: Double(windowEnd - windowStart) / 1e9,
            processors: cycles.last?.processors, malformedLines: malformed, cyclesInRun: cycles.count)
    }
}
