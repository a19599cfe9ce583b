import Foundation

/// One setting's soak: its readings over time, each budget as met / not met with its figure,
/// and the leak signals.
///
/// The first `warmupFraction` of the soak's time (at least one reading) is warm-up: the heap
/// filling to its goal and caches warming are not growth. After it:
/// - RSS growth: the median of the last 3 readings against the median of the first 3, percent;
///   its trend per minute with an autocorrelation-aware interval (``Trend``);
/// - pause ms/s: gctrace's pauses after the warm-up over the seconds after the warm-up;
/// - latency p99: the median of the segments' p99s with a bootstrap interval (and the worst);
/// - leak signals (``LeakSignal``): goroutines, live heap after GC, RSS beyond the Go runtime.
public struct SoakResult: Sendable, Codable {
    /// One budget: its bound and the measured figure.
    public struct Check: Sendable, Codable, Equatable {
        public var name: String
        public var bound: Double
        public var figure: Double?
        /// The figure as text with its interval or sample count.
        public var text: String
        public var met: Bool? { figure.map { $0 <= bound } }
    }

    public var setting: GCSetting
    public var samples: [SoakSample]
    public var warmupSeconds: Double
    public var rssGrowthPercent: Double?
    public var rssTrend: Trend?
    public var pauseMillisPerSecond: Double?
    public var latencyP99Millis: Estimate?
    public var latencyP99WorstMillis: Double?
    public var checks: [Check]
    public var leaks: [LeakSignal]
    /// Profiles captured at the soak's start and end (paths), and the top growth between them.
    public var profiles: [String: String] = [:]
    public var profileGrowth: [String: String] = [:]

    /// Whether every budget was met and no leak was flagged (nil figures do not count as met).
    public var held: Bool { checks.allSatisfy { $0.met == true } && leaks.isEmpty }

    /// The leak signals `baseline`'s soak (the Go default's, same load and span) does not
    /// explain. A signal of the same kind there, whose rate's 95 % interval reaches this one's,
    /// is the service's or its load's (documents that grow, a cache of the service's own), not
    /// this setting's; a rate beyond it is the setting's.
    public func leaks(beyond baseline: SoakResult?) -> [LeakSignal] {
        guard let baseline else { return leaks }
        return leaks.filter { leak in
            guard let same = baseline.leaks.first(where: { $0.kind == leak.kind }) else { return true }
            return leak.trend.perMinute.lower > same.trend.perMinute.upper
        }
    }

    /// The leak signals `baseline`'s soak shows alike (``leaks(beyond:)``'s complement).
    public func sharedLeaks(with baseline: SoakResult?) -> [LeakSignal] {
        let own = leaks(beyond: baseline).map(\.kind)
        return leaks.filter { !own.contains($0.kind) }
    }

    /// Whether every budget was met and no leak of the setting's own was flagged, against the
    /// default's soak `baseline`.
    public func held(beyond baseline: SoakResult?) -> Bool {
        checks.allSatisfy { $0.met == true } && leaks(beyond: baseline).isEmpty
    }

    /// Readings after the warm-up.
    public var steady: [SoakSample] { samples.filter { $0.elapsedSeconds > warmupSeconds } }

    public static func analyse(
        setting: GCSetting, samples: [SoakSample], warmupFraction: Double = 0.2, budgets: SoakBudgets = SoakBudgets(), seed: UInt64
    ) -> SoakResult {
        let span = samples.last?.elapsedSeconds ?? 0
        var warmup = span * warmupFraction
        if let first = samples.first?.elapsedSeconds, warmup < first { warmup = first }
        let steady = samples.filter { $0.elapsedSeconds > warmup }
        var result = SoakResult(
            setting: setting, samples: samples, warmupSeconds: warmup, rssGrowthPercent: nil, rssTrend: nil, pauseMillisPerSecond: nil,
            latencyP99Millis: nil, latencyP99WorstMillis: nil, checks: [], leaks: [])
        let rss = steady.compactMap { s in s.rssBytes.map { (s.elapsedSeconds, Double($0)) } }
        if rss.count >= 2, let start = Statistics.median(rss.prefix(3).map(\.1)), let end = Statistics.median(rss.suffix(3).map(\.1)),
            start > 0
        {
            result.rssGrowthPercent = (end - start) / start * 100
        }
        result.rssTrend = Trend.fit(seconds: rss.map(\.0), values: rss.map(\.1))
        if let anchor = samples.last(where: { $0.elapsedSeconds <= warmup }), let last = steady.last,
            last.elapsedSeconds > anchor.elapsedSeconds
        {
            result.pauseMillisPerSecond = (last.pauseMillisTotal - anchor.pauseMillisTotal) / (last.elapsedSeconds - anchor.elapsedSeconds)
        }
        let p99s = steady.compactMap(\.latencyP99Millis)
        result.latencyP99Millis = Bootstrap.interval(p99s, seed: seed)
        result.latencyP99WorstMillis = p99s.max()
        func fixed(_ value: Double) -> String { formatFixed(value, decimals: abs(value) < 10 ? 2 : 1) }
        let trendText = result.rssTrend?.percentOfMeanPerMinute.map {
            ", trend \(fixed($0.value)) %/min [\(fixed($0.lower)), \(fixed($0.upper))]"
        }
        result.checks = [
            Check(
                name: "rss_growth_pct", bound: budgets.rssGrowthPercent, figure: result.rssGrowthPercent,
                text: result.rssGrowthPercent.map { "\(fixed($0)) % over \(rss.count) readings\(trendText ?? "")" } ?? "no RSS readings"),
            Check(
                name: "pause_ms_per_s", bound: budgets.pauseMillisPerSecond, figure: result.pauseMillisPerSecond,
                text: result.pauseMillisPerSecond.map {
                    "\(fixed($0)) ms/s over \(DurationText.format((steady.last?.elapsedSeconds ?? 0) - warmup))"
                } ?? "no readings after the warm-up"),
            Check(
                name: "latency_p99_ms", bound: budgets.latencyP99Millis, figure: result.latencyP99Millis?.value,
                text: result.latencyP99Millis.map {
                    "median of \($0.sampleCount) segments' p99 \(fixed($0.value)) ms [\(fixed($0.lower)), \(fixed($0.upper))], worst \(fixed(result.latencyP99WorstMillis ?? 0)) ms"
                } ?? "no latency readings"),
        ]
        result.leaks = LeakSignal.detect(steady)
        return result
    }
}
