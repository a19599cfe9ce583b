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

    public init(operations: Int, throughputOpsPerSecond: Double, latencyP50Millis: Double,
                latencyP90Millis: Double, latencyP99Millis: Double, latencyMaxMillis: Double,
                errors: Int, converged: Bool?, windowStartUnixNanos: Int64, windowEndUnixNanos: Int64) {
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
        let residual = readings.reduce(0) { sum, r in let e = r.bytes - meanY - slope * (r.seconds - meanT); return sum + e * e }
        let standardError = (residual / (n - 2) / sTT).squareRoot()
        let scale = 100 * 60 / meanY // bytes/s → % of the mean per minute
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

/// Garbage-collector activity inside one trial's measured window.
public struct GCObservation: Sendable, Codable, Equatable {
    /// Cycles whose start fell inside the measured window, in order.
    public var cycles: [GCCycle]
    /// Window length in seconds (for per-second rates).
    public var windowSeconds: Double
    /// GOMAXPROCS seen in the trace (for the CPU fraction); nil without cycles.
    public var processors: Int?
    /// Trace lines that looked like gctrace but could not be read, over the whole run.
    public var malformedLines: Int
    /// GC cycles over the server's whole run (start-up and warm-up included).
    public var cyclesInRun: Int

    public init(cycles: [GCCycle], windowSeconds: Double, processors: Int?, malformedLines: Int, cyclesInRun: Int? = nil) {
        self.cycles = cycles
        self.windowSeconds = windowSeconds
        self.processors = processors
        self.malformedLines = malformedLines
        self.cyclesInRun = cyclesInRun ?? cycles.count
    }

    /// Every stop-the-world pause in the window (two per cycle), milliseconds, in order.
    public var pausesMillis: [Double] { cycles.flatMap(\.pausesMillis) }

    /// Sum of pauses per second of window, ms/s (a common budget is under 5 ms/s).
    public var pauseMillisPerSecond: Double {
        windowSeconds > 0 ? pausesMillis.reduce(0, +) / windowSeconds : 0
    }

    /// GC CPU time in the window over available CPU time (window × GOMAXPROCS), 0...1;
    /// idle-time marking is excluded. nil when no cycle carried its cpu section.
    public var cpuFraction: Double? {
        let cpu = cycles.compactMap(\.cpuMillis)
        guard !cpu.isEmpty, let procs = processors, procs > 0, windowSeconds > 0 else {
            return cycles.isEmpty ? 0 : nil
        }
        return cpu.reduce(0, +) / 1000 / (windowSeconds * Double(procs))
    }

    /// Median heap goal over the window's cycles, MiB.
    public var heapGoalMiB: Double? {
        Statistics.median(cycles.compactMap(\.heapGoalMiB).map(Double.init))
    }

    /// Largest live heap marked in the window, MiB.
    public var liveHeapMaxMiB: Int? { cycles.compactMap(\.liveHeapMiB).max() }
}

/// Whether a trial produced a sample, and if not, why.
public enum TrialOutcome: Sendable, Codable, Equatable {
    case measured
    case failed(reason: String)

    public var failureReason: String? {
        if case .failed(let reason) = self { return reason }
        return nil
    }
}

/// One trial: one setting, one repeat, one launch of the service under load.
public struct TrialSample: Sendable, Codable, Equatable {
    /// Position in the study's plan, 0-based.
    public var trialIndex: Int
    public var setting: GCSetting
    /// Which repeat of this setting, 0-based.
    public var repeatIndex: Int
    public var outcome: TrialOutcome
    /// Unix time the trial started, seconds.
    public var startedAtUnixSeconds: Double
    /// Wall time of the whole trial (start, ready, warm-up, window, stop), seconds.
    public var wallSeconds: Double
    /// Seconds from launch until the readiness probe succeeded.
    public var readySeconds: Double?
    /// CPU seconds (user + system) the tuner itself used during the trial, start to stop.
    public var tunerCPUSeconds: Double
    /// CPU seconds the tuner used while the load ran (warm-up and measured window): what
    /// could disturb the measurement. The rest is start-up probing and parsing afterwards.
    public var tunerCPUSecondsDuringLoad: Double?
    /// Wall seconds the load generator ran (warm-up, window, drain and convergence check).
    public var loadWallSeconds: Double?
    public var load: LoadResult?
    public var gc: GCObservation?
    public var memory: MemoryObservation?
    /// Why the trial ran: `search` (default), `noise-check` or `confirm`.
    public var phase: String?
    /// The target's Go version and collector, read from its binary; nil when unknown.
    public var targetBuild: GoBuildInfo? = nil
    /// The window's pauses as the study's pause source read them (nil in old records: their
    /// pauses are the gctrace cycles in `gc`).
    public var pauses: PauseSummary? = nil
    /// With a pause source other than gctrace: gctrace's pauses over the span that source
    /// counted, so every trial records how far the two agree.
    public var gctracePauses: PauseSummary? = nil

    public init(trialIndex: Int, setting: GCSetting, repeatIndex: Int, outcome: TrialOutcome,
                startedAtUnixSeconds: Double, wallSeconds: Double, readySeconds: Double?,
                tunerCPUSeconds: Double, load: LoadResult?, gc: GCObservation?, memory: MemoryObservation?) {
        self.trialIndex = trialIndex
        self.setting = setting
        self.repeatIndex = repeatIndex
        self.outcome = outcome
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.wallSeconds = wallSeconds
        self.readySeconds = readySeconds
        self.tunerCPUSeconds = tunerCPUSeconds
        self.load = load
        self.gc = gc
        self.memory = memory
    }

    public var isMeasured: Bool { outcome == .measured }

    /// Whether the trial belongs to a confirmation (phase `confirm <candidate>`).
    public var isConfirmation: Bool { phase?.hasPrefix("confirm") ?? false }
}
