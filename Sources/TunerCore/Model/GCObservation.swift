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
