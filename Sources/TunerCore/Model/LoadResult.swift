/// What the load generator reported for one trial's measured window.
public struct LoadResult: Sendable, Codable, Equatable {
    /// Operations (edits, requests, messages: the load's own unit) completed in the window.
    public var operations: Int
    /// operations / window length, per second.
    public var throughputOpsPerSecond: Double
    public var latencyP50Millis: Double
    public var latencyP90Millis: Double
    public var latencyP99Millis: Double
    public var latencyMaxMillis: Double
    /// Failed requests inside the window (socket errors, timeouts, non-2xx answers, …).
    public var errors: Int
    /// The bundled load's check that every client's final text equals the server's; nil for
    /// loads that have no such check.
    public var converged: Bool?
    /// Measured window, Unix time in nanoseconds, as the load generator saw it (or, for tools
    /// that report none, the measured run's start and end as tuner saw them).
    public var windowStartUnixNanos: Int64
    public var windowEndUnixNanos: Int64
    /// The load kind that measured it (`sync-bench`, `wrk`, `hey`, `command`); nil in old records.
    public var tool: String? = nil
    /// Requests attempted in the window, for the error rate; nil when the tool does not say.
    public var requests: Int? = nil
    /// Errors by kind (`connect`, `timeout`, `status 404`, …), when the tool breaks them down.
    public var errorBreakdown: [String: Int]? = nil

    public init(
        operations: Int, throughputOpsPerSecond: Double, latencyP50Millis: Double,
        latencyP90Millis: Double, latencyP99Millis: Double, latencyMaxMillis: Double,
        errors: Int, converged: Bool?, windowStartUnixNanos: Int64, windowEndUnixNanos: Int64
    ) {
        self.operations = operations
        self.throughputOpsPerSecond = throughputOpsPerSecond
        self.latencyP50Millis = latencyP50Millis
        self.latencyP90Millis = latencyP90Millis
        self.latencyP99Millis = latencyP99Millis
        self.latencyMaxMillis = latencyMaxMillis
        self.errors = errors
        self.converged = converged
        self.windowStartUnixNanos = windowStartUnixNanos
        self.windowEndUnixNanos = windowEndUnixNanos
    }

    /// Errors over requests (over operations + errors when requests are unknown), 0...1.
    public var errorRate: Double {
        let attempted = requests ?? (operations + errors)
        return attempted > 0 ? Double(errors) / Double(attempted) : (errors > 0 ? 1 : 0)
    }

    /// Length of the measured window in seconds.
    public var windowSeconds: Double { Double(windowEndUnixNanos - windowStartUnixNanos) / 1e9 }
}
