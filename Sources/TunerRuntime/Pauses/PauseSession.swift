import Foundation
import TunerCore

/// One trial's reading of a pause source.
public protocol PauseSession: AnyObject, Sendable {
    /// Ends the session once the measured run is over; `windowStart`/`windowEnd` are the load's
    /// measured window, Unix ns.
    /// - Throws: `TrialFailure` naming the spec key when the source cannot be read.
    func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading
}
