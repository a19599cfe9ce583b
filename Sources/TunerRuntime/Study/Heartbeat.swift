import Foundation

/// Beats for a tuner on a shared store every `intervalSeconds`, on its own queue, while a trial
/// runs on the tuner's thread; a beat that fails (the database briefly unreachable) is reported
/// once per failure streak and retried at the next tick. Stops when released.
public final class Heartbeat: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    private let lock = NSLock()
    private var failing = false

    #if Postgres
        /// Beats once now (so the owner is alive before its first claim), then every interval.
        /// - Throws: when the first beat fails.
        /// - Parameter warn: receives a failing beat's warning, on the heartbeat's queue (the study's
        ///   event sink, which serialises what it prints).
        public init(store: PostgresStudyStore, intervalSeconds: Double, warn: @escaping (String) -> Void) throws {
            try store.heartbeat()
            let warn = Warning(say: warn)
            timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tuner.heartbeat"))
            timer.schedule(deadline: .now() + intervalSeconds, repeating: intervalSeconds, leeway: .milliseconds(100))
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                do {
                    try store.heartbeat()
                    self.lock.withLock { self.failing = false }
                } catch {
                    let first = self.lock.withLock {
                        defer { self.failing = true }
                        return !self.failing
                    }
                    if first { warn.say("heartbeat to \(store.location.redacted) failed: \(error); retrying every \(intervalSeconds) s") }
                }
            }
            timer.resume()
        }
    #else
        /// Built without PostgreSQL: there is no shared store to beat for.
        private init?() { return nil }
    #endif

    public func stop() { timer.cancel() }

    /// The warning sink, handed to the timer's queue.
    private struct Warning: @unchecked Sendable { let say: (String) -> Void }

    deinit { timer.cancel() }
}
