import Foundation

/// A one-sided paired test of "the candidate is better than the default" over alternating pairs.
///
/// - `sign`: the exact sign test; a pair favours the candidate when its value is better. Free of
///   any assumption on the distribution, so it fits heavy-tailed, discrete figures (latency and
///   pause percentiles from a few dozen collections), but it needs 5 pairs to reach p < 0.05.
/// - `pairedT`: Student's t on the log ratios ln(candidate / default), signed so that positive is
///   better: t = mean / (sd / √n) with n − 1 degrees of freedom, p = P(T ≥ t). It uses the size of
///   each pair's difference, not only its sign, so a precise figure (throughput, CPU per operation,
///   the GC's share) can confirm a clear gain in 3 pairs. Under no difference the pairs' log
///   ratios are symmetric about 0 (default and candidate are exchangeable), where the t-test's
///   level holds or errs on the safe side; `tuner-lab bench-confirm` measures its false
///   confirmations on recorded runs.
public enum PairedTest: String, Sendable, Codable, CaseIterable {
    case sign
    case pairedT = "t"

    /// The test that fits a metric: the sign test for percentiles of latency and pauses, the
    /// t-test on log ratios for the rest.
    public static func fitting(_ metric: Metric) -> PairedTest {
        switch metric {
        case .pauseP50Millis, .pauseP99Millis, .pauseMaxMillis, .latencyP50Millis, .latencyP99Millis, .latencyMaxMillis: .sign
        default: .pairedT
        }
    }

    /// The fewest pairs that can ever reach `alpha` (5 for the sign test at 0.05, 3 for t: with
    /// 2 pairs one degree of freedom leaves the test almost powerless).
    public func fewestPairs(alpha: Double = 0.05) -> Int {
        switch self {
        case .sign: Int((log2(1 / alpha)).rounded(.up))
        case .pairedT: 3
        }
    }

    /// One pair's improvement: the log ratio ln(candidate / default) when both are positive (the
    /// relative difference otherwise), signed so that positive means the candidate was better.
    public static func improvement(baseline: Double, candidate: Double, direction: ObjectiveDirection) -> Double {
        let sign = direction == .maximize ? 1.0 : -1.0
        if baseline > 0, candidate > 0 { return sign * log(candidate / baseline) }
        return baseline != 0 ? sign * (candidate - baseline) / abs(baseline) : sign * candidate
    }

    /// Its name in a verdict.
    public var name: String {
        switch self {
        case .sign: "one-sided sign test"
        case .pairedT: "one-sided paired t-test on log ratios"
        }
    }

    /// The p-value and the figure it rests on, for `improvements`: one signed value per pair,
    /// positive when the candidate was better (for the t-test, the signed log ratio).
    public func pValue(improvements: [Double]) -> (p: Double, statistic: String) {
        let n = improvements.count
        switch self {
        case .sign:
            let favouring = improvements.filter { $0 > 0 }.count
            return (signTestPValue(successes: favouring, trials: n), "\(favouring) of \(n)")
        case .pairedT:
            guard n >= 2, let mean = Statistics.mean(improvements), let sd = Statistics.standardDeviation(improvements) else {
                return (1, "t undefined with \(n) pair\(n == 1 ? "" : "s")")
            }
            if sd == 0 { return (mean > 0 ? 0 : 1, "t = \(mean > 0 ? "+∞" : "0"), \(n - 1) df") }
            let t = mean / (sd / Double(n).squareRoot())
            return (StudentT.upperTail(t, degreesOfFreedom: Double(n - 1)), "t = \(formatFixed(t, decimals: 2)), \(n - 1) df")
        }
    }
}
