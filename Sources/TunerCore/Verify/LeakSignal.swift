import Foundation

/// A steady rise in a soak that points at a leak, naming the signal and what to read next.
///
/// Each series is fitted after the warm-up (``Trend``); a signal is flagged when it rises
/// steadily and the fitted rise over the steady part passes a threshold. Steadily: the trend's
/// 95 % interval lies above zero, or the readings went up in more consecutive steps than chance
/// allows (one-sided sign test over the steps, p ≤ 0.05; a short soak whose leak rate wanders
/// has autocorrelated residuals, which widen the trend's interval past any use). The thresholds:
/// - goroutines: at least 50 and at least 20 % of the mean (goroutines that never exit);
/// - live heap after GC: at least 10 % of the mean and at least 1 MiB (a cache never evicted, a
///   closure holding large objects, anything still referenced);
/// - RSS beyond the memory the Go runtime maps: at least 10 % of mean RSS and at least 4 MiB
///   (memory outside the Go heap: cgo, mmap).
///
/// Leaked goroutines hold heap too (their descriptors, what they captured): when goroutines are
/// flagged and the live heap rises by at most `heapPerGoroutineBytes` per added goroutine, the
/// heap's rise is named in the goroutine signal instead of flagged as a leak of its own.
public struct LeakSignal: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case goroutines
        case liveHeap = "live_heap"
        case outsideGoRuntime = "outside_go_runtime"
    }
    public var kind: Kind
    public var trend: Trend
    /// What the signal says and which profile to read.
    public var explanation: String

    /// Heap a leaked goroutine may hold before the heap's rise counts as a leak of its own.
    public static let heapPerGoroutineBytes = 16.0 * 1024

    public static func detect(_ steady: [SoakSample]) -> [LeakSignal] {
        var signals: [LeakSignal] = []
        func series(_ value: (SoakSample) -> Double?) -> Trend? {
            let points = steady.compactMap { s in value(s).map { (s.elapsedSeconds, $0) } }
            guard var trend = Trend.fit(seconds: points.map(\.0), values: points.map(\.1)) else { return nil }
            let steps = zip(points.dropFirst(), points).map { $0.0.1 - $0.1.1 }.filter { $0 != 0 }
            if !trend.risesBeyondNoise, signTestPValue(successes: steps.filter { $0 > 0 }.count, trials: steps.count) <= 0.05 {
                trend.risesBySteps = true
            }
            return trend
        }
        if let trend = series(\.goroutines), trend.risesSteadily, trend.rise >= 50, trend.rise >= 0.2 * trend.mean {
            signals.append(
                LeakSignal(
                    kind: .goroutines, trend: trend,
                    explanation:
                        "goroutines rise by \(formatFixed(trend.rise, decimals: 0)) (\(formatFixed(trend.perMinute.value, decimals: 1))/min [\(formatFixed(trend.perMinute.lower, decimals: 1)), \(formatFixed(trend.perMinute.upper, decimals: 1))]): goroutines that never exit; read the goroutine profile (/debug/pprof/goroutine?debug=1) for the stacks that pile up"
                ))
        }
        if let trend = series(\.liveHeapBytes), trend.risesSteadily, trend.rise >= 0.1 * trend.mean, trend.rise >= 1_048_576,
            let goroutines = signals.first, goroutines.kind == .goroutines, trend.rise <= heapPerGoroutineBytes * goroutines.trend.rise
        {
            signals[0].explanation +=
                "; the live heap rises with them by \(ByteSize.human(trend.rise)) (\(ByteSize.human(trend.rise / goroutines.trend.rise)) per goroutine)"
        } else if let trend = series(\.liveHeapBytes), trend.risesSteadily, trend.rise >= 0.1 * trend.mean, trend.rise >= 1_048_576 {
            signals.append(
                LeakSignal(
                    kind: .liveHeap, trend: trend,
                    explanation:
                        "live heap after GC rises by \(ByteSize.human(trend.rise)) (\(ByteSize.human(trend.perMinute.value))/min [\(ByteSize.human(trend.perMinute.lower)), \(ByteSize.human(trend.perMinute.upper))]): something keeps references (a cache never evicted, a closure holding a buffer); read the heap profile's inuse_space growth (go tool pprof -diff_base START END)"
                ))
        }
        if let trend = series(\.outsideGoRuntimeBytes), trend.risesSteadily, trend.rise >= 4 * 1_048_576 {
            let meanRSS = Statistics.mean(steady.compactMap { $0.rssBytes.map(Double.init) }) ?? 0
            if trend.rise >= 0.1 * meanRSS {
                signals.append(
                    LeakSignal(
                        kind: .outsideGoRuntime, trend: trend,
                        explanation:
                            "RSS beyond the Go runtime's memory rises by \(ByteSize.human(trend.rise)): memory outside the Go heap (cgo, mmap); Go's profiles do not see it"
                    ))
            }
        }
        return signals
    }
}
