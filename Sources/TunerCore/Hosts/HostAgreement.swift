import Foundation

/// Whether the hosts of a shared study measure alike: each host's Go default against the
/// reference host's (the one with most default trials), objective by objective. The same setting
/// on two machines is not the same sample; when the defaults differ beyond their noise, results
/// from different hosts are compared only through their own host's default (``HostNormalisation``).
///
/// Noise is the pooled within-host standard deviation of the default's repeats (N − H degrees of
/// freedom over N default trials on H hosts); a difference is beyond noise when it exceeds twice
/// its standard error, s·√(1/n₁ + 1/n₂) (about a 95 % two-sided bound).
public struct HostAgreement: Sendable, Equatable {
    /// One host's default against the reference host's, for one metric.
    public struct Difference: Sendable, Equatable {
        public var metric: Metric
        public var host: String
        public var reference: String
        /// (host mean − reference mean) / reference mean.
        public var relative: Double
        /// Twice the difference's standard error, relative to the reference mean; nil when no host
        /// repeated its default (noise unknown).
        public var noiseBound: Double?
        public var beyondNoise: Bool { noiseBound.map { abs(relative) > $0 } ?? false }
    }

    /// Measured default trials per host.
    public var defaultTrials: [String: Int]
    public var reference: String
    public var differences: [Difference]

    /// The comparison, or nil when the samples come from fewer than two hosts (or a host has no
    /// measured default yet).
    /// - Complexity: O(samples × metrics).
    public static func of(_ samples: [TrialSample], metrics: [Metric]) -> HostAgreement? {
        let defaults = samples.filter { $0.isMeasured && $0.setting.isGoDefault && !$0.isConfirmation && $0.host != nil }
        let byHost = Dictionary(grouping: defaults, by: { $0.host ?? "" })
        let hosts = Set(samples.compactMap(\.host))
        guard hosts.count >= 2 else { return nil }
        let counts = byHost.mapValues(\.count)
        // The reference: most default trials, then the first name.
        let ranked = byHost.keys.sorted { a, b in
            let (countA, countB) = (counts[a] ?? 0, counts[b] ?? 0)
            return countA != countB ? countA > countB : a < b
        }
        guard let reference = ranked.first else { return nil }
        var differences: [Difference] = []
        for metric in metrics {
            let values: [String: [Double]] = byHost.mapValues { trials in trials.compactMap { metric.measuredValue(of: $0) } }
                .filter { !$0.value.isEmpty }
            guard let referenceValues = values[reference], let referenceMean = mean(referenceValues), referenceMean != 0 else { continue }
            var total = 0
            var squares = 0.0
            for list in values.values {
                let m: Double = mean(list) ?? 0
                total += list.count
                for value in list { squares += (value - m) * (value - m) }
            }
            let pooledSD: Double? = total > values.count ? (squares / Double(total - values.count)).squareRoot() : nil
            for (host, list) in values where host != reference {
                guard let hostMean = mean(list) else { continue }
                var bound: Double?
                if let pooledSD {
                    let spread: Double = (1 / Double(list.count) + 1 / Double(referenceValues.count)).squareRoot()
                    bound = 2 * pooledSD * spread / abs(referenceMean)
                }
                differences.append(
                    Difference(
                        metric: metric, host: host, reference: reference, relative: (hostMean - referenceMean) / referenceMean,
                        noiseBound: bound))
            }
        }
        differences.sort { ($0.host, $0.metric.rawValue) < ($1.host, $1.metric.rawValue) }
        return HostAgreement(defaultTrials: counts, reference: reference, differences: differences)
    }

    /// Whether some host's default differs from the reference's beyond noise.
    public var hostsDisagree: Bool { differences.contains(where: \.beyondNoise) }

    private static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
}
