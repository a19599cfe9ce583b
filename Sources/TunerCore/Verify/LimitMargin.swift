/// How far a recommendation's GOMEMLIMIT sits above the live heap at one load level, and
/// whether the collector has started to run back to back there.
///
/// A limit binds when the heap reaches it: the collector then runs whenever the heap grows by
/// `limit − live heap`, so as the live heap nears the limit it runs more and more often (the
/// "death spiral" of the Go GC guide, capped by the runtime at about 50 % of the CPU). Two
/// signs are read from the measured runs:
/// - the margin, `limit / peak live heap` (the largest live heap a cycle marked in any of the
///   level's runs of the recommendation, from gctrace): below `minimumMultiple` it is flagged;
/// - back-to-back collection: the recommendation collects at least as often as Go's default
///   does at the same level (cycles per second, medians over the level's runs; with GOGC=100
///   the default collects each time the heap doubles, so a limit that makes the recommendation
///   collect more often than that is a limit with less than the live heap's size of headroom),
///   or the GC takes at least `backToBackGCShare` of the service's CPU (the cap the runtime puts
///   on the collector's CPU when the heap is at the limit: reaching it is the death spiral).
public struct LimitMargin: Sendable, Codable, Equatable {
    public var limitBytes: Int64
    /// The largest live heap marked in any run of the recommendation at the level, bytes.
    public var peakLiveHeapBytes: Double
    /// `limitBytes / peakLiveHeapBytes`.
    public var multiple: Double
    /// The threshold below which the margin is flagged (`verify.min_margin`).
    public var minimumMultiple: Double
    /// GC cycles per second of the recommendation and of the default, medians over the runs.
    public var cyclesPerSecond: Double?
    public var defaultCyclesPerSecond: Double?
    /// The GC's share of the service's CPU under the recommendation, median, 0...1.
    public var gcShare: Double?
    /// Whether the collector runs back to back (see the type's documentation).
    public var backToBack: Bool

    /// The share of the service's CPU at or above which the collector counts as running back to
    /// back: the runtime caps the GC at about 50 % of the CPU when the heap is at the limit.
    public static let backToBackGCShare = 0.5

    public var isBelowThreshold: Bool { multiple < minimumMultiple }

    /// The margin from the level's runs, or nil when the setting has no limit or no run marked
    /// a live heap.
    public static func measure(
        limitBytes: Int64?, candidateRuns: [TrialSample], defaultRuns: [TrialSample], minimumMultiple: Double
    ) -> LimitMargin? {
        guard let limitBytes else { return nil }
        guard let live = candidateRuns.compactMap({ Metric.liveHeapPeakBytes.value(of: $0) }).max(), live > 0 else { return nil }
        let cycles = Statistics.median(candidateRuns.compactMap(Self.cyclesPerSecond))
        let defaultCycles = Statistics.median(defaultRuns.compactMap(Self.cyclesPerSecond))
        let share = Statistics.median(candidateRuns.compactMap { $0.serviceCPU?.gcShare })
        var backToBack = false
        if let cycles, let defaultCycles, defaultCycles > 0, cycles >= defaultCycles { backToBack = true }
        if let share, share >= backToBackGCShare { backToBack = true }
        return LimitMargin(
            limitBytes: limitBytes, peakLiveHeapBytes: live, multiple: Double(limitBytes) / live, minimumMultiple: minimumMultiple,
            cyclesPerSecond: cycles, defaultCyclesPerSecond: defaultCycles, gcShare: share, backToBack: backToBack)
    }

    /// GC cycles per second of a run's measured window.
    public static func cyclesPerSecond(_ sample: TrialSample) -> Double? {
        guard let count = Metric.gcCount.value(of: sample), let seconds = sample.load?.windowSeconds, seconds > 0 else { return nil }
        return count / seconds
    }

    /// "GOMEMLIMIT=170MiB is 3.4× the peak live heap (50.0 MiB); GC 2.1 cycles/s (default 9.8)".
    public var summary: String {
        var text =
            "GOMEMLIMIT=\(ByteSize.goSyntax(limitBytes)) is \(formatFixed(multiple, decimals: 2))× the peak live heap (\(ByteSize.human(peakLiveHeapBytes)))"
        if let cyclesPerSecond {
            text += "; GC \(formatFixed(cyclesPerSecond, decimals: 2)) cycles/s"
            if let defaultCyclesPerSecond { text += " (default \(formatFixed(defaultCyclesPerSecond, decimals: 2)))" }
        }
        if let gcShare { text += ", GC share of CPU \(formatFixed(gcShare * 100, decimals: 1)) %" }
        return text
    }
}
