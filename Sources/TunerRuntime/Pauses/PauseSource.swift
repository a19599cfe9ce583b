import Foundation
import TunerCore

/// Where a trial's GC pauses come from: a session started right before the measured run and
/// ended right after it. Real sources read the service (stderr, an HTTP endpoint, an execution
/// trace); `FakePauseSource` returns what it is given.
public protocol PauseSource: Sendable {
    var kind: PauseSourceKind { get }
    /// Starts reading; cheap and non-blocking (a source that polls does so on its own thread,
    /// sleeping between reads).
    func begin(_ context: PauseContext) throws -> PauseSession
}
