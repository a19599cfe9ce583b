/// What one load run measured, the same whatever tool produced it (wrk, hey, a user's command).
///
/// Every figure is read from the tool's own output; nothing is re-measured. Latency percentiles
/// are the ones the tool printed and are never interpolated: a percentile the tool does not
/// print (wrk has no p95, a command may give only a p99) is absent from
/// `latencyPercentilesMillis` and its convenience is `nil`.
public struct LoadMeasurement: Sendable, Equatable {
    /// Requests (or messages) completed in the measured run, errored responses included
    /// (wrk's `N requests`, the sum of hey's status-code counts).
    public var operations: Int
    /// The measured run's length in seconds, as the tool reports it (wrk: `requests in 3.01s`,
    /// hey: `Total:`), or the caller's wall-clock time for a command that prints none.
    public var durationSeconds: Double
    /// Completed operations per second. wrk: its `Requests/sec:` (completed requests over the
    /// exact run time). hey: responses / `Total`, because hey's own `Requests/sec` also counts
    /// attempts that failed before a response (kept in `reportedThroughputPerSecond`).
    public var throughputPerSecond: Double
    /// The tool's own throughput figure when it means something else than
    /// `throughputPerSecond` (hey), else `nil`.
    public var reportedThroughputPerSecond: Double?
    /// Latency percentiles as the tool printed them, keyed by percentile (50, 75, 90, 99, ...),
    /// in milliseconds. Empty when the tool recorded no latency (wrk with every response past
    /// `--timeout`, hey with no response).
    public var latencyPercentilesMillis: [Double: Double]
    /// Mean latency, milliseconds, where the tool prints one.
    public var meanMillis: Double?
    /// Slowest recorded request, milliseconds (wrk: the Latency row's Max; hey: `Slowest`).
    public var maxMillis: Double?
    /// Operations that failed: socket errors, timeouts and non-2xx responses.
    public var errors: Int
    /// `errors` by kind. wrk: `connect`, `read`, `write`, `timeout`, `status`; hey: `status NNN`
    /// for each non-2xx code and hey's error text (`Get "…": dial tcp …: connection refused`).
    public var errorBreakdown: [String: Int]
    /// Operations attempted, where the tool lets it be known, for an error rate.
    public var attempted: Int?
    /// Output lines the parser did not recognise (a script's prints, warnings), in order.
    public var unparsedLines: [String]
    /// What a reader of the figures should know (e.g. a latency histogram that was empty).
    public var notes: [String]

    public init(
        operations: Int, durationSeconds: Double, throughputPerSecond: Double,
        reportedThroughputPerSecond: Double? = nil,
        latencyPercentilesMillis: [Double: Double] = [:], meanMillis: Double? = nil,
        maxMillis: Double? = nil, errors: Int = 0, errorBreakdown: [String: Int] = [:],
        attempted: Int? = nil, unparsedLines: [String] = [], notes: [String] = []
    ) {
        self.operations = operations
        self.durationSeconds = durationSeconds
        self.throughputPerSecond = throughputPerSecond
        self.reportedThroughputPerSecond = reportedThroughputPerSecond
        self.latencyPercentilesMillis = latencyPercentilesMillis
        self.meanMillis = meanMillis
        self.maxMillis = maxMillis
        self.errors = errors
        self.errorBreakdown = errorBreakdown
        self.attempted = attempted
        self.unparsedLines = unparsedLines
        self.notes = notes
    }

    /// Median latency, milliseconds; `nil` when the tool printed no 50th percentile.
    public var p50Millis: Double? { latencyPercentilesMillis[50] }
    /// 90th-percentile latency, milliseconds; `nil` when not printed.
    public var p90Millis: Double? { latencyPercentilesMillis[90] }
    /// 99th-percentile latency, milliseconds; `nil` when not printed.
    public var p99Millis: Double? { latencyPercentilesMillis[99] }

    /// `errors / attempted`, in [0, 1]; `nil` without `attempted` or when nothing was attempted.
    public var errorRate: Double? {
        guard let attempted, attempted > 0 else { return nil }
        return Double(errors) / Double(attempted)
    }
}
