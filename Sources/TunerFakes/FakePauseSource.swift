import Foundation
import TunerCore
import TunerRuntime

/// A pause source that returns a fixed reading and records when its sessions began and ended.
public final class FakePauseSource: PauseSource, @unchecked Sendable {
    public let kind: PauseSourceKind
    private let reading: PauseReading
    private let lock = NSLock()
    /// "begin" and "end" in the order they happened, with the load invocations seen meanwhile.
    public private(set) var events: [String] = []

    public init(kind: PauseSourceKind = .gctrace, reading: PauseReading) {
        self.kind = kind
        self.reading = reading
    }

    /// A reading of `pausesMillis` from `cycles` gctrace cycles.
    public convenience init(kind: PauseSourceKind = .gctrace, gctrace: String) {
        let parsed = GCTraceParser.parse(text: gctrace)
        let gc = GCObservation(
            cycles: parsed.cycles, windowSeconds: 1, processors: parsed.cycles.last?.processors,
            malformedLines: parsed.malformed.count)
        self.init(kind: kind, reading: PauseReading(summary: PauseSummary(gctrace: gc), gc: gc))
    }

    public func begin(_ context: PauseContext) throws -> PauseSession {
        lock.lock()
        events.append("begin")
        lock.unlock()
        return Session(source: self)
    }

    final class Session: PauseSession, @unchecked Sendable {
        let source: FakePauseSource
        init(source: FakePauseSource) { self.source = source }
        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            source.lock.lock()
            source.events.append("end")
            source.lock.unlock()
            return source.reading
        }
    }
}
