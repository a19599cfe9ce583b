import Foundation
import TunerCore

/// Where a trial's GC pauses come from.
public protocol PauseSource: Sendable {
    /// GC activity inside the window [windowStart, windowEnd] (Unix ns) of a server launched
    /// at `launchUnixNanos` whose stderr was captured at `stderrPath`.
    func observe(stderrPath: String, launchUnixNanos: Int64, windowStart: Int64, windowEnd: Int64) throws -> GCObservation
}

/// Pauses from `GODEBUG=gctrace=1` lines on the server's stderr.
///
/// A cycle's time is launch time + its `@s` offset (the runtime counts from its own
/// initialisation, a few ms after spawn, so cycles may be placed up to that much early).
public struct GCTracePauseSource: PauseSource {
    public init() {}

    public func observe(stderrPath: String, launchUnixNanos: Int64, windowStart: Int64, windowEnd: Int64) throws -> GCObservation {
        guard let data = FileManager.default.contents(atPath: stderrPath) else {
            throw TrialFailure("server stderr \(stderrPath) is missing")
        }
        let parsed = GCTraceParser.parse(text: String(decoding: data, as: UTF8.self))
        return Self.window(parsed.cycles, malformed: parsed.malformed.count, launchUnixNanos: launchUnixNanos,
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
