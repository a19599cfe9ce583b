import Foundation

/// How precisely a source knows each pause.
public enum PauseResolution: String, Codable, Sendable {
    /// One sample per pause (or per cycle, see `PauseSampleUnit`): quantiles are the window's own.
    case exact
    /// Bucket counts: each pause is known only to lie between its bucket's edges.
    case histogram
    /// A count and a sum that are exact for the window; no per-pause figures of the window.
    case summary
}
