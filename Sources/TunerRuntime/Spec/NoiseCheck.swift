import Foundation
import TunerCore

/// Before the search, the Go default is measured `repeats` times; when the coefficient of
/// variation of its throughput or p99 pause exceeds `maxCV`, the study warns and then
/// raises its repeats, or stops.
public struct NoiseCheck: Sendable, Equatable {
    public enum Action: String, Sendable { case warn, raise, stop }
    public var repeats: Int
    /// e.g. 0.1 for 10 %.
    public var maxCV: Double
    public var action: Action
}
