import Foundation

/// The service's CPU over a trial's measured window, and the garbage collector's share of it.
///
/// `cpuSeconds` is user + system CPU of every process in the service's process group, read from
/// `/proc/PID/stat` just before the measured run starts and just after it ends (so CPU spent on
/// start-up and warm-up is not counted). The GC's CPU comes from the runtime itself when the
/// service serves runtime/metrics (`/cpu/classes/gc/total:cpu-seconds` over the CPU its Go code
/// used, `/cpu/classes/total` minus `/cpu/classes/idle`, differenced between the scrapes that
/// bracket the window), else from gctrace's `ms cpu` figures of the cycles in the window (all
/// five, idle-time marking included, as runtime/metrics counts it) over `cpuSeconds`.
public struct ServiceCPU: Sendable, Codable, Equatable {
    /// Where the GC's CPU was read.
    public enum GCSource: String, Sendable, Codable {
        case runtimeMetrics = "runtime/metrics"
        case gctrace
    }

    /// User + system CPU of the service's processes over the measured window, seconds.
    public var cpuSeconds: Double
    /// Wall-clock length of the bracket the CPU was read over, seconds.
    public var wallSeconds: Double
    /// The GC's CPU over the window, seconds (nil when neither source had it).
    public var gcCPUSeconds: Double?
    /// The GC's share of the service's CPU, 0...1 (nil when unknown).
    public var gcShare: Double?
    public var gcSource: GCSource?

    public init(cpuSeconds: Double, wallSeconds: Double, gcCPUSeconds: Double? = nil, gcShare: Double? = nil, gcSource: GCSource? = nil) {
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.gcCPUSeconds = gcCPUSeconds
        self.gcShare = gcShare
        self.gcSource = gcSource
    }

    /// The GC's CPU in gctrace's cycles, seconds: all five `ms cpu` figures.
    public static func gctraceGCSeconds(_ cycles: [GCCycle]) -> Double? {
        let figures = cycles.compactMap { cycle in cycle.cpuMillis.map { $0 + (cycle.idleMarkMillis ?? 0) } }
        guard !figures.isEmpty || cycles.isEmpty else { return nil }
        return figures.reduce(0, +) / 1000
    }
}
