import Foundation
import TunerCore

/// RSS readings of one process over a trial.
public protocol MemoryWatch: AnyObject, Sendable {
    /// Takes a last reading, stops watching and returns everything seen. Idempotent.
    func finish() -> MemoryReadings
}
