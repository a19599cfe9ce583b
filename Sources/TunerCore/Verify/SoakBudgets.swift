/// What a soak is judged against (`verify.budgets`; the defaults are the seed's budgets for
/// collaboration services).
public struct SoakBudgets: Sendable, Codable, Equatable {
    /// RSS growth after the warm-up, percent of RSS at its end.
    public var rssGrowthPercent: Double = 15
    /// Total stop-the-world GC pause per second of the soak after its warm-up, ms/s.
    public var pauseMillisPerSecond: Double = 5
    /// p99 latency of the load, ms (the median of the segments' p99s).
    public var latencyP99Millis: Double = 120

    public init() {}
}
