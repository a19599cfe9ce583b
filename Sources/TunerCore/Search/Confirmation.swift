import Foundation

/// The result of alternating the candidate and the default (ABAB…) on the real service.
public struct Confirmation: Sendable, Codable {
    public var candidate: GCSetting
    /// Relative change candidate vs default per metric, from the median of the per-pair ratios
    /// with a seeded bootstrap interval over pairs (pairs absorb slow drift of the machine).
    public var changes: [(metric: Metric, change: Estimate)]
    /// Whether the rule's objective improved with confidence and the constraints held.
    public var confirmed: Bool
    public var verdict: String
    /// The GC's share of CPU from CPU profiles of the pairs' runs against runtime/metrics', when
    /// the runs were profiled (`verify.pprof`): why the candidate wins, in the collector's terms.
    public var profiles: LevelVerification.ProfileComparison?

    public init(candidate: GCSetting, changes: [(metric: Metric, change: Estimate)], confirmed: Bool, verdict: String) {
        self.candidate = candidate
        self.changes = changes
        self.confirmed = confirmed
        self.verdict = verdict
    }

    private struct StoredChange: Codable {
        var metric: Metric
        var change: Estimate
    }
    private enum CodingKeys: String, CodingKey { case candidate, changes, confirmed, verdict, profiles }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        candidate = try container.decode(GCSetting.self, forKey: .candidate)
        changes = try container.decode([StoredChange].self, forKey: .changes).map { ($0.metric, $0.change) }
        confirmed = try container.decode(Bool.self, forKey: .confirmed)
        verdict = try container.decode(String.self, forKey: .verdict)
        profiles = try container.decodeIfPresent(LevelVerification.ProfileComparison.self, forKey: .profiles)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(candidate, forKey: .candidate)
        try container.encode(changes.map { StoredChange(metric: $0.metric, change: $0.change) }, forKey: .changes)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(verdict, forKey: .verdict)
        try container.encodeIfPresent(profiles, forKey: .profiles)
    }

    /// Analyses paired trials: `pairs[i]` = (default trial, candidate trial) run back to back.
    public static func analyse(
        candidate: GCSetting, pairs: [(baseline: TrialSample, candidate: TrialSample)],
        objectives: [(metric: Metric, direction: ObjectiveDirection)], constraints: [Constraint],
        decisive: Int, test: PairedTest? = nil, level: Double = 0.95, seed: UInt64
    ) -> Confirmation {
        var changes: [(Metric, Estimate)] = []
        var metrics = objectives.map(\.metric)
        if !metrics.contains(.rssPeakBytes) { metrics.append(.rssPeakBytes) }
        for (i, metric) in metrics.enumerated() {
            let ratios = pairs.compactMap { pair -> Double? in
                guard let b = metric.value(of: pair.baseline), let c = metric.value(of: pair.candidate), b != 0 else { return nil }
                return (c - b) / abs(b)
            }
            if let estimate = Bootstrap.interval(ratios, level: level, resamples: 4000, seed: seed &+ UInt64(i)) {
                changes.append((metric, estimate))
            }
        }
        let objective = objectives[decisive]
        // The decisive objective's paired test (``PairedTest``): the t-test on log ratios for a
        // figure whose size per pair carries information, the exact sign test for percentiles.
        let test = test ?? PairedTest.fitting(objective.metric)
        let improvements = pairs.compactMap { pair -> Double? in
            guard let b = objective.metric.value(of: pair.baseline), let c = objective.metric.value(of: pair.candidate) else {
                return nil
            }
            return PairedTest.improvement(baseline: b, candidate: c, direction: objective.direction)
        }
        let favouring = improvements.filter { $0 > 0 }.count
        let (pValue, statistic) = test.pValue(improvements: improvements)
        let improved = pValue <= 1 - level
        var violated: [String] = []
        for constraint in constraints {
            let values = pairs.compactMap { constraint.metric.value(of: $0.candidate) }
            if let median = Statistics.median(values), !constraint.isMet(by: median) { violated.append(constraint.description) }
        }
        let confirmed = improved && violated.isEmpty
        let verdict: String
        let testText =
            test == .sign
            ? "\(test.name) p = \(formatFixed(pValue, decimals: 3))" : "\(test.name) p = \(formatFixed(pValue, decimals: 3)), \(statistic)"
        let evidence = "\(objective.metric.rawValue) better in \(favouring) of \(pairs.count) alternating pairs (\(testText))"
        let fewest = test.fewestPairs(alpha: 1 - level)
        if confirmed {
            verdict = "confirmed: \(evidence)"
        } else if !violated.isEmpty {
            verdict = "not confirmed: in the confirmation runs the candidate broke \(violated.joined(separator: ", ")); \(evidence)"
        } else {
            verdict =
                "not confirmed: \(evidence), above \(formatFixed(1 - level, decimals: 2))\(pairs.count < fewest ? "; fewer than \(fewest) pairs can never reach it with this test, raise budget.confirm" : "")"
        }
        var confirmation = Confirmation(candidate: candidate, changes: changes, confirmed: confirmed, verdict: verdict)
        confirmation.profiles = LevelVerification.ProfileComparison.of(pairs, seed: seed &+ 99)
        return confirmation
    }
}

/// P(X ≥ successes) for X ~ Binomial(trials, ½): the one-sided exact sign-test p-value.
public func signTestPValue(successes: Int, trials: Int) -> Double {
    guard trials > 0 else { return 1 }
    var total = 0.0
    var coefficient = 1.0  // C(trials, 0)
    for k in 0...trials {
        if k >= successes { total += coefficient }
        coefficient = coefficient * Double(trials - k) / Double(k + 1)
    }
    return total / pow(2, Double(trials))
}
