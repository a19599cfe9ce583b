import Foundation

/// One reading of a soak, taken between two load segments (nothing of tuner's runs while a
/// segment is measured).
public struct SoakSample: Sendable, Codable, Equatable {
    /// Seconds since the soak's first segment started.
    public var elapsedSeconds: Double
    /// The server's resident set size, bytes (nil: unreadable).
    public var rssBytes: Int64?
    /// The live heap after the last GC, bytes: runtime/metrics' `/gc/heap/live:bytes`, else
    /// gctrace's last cycle (MiB resolution).
    public var liveHeapBytes: Double?
    /// Memory the Go runtime maps (runtime/metrics `/memory/classes/total:bytes`), bytes; RSS
    /// beyond it is memory outside the Go runtime (cgo, mmap'd files).
    public var goRuntimeBytes: Double?
    /// Goroutines (runtime/metrics `/sched/goroutines:goroutines`).
    public var goroutines: Double?
    /// GC cycles and their stop-the-world pauses since the server started (gctrace), cumulative.
    public var gcCycles: Int
    public var pauseMillisTotal: Double
    /// The segment just ended: its measured seconds, throughput and p99 latency.
    public var segmentSeconds: Double
    public var throughputOpsPerSecond: Double?
    public var latencyP99Millis: Double?

    public init(
        elapsedSeconds: Double, rssBytes: Int64?, liveHeapBytes: Double?, goRuntimeBytes: Double?, goroutines: Double?, gcCycles: Int,
        pauseMillisTotal: Double, segmentSeconds: Double, throughputOpsPerSecond: Double?, latencyP99Millis: Double?
    ) {
        self.elapsedSeconds = elapsedSeconds
        self.rssBytes = rssBytes
        self.liveHeapBytes = liveHeapBytes
        self.goRuntimeBytes = goRuntimeBytes
        self.goroutines = goroutines
        self.gcCycles = gcCycles
        self.pauseMillisTotal = pauseMillisTotal
        self.segmentSeconds = segmentSeconds
        self.throughputOpsPerSecond = throughputOpsPerSecond
        self.latencyP99Millis = latencyP99Millis
    }

    /// RSS beyond the memory the Go runtime maps, bytes (nil without both figures).
    public var outsideGoRuntimeBytes: Double? {
        guard let rss = rssBytes, let go = goRuntimeBytes else { return nil }
        return Double(rss) - go
    }

    /// The figures a runtime/metrics JSON document (`{"name": value}`, as the bundled server's
    /// /debug/gcmetrics serves) holds: live heap, runtime-mapped memory, goroutines.
    public static func runtimeMetrics(_ json: Data) -> (liveHeap: Double?, goRuntime: Double?, goroutines: Double?) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return (nil, nil, nil) }
        func number(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        return (number("/gc/heap/live:bytes"), number("/memory/classes/total:bytes"), number("/sched/goroutines:goroutines"))
    }
}
