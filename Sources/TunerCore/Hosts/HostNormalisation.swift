import Foundation

/// The host as a factor of a shared study's data: each host's results put on the reference host's
/// scale through the two hosts' Go defaults, so the frontier and the surrogate compare settings
/// measured on different machines.
///
/// For every metric on which a host's default differs from the reference host's beyond their
/// noise (``HostAgreement``), that host's figures are multiplied by the ratio of the defaults'
/// means (reference / host): a machine 20 % slower has its throughput raised by 1.25 and its CPU
/// per operation lowered by 0.8 before it meets the reference host's trials. Metrics within noise
/// stay as measured: scaling by a default measured once would move all of a host's trials by that
/// one trial's noise, which costs more than the difference it removes. Signed metrics (RSS change
/// and trend, which cross zero) are never scaled, and neither is a host whose default is not
/// measured yet or whose noise is unknown.
///
/// The scaling is applied on copies (``TrialSample/hostScale``); the store keeps what was measured.
/// Applying it twice gives the same result: the factors are computed from the measured figures.
public struct HostNormalisation: Sendable, Equatable {
    /// How the hosts' defaults compare, metric by metric.
    public var agreement: HostAgreement
    /// Per host, the factor each scaled metric is multiplied by (reference mean / host mean).
    public var factors: [String: [Metric: Double]]
    /// The metrics the lines compare (the study's objectives); any scaled metric is named too.
    public var shown: [Metric]

    /// Metrics whose figures cross zero, which a ratio cannot put on another scale.
    public static let signedMetrics: Set<Metric> = [.rssGrowthPercent, .rssTrendPercentPerMinute]

    /// The normalisation of `samples` over `metrics`, or nil when they come from fewer than two
    /// hosts. With two or more hosts it is returned even when no factor applies, so the report can
    /// say the hosts agree. `shown`: the metrics the lines compare (default: all of `metrics`).
    /// - Complexity: O(samples × metrics).
    public static func of(_ samples: [TrialSample], metrics: [Metric], shown: [Metric]? = nil) -> HostNormalisation? {
        var seen = Set<Metric>()
        let scalable = metrics.filter { !signedMetrics.contains($0) && seen.insert($0).inserted }
        // HostAgreement reads the measured figures, so copies already scaled give the same factors.
        guard let agreement = HostAgreement.of(samples, metrics: scalable) else { return nil }
        var factors: [String: [Metric: Double]] = [:]
        for difference in agreement.differences where difference.beyondNoise && difference.relative > -1 {
            factors[difference.host, default: [:]][difference.metric] = 1 / (1 + difference.relative)
        }
        return HostNormalisation(agreement: agreement, factors: factors, shown: shown ?? scalable)
    }

    /// Whether some host's figures are scaled.
    public var scales: Bool { factors.values.contains { !$0.isEmpty } }

    /// `samples` with each scaled host's figures on the reference host's scale. Trials of the
    /// reference host, of hosts within noise, and without a host are returned as they are.
    public func apply(_ samples: [TrialSample]) -> [TrialSample] {
        samples.map { sample in
            var scaled = sample
            scaled.hostScale = sample.host.flatMap { factors[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            return scaled
        }
    }

    /// What the frontier and the surrogate did with the hosts, for a terminal or a log: each
    /// host's default against the reference's on the shown metrics and on every scaled one, then
    /// what was scaled.
    public var lines: [String] {
        let counts = agreement.defaultTrials
        let hosts = counts.keys.sorted().map { "\($0) (\(counts[$0] ?? 0) default trial(s))" }
        var lines = ["hosts: \(hosts.joined(separator: ", ")); each compared with \(agreement.reference) on the Go default"]
        for difference in agreement.differences where shown.contains(difference.metric) || difference.beyondNoise {
            let percent = formatFixed(100 * difference.relative, decimals: 1)
            let verdict: String
            if let bound = difference.noiseBound {
                let noise = "±\(formatFixed(100 * bound, decimals: 1)) %"
                verdict =
                    difference.beyondNoise
                    ? "beyond noise (\(noise)): the hosts disagree; its trials count ×\(formatFixed(1 / (1 + difference.relative), decimals: 3))"
                    : "within noise (\(noise)): its trials count as measured"
            } else {
                verdict =
                    "noise unknown (no host repeated its default; set budget.noise_check or raise budget.repeats): "
                    + "its trials count as measured"
            }
            lines.append("  \(difference.host) vs \(difference.reference): \(difference.metric.rawValue) \(percent) %, \(verdict)")
        }
        lines.append(
            scales
                ? "  the frontier and the surrogate read every host's trials on \(agreement.reference)'s scale, through the hosts' Go defaults"
                : "  the frontier and the surrogate take every host's trials as measured")
        return lines
    }
}
