import Foundation
import TunerCore

/// Which pause source a study reads, and where.
public struct PauseSourceSpec: Sendable, Equatable {
    public var kind: PauseSourceKind = .gctrace
    /// Loopback URL of the metrics endpoint (runtime-metrics, expvar, prometheus) or of
    /// `/debug/pprof/trace` (trace); port placeholders allowed. nil for gctrace.
    public var url: String? = nil
    /// Seconds between scrapes during the load (expvar keeps only 256 pauses: read often).
    public var intervalSeconds: Double = 1

    public init(kind: PauseSourceKind = .gctrace, url: String? = nil, intervalSeconds: Double = 1) {
        self.kind = kind
        self.url = url
        self.intervalSeconds = intervalSeconds
    }
}
