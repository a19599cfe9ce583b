import Foundation

/// What one sample of a source is.
///
/// gctrace, runtime/metrics and the execution trace see every stop-the-world pause: a GC cycle
/// has two (sweep termination, mark termination), occasionally more. `runtime.MemStats.PauseNs`
/// (expvar) and client_golang's `go_gc_duration_seconds` (built from it) record one figure per
/// GC *cycle*: the sum of that cycle's stop-the-world pauses (`src/runtime/mgc.go`,
/// `work.pauseNS`). Their counts are therefore about half of a per-pause source's, and their
/// quantiles are quantiles of per-cycle totals.
public enum PauseSampleUnit: String, Codable, Sendable {
    /// One sample is one stop-the-world pause.
    case pause
    /// One sample is one GC cycle's total stop-the-world time (all its pauses added).
    case cycle
}
