import Foundation

/// Where a window's pause figures were read from.
public enum PauseSourceKind: String, Codable, Sendable, CaseIterable {
    /// `GODEBUG=gctrace=1` lines on the server's stderr (`GCTraceParser`).
    case gctrace
    /// The runtime/metrics histograms as the bundled server's `GET /debug/gcmetrics` serves them.
    case runtimeMetrics = "runtime-metrics"
    /// `runtime.MemStats` as `expvar` serves it at `GET /debug/vars`.
    case expvar
    /// A Prometheus text exposition (client_golang's Go collector series).
    case prometheus
    /// An execution trace (`go tool trace -d=parsed`).
    case trace
}
