import Foundation

/// The pauses one source saw in one measured window. Computed by the pure parsers of this
/// folder; a value, ready to be stored or rendered.
///
/// Invariant: `count` is the number of samples (see `sampleUnit`), equal to
/// `pausesMillis.count` for exact sources and to `histogram.count` for histograms; `missedPauses`
/// is not part of it.
public struct PauseSummary: Codable, Sendable, Equatable {
    public var source: PauseSourceKind
    public var resolution: PauseResolution
    /// Whether a sample is one stop-the-world pause or one GC cycle's total.
    public var sampleUnit: PauseSampleUnit
    /// Samples seen in the window: stop-the-world pauses when `sampleUnit == .pause`, GC cycles
    /// when `.cycle`. See `stopTheWorldPauses` for a figure comparable across sources.
    public var count: Int
    /// Best estimate of the window's total pause time, milliseconds. Exact sources and summaries:
    /// the sum. Histograms: Σ `Bucket.midpointMillis` × count, unless the source has an exact sum
    /// beside its histogram (Prometheus with `go_gc_duration_seconds`), which it then uses.
    public var totalMillis: Double
    /// Lower bound of the total, milliseconds: equal to `totalMillis` unless a histogram, where it
    /// is the sum of bucket lower edges × counts.
    public var totalMillisLower: Double
    /// Upper bound of the total, milliseconds: equal to `totalMillis` unless a histogram, where it
    /// is the sum of bucket upper edges × counts; `nil` means unbounded (a pause fell into the
    /// `+Inf` bucket). JSON-safe, unlike `.infinity`.
    public var totalMillisUpper: Double?
    /// Each sample in milliseconds, in the order the source gives them (time order for gctrace,
    /// expvar and the trace). Exact sources only.
    public var pausesMillis: [Double]?
    /// The window's bucket counts. Histogram sources only.
    public var histogram: PauseHistogram?
    /// GC cycles in the window when the source knows them.
    public var gcCycles: Int?
    /// Samples the source knows happened in the window but could not read (e.g. cycles that fell
    /// out of MemStats' 256-entry ring between two polls). Not included in `count`.
    public var missedPauses: Int
    /// Plain sentences for the user: what the figures mean and what they cannot say.
    public var notes: [String]
    /// The span the source actually counted over, Unix ns (a scraped source's bracketing reads,
    /// a trace's first and last clock sync); nil when it is the load's window itself.
    public var spanStartUnixNanos: Int64? = nil
    public var spanEndUnixNanos: Int64? = nil

    public init(
        source: PauseSourceKind, resolution: PauseResolution, sampleUnit: PauseSampleUnit,
        count: Int, totalMillis: Double, totalMillisLower: Double, totalMillisUpper: Double?,
        pausesMillis: [Double]? = nil, histogram: PauseHistogram? = nil, gcCycles: Int? = nil,
        missedPauses: Int = 0, notes: [String] = []
    ) {
        self.source = source
        self.resolution = resolution
        self.sampleUnit = sampleUnit
        self.count = count
        self.totalMillis = totalMillis
        self.totalMillisLower = totalMillisLower
        self.totalMillisUpper = totalMillisUpper
        self.pausesMillis = pausesMillis
        self.histogram = histogram
        self.gcCycles = gcCycles
        self.missedPauses = missedPauses
        self.notes = notes
    }

    /// An exact summary of per-sample values (milliseconds).
    public static func exact(
        source: PauseSourceKind, sampleUnit: PauseSampleUnit, pausesMillis: [Double],
        gcCycles: Int?, missedPauses: Int = 0, notes: [String] = []
    ) -> PauseSummary {
        let total = pausesMillis.reduce(0, +)
        return PauseSummary(
            source: source, resolution: .exact, sampleUnit: sampleUnit, count: pausesMillis.count,
            totalMillis: total, totalMillisLower: total, totalMillisUpper: total,
            pausesMillis: pausesMillis, gcCycles: gcCycles, missedPauses: missedPauses, notes: notes)
    }

    /// A histogram summary; totals and bounds follow from the buckets (empty buckets are dropped).
    public static func histogram(
        source: PauseSourceKind, sampleUnit: PauseSampleUnit, buckets: [PauseHistogram.Bucket],
        gcCycles: Int?, notes: [String] = []
    ) -> PauseSummary {
        let kept = buckets.filter { $0.count > 0 }
        var estimate = 0.0
        var lower = 0.0
        var upper: Double? = 0
        for b in kept {
            let n = Double(b.count)
            estimate += b.midpointMillis * n
            lower += b.lowerMillis * n
            upper = upper.flatMap { u in b.upperMillis.map { u + $0 * n } }
        }
        return PauseSummary(
            source: source, resolution: .histogram, sampleUnit: sampleUnit,
            count: kept.reduce(0) { $0 + $1.count }, totalMillis: estimate,
            totalMillisLower: lower, totalMillisUpper: upper,
            histogram: PauseHistogram(buckets: kept), gcCycles: gcCycles, notes: notes)
    }

    /// Stop-the-world pauses in the window, comparable across sources: `count` for per-pause
    /// sources, `2 × count` for per-cycle ones (each cycle has two pauses; the rare cycle whose
    /// mark termination restarts has more, which a per-cycle source cannot see).
    public var stopTheWorldPauses: Int {
        sampleUnit == .pause ? count : 2 * count
    }

    /// The p-quantile of the window's samples, milliseconds, with bounds.
    ///
    /// - Exact: `Statistics.quantile` (definition 7); `lower == upper == estimate`.
    /// - Histogram: with n samples and h = (n − 1)·p, definition 7 interpolates between the order
    ///   statistics ⌊h⌋ and ⌈h⌉ (0-based). `lower` is the lower edge of the bucket holding the
    ///   first, `upper` the upper edge of the bucket holding the second (`.infinity` for the
    ///   `+Inf` bucket), so the true sample quantile lies in [lower, upper]. `estimate` spreads
    ///   each bucket's c samples evenly (the j-th at lower + (upper − lower)·(j − ½)/c, the lower
    ///   edge in an unbounded bucket) and interpolates as definition 7 does.
    /// - Summary: `nil` — a summary's quantiles are not the window's.
    /// `nil` also when the window has no samples. `p` must be in [0, 1].
    public func quantileMillis(_ p: Double) -> (estimate: Double, lower: Double, upper: Double)? {
        precondition(p >= 0 && p <= 1, "quantile probability \(p) is outside [0, 1]")
        switch resolution {
        case .summary:
            return nil
        case .exact:
            guard let values = pausesMillis, let q = Statistics.quantile(values, p) else { return nil }
            return (q, q, q)
        case .histogram:
            guard let buckets = histogram?.buckets, count > 0 else { return nil }
            let h = Double(count - 1) * p
            let low = Int(h.rounded(.down))
            let high = min(low + 1, count - 1)
            let fraction = h - Double(low)
            guard let a = Self.orderStatistic(low, in: buckets), let b = Self.orderStatistic(high, in: buckets)
            else { return nil }
            let estimate = a.estimate + (b.estimate - a.estimate) * fraction
            let upperBucket = fraction == 0 ? a.bucket : b.bucket
            return (estimate, a.bucket.lowerMillis, upperBucket.upperMillis ?? .infinity)
        }
    }

    /// The bucket holding the 0-based order statistic `rank`, and its evenly-spread estimate.
    private static func orderStatistic(_ rank: Int, in buckets: [PauseHistogram.Bucket])
        -> (bucket: PauseHistogram.Bucket, estimate: Double)?
    {
        var before = 0
        for bucket in buckets {
            if rank < before + bucket.count {
                let j = Double(rank - before) + 0.5
                guard let upper = bucket.upperMillis else { return (bucket, bucket.lowerMillis) }
                return (bucket, bucket.lowerMillis + (upper - bucket.lowerMillis) * j / Double(bucket.count))
            }
            before += bucket.count
        }
        return nil
    }
}

extension PauseSummary {
    /// The pauses of today's gctrace observation (cycles whose start fell in the window, see
    /// `GCTracePauseSource.window`): exact, two per cycle, in milliseconds as printed.
    ///
    /// gctrace prints each phase with two significant digits, truncated, at most three decimals
    /// (`fmtNSAsMS` in `src/runtime/mgc.go`): a pause under 1 µs prints as 0, 0.0019 ms as 0.001,
    /// 0.199 ms as 0.19. Printed pauses are therefore low by up to one unit of their last digit.
    public init(gctrace observation: GCObservation) {
        var notes = [
            "gctrace prints each pause truncated to two significant digits (0.001 ms at best), so pauses read low by up to one unit of the last digit"
        ]
        if observation.malformedLines > 0 {
            notes.append("\(observation.malformedLines) gctrace line(s) in the run could not be read; their pauses are missing")
        }
        self = .exact(
            source: .gctrace, sampleUnit: .pause, pausesMillis: observation.pausesMillis,
            gcCycles: observation.cycles.count, notes: notes)
    }
}
