import Foundation
import TunerCore

/// What a pause session read over the window.
public struct PauseReading: Sendable {
    /// Pause count, total and (where the source has them) per-pause values or a histogram.
    public var summary: PauseSummary
    /// The gctrace cycles of the window (heap goal, live heap, GC CPU): present whenever the
    /// server printed its trace, whatever the pause source; the search's heap-goal model reads it.
    public var gc: GCObservation?
    /// For a source other than gctrace: gctrace's pauses over the same span, when printed.
    public var gctraceOverSpan: PauseSummary?
    /// The GC's share of the CPU the service's Go code used, 0...1, from the runtime's CPU classes
    /// differenced between the scrapes that bracket the window (a scraped source whose format
    /// carries them; nil otherwise).
    public var runtimeGCShare: Double?

    public init(summary: PauseSummary, gc: GCObservation?, gctraceOverSpan: PauseSummary? = nil) {
        self.summary = summary
        self.gc = gc
        self.gctraceOverSpan = gctraceOverSpan
    }
}
