/// Resident-set-size observations of the server process, from /proc.
public struct MemoryObservation: Sendable, Codable, Equatable {
    /// Peak RSS over the process's life (kernel `VmHWM`), bytes.
    public var peakBytes: Int64
    /// RSS sampled nearest the start and the end of the measured window, bytes.
    public var windowStartBytes: Int64
    public var windowEndBytes: Int64
    /// Number of RSS samples taken during the trial (a few per second).
    public var sampleCount: Int

    /// RSS trend over the second half of the measured window (past the heap's fill after
    /// start-up), percent of that half's mean RSS per minute: the least-squares slope of the RSS
    /// readings against time, with its 95 % interval (Student t on n − 2 degrees of freedom).
    /// The readings follow the collector's sawtooth, so they are not independent and the interval
    /// is narrower than the truth; a few seconds say little about a leak, which a soak measures.
    /// nil when fewer than 4 readings fall in that half (trials recorded before it was kept, too).
    public var steadyTrendPercentPerMinute: Double?
    public var steadyTrendLowerPercentPerMinute: Double?
    public var steadyTrendUpperPercentPerMinute: Double?
    /// Readings the trend was fitted on.
    public var steadyTrendReadings: Int?

    public init(peakBytes: Int64, windowStartBytes: Int64, windowEndBytes: Int64, sampleCount: Int) {
        self.peakBytes = peakBytes
        self.windowStartBytes = windowStartBytes
        self.windowEndBytes = windowEndBytes
        self.sampleCount = sampleCount
    }

    /// Fits the steady trend on readings `(seconds, bytes)`, already cut to the window's second half.
    public mutating func fitSteadyTrend(_ readings: [(seconds: Double, bytes: Double)]) {
        guard readings.count >= 4 else { return }
        let n = Double(readings.count)
        let meanT = readings.reduce(0) { $0 + $1.seconds } / n
        let meanY = readings.reduce(0) { $0 + $1.bytes } / n
        let sTT = readings.reduce(0) { $0 + ($1.seconds - meanT) * ($1.seconds - meanT) }
        guard sTT > 0, meanY > 0 else { return }
        let slope = readings.reduce(0) { $0 + ($1.seconds - meanT) * ($1.bytes - meanY) } / sTT
        let residual = readings.reduce(0) { sum, r in
            let e = r.bytes - meanY - slope * (r.seconds - meanT)
            return sum + e * e
        }
        let standardError = (residual / (n - 2) / sTT).squareRoot()
        let scale = 100 * 60 / meanY  // bytes/s → % of the mean per minute
        let half = Statistics.studentT975(degreesOfFreedom: readings.count - 2) * standardError
        steadyTrendPercentPerMinute = slope * scale
        steadyTrendLowerPercentPerMinute = (slope - half) * scale
        steadyTrendUpperPercentPerMinute = (slope + half) * scale
        steadyTrendReadings = readings.count
    }

    /// RSS change from the window's start to its end as a fraction of its start (0.15 = 15 %).
    /// Right after start-up this is the heap filling to its goal, not growth: see
    /// `steadyTrendPercentPerMinute` for a trend.
    public var growthFraction: Double {
        windowStartBytes > 0 ? Double(windowEndBytes - windowStartBytes) / Double(windowStartBytes) : 0
    }
}
