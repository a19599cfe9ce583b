import Foundation
import TunerCore

/// Replays confirmations on recorded runs: how often a paired test confirms a candidate that is
/// not better than the default (P(confirmed and wrong)) and how often it confirms one that is.
///
/// Two kinds of recording:
/// - **rounds** (`experiments/surface-pairs.yml`): every round runs each setting once, so a
///   round's two runs of two settings are a pair run close in time, as a confirmation runs them.
///   A replay of n pairs takes n distinct rounds (every subset of the rounds, enumerated). The
///   truth is the paired t interval (95 %, two-sided) over all rounds: better, worse or unclear.
///   The default against itself (A/A, exactly no difference) pairs two different rounds' runs,
///   2000 seeded draws of 2n distinct rounds.
/// - **sittings** (`data/surfaces/surface` and `surface-heldout`): each candidate against the
///   default with its draw sitting's repeats paired by repeat index (n = the sitting's repeats,
///   one replay), both roles (each setting once as the candidate, once as the default); the
///   truth comes from the other sitting alone (Welch's 95 % interval on its means).
///
/// Scoring, fixed before the first run: a confirmation is wrong when the truth is `worse` or
/// `same` (A/A); P(confirmed and wrong) = wrong confirmations over the replays whose truth is
/// worse or same. Confirmations of `unclear` candidates are reported apart, neither right nor
/// wrong. Power = confirmations over the replays whose truth is `better`.
public enum ConfirmationReplay {
    public enum Truth: String, Sendable, Codable, CaseIterable { case better, worse, unclear, same }

    /// One (baseline, candidate, metric, test, pairs) cell.
    public struct Row: Sendable, Codable, Equatable {
        /// "rounds" or "sittings": which kind of recording the row replays.
        public var source: String
        public var baseline: GCSetting
        public var candidate: GCSetting
        public var metric: Metric
        public var test: PairedTest
        public var pairs: Int
        public var truth: Truth
        public var replays: Int
        public var confirmed: Int
    }

    /// The 95 % truth of `improvements` (signed, positive = candidate better) by Student's t.
    static func truth(of improvements: [Double]) -> Truth {
        guard improvements.count >= 2, let mean = Statistics.mean(improvements),
            let sd = Statistics.standardDeviation(improvements)
        else { return .unclear }
        let half = Statistics.studentT975(degreesOfFreedom: improvements.count - 1) * sd / Double(improvements.count).squareRoot()
        if mean - half > 0 { return .better }
        if mean + half < 0 { return .worse }
        return .unclear
    }

    /// Every k-subset of 0..<n, in lexicographic order.
    static func subsets(of n: Int, size k: Int) -> [[Int]] {
        guard k <= n else { return [] }
        if k == 0 { return [[]] }
        var result: [[Int]] = []
        var current = Array(0..<k)
        while true {
            result.append(current)
            var i = k - 1
            while i >= 0, current[i] == n - k + i { i -= 1 }
            if i < 0 { return result }
            current[i] += 1
            for j in (i + 1)..<k { current[j] = current[j - 1] + 1 }
        }
    }

    /// Rows for a rounds recording: every ordered pair of settings (and each setting against itself).
    public static func rounds(
        trials: [TrialSample], metrics: [(Metric, ObjectiveDirection)], tests: [PairedTest], pairCounts: [Int], seed: UInt64 = 1
    ) -> [Row] {
        let measured = trials.filter(\.isMeasured)
        var byRound: [GCSetting: [Int: TrialSample]] = [:]
        for trial in measured { byRound[trial.setting, default: [:]][trial.repeatIndex] = trial }
        let settings = byRound.keys.sorted()
        var rows: [Row] = []
        for (metric, direction) in metrics {
            func value(_ setting: GCSetting, _ round: Int) -> Double? { byRound[setting]?[round].flatMap { metric.value(of: $0) } }
            for baseline in settings {
                for candidate in settings {
                    let common = Set(byRound[baseline]!.keys).intersection(byRound[candidate]!.keys).sorted()
                        .filter { value(baseline, $0) != nil && value(candidate, $0) != nil }
                    for test in tests {
                        for n in pairCounts {
                            var confirmed = 0
                            var replays = 0
                            let truth: Truth
                            if baseline == candidate {
                                truth = .same
                                guard common.count >= 2 * n else { continue }
                                var generator = SeededGenerator(seed: seed &+ UInt64(n) &* 7919)
                                for _ in 0..<2000 {
                                    var rounds = common
                                    for i in stride(from: rounds.count - 1, to: 0, by: -1) {
                                        rounds.swapAt(i, Int(generator.nextUnit() * Double(i + 1)) % (i + 1))
                                    }
                                    let improvements = (0..<n).map { i in
                                        PairedTest.improvement(
                                            baseline: value(baseline, rounds[i])!, candidate: value(candidate, rounds[n + i])!,
                                            direction: direction)
                                    }
                                    replays += 1
                                    if test.pValue(improvements: improvements).p <= 0.05 { confirmed += 1 }
                                }
                            } else {
                                let all = common.map {
                                    PairedTest.improvement(
                                        baseline: value(baseline, $0)!, candidate: value(candidate, $0)!, direction: direction)
                                }
                                truth = Self.truth(of: all)
                                guard common.count >= n else { continue }
                                for subset in subsets(of: common.count, size: n) {
                                    replays += 1
                                    if test.pValue(improvements: subset.map { all[$0] }).p <= 0.05 { confirmed += 1 }
                                }
                            }
                            rows.append(
                                Row(
                                    source: "rounds", baseline: baseline, candidate: candidate, metric: metric, test: test, pairs: n,
                                    truth: truth,
                                    replays: replays, confirmed: confirmed))
                        }
                    }
                }
            }
        }
        return rows
    }

    /// Rows for two sittings of one grid: pairs from `draw` (by repeat index), truth from `truth`.
    public static func sittings(
        draw: [TrialSample], truth truthTrials: [TrialSample], metric: Metric, direction: ObjectiveDirection, tests: [PairedTest]
    ) -> [Row] {
        func byRepeat(_ trials: [TrialSample]) -> [GCSetting: [Int: Double]] {
            var result: [GCSetting: [Int: Double]] = [:]
            for trial in trials where trial.isMeasured && !trial.isConfirmation {
                if let v = metric.value(of: trial) { result[trial.setting, default: [:]][trial.repeatIndex] = v }
            }
            return result
        }
        let drawn = byRepeat(draw)
        let held = byRepeat(truthTrials)
        let baseline = GCSetting.goDefault
        guard let baselineDraw = drawn[baseline], let baselineHeld = held[baseline] else { return [] }
        var rows: [Row] = []
        for other in drawn.keys.sorted() where other != baseline {
            guard let otherHeld = held[other], let otherDraw = drawn[other] else { continue }
            for (b, c, bDraw, cDraw, bHeld, cHeld) in [
                (baseline, other, baselineDraw, otherDraw, baselineHeld, otherHeld),
                (other, baseline, otherDraw, baselineDraw, otherHeld, baselineHeld),
            ] {
                let rounds = Set(bDraw.keys).intersection(cDraw.keys).sorted()
                guard rounds.count >= 2 else { continue }
                let improvements = rounds.map { PairedTest.improvement(baseline: bDraw[$0]!, candidate: cDraw[$0]!, direction: direction) }
                let truth = welchTruth(baseline: Array(bHeld.values), candidate: Array(cHeld.values), direction: direction)
                for test in tests {
                    let confirmed = test.pValue(improvements: improvements).p <= 0.05 ? 1 : 0
                    rows.append(
                        Row(
                            source: "sittings", baseline: b, candidate: c, metric: metric, test: test, pairs: rounds.count, truth: truth,
                            replays: 1,
                            confirmed: confirmed))
                }
            }
        }
        return rows
    }

    /// Better / worse / unclear from two independent samples: Welch's 95 % interval on the
    /// difference of log means (relative difference), Satterthwaite's degrees of freedom.
    static func welchTruth(baseline: [Double], candidate: [Double], direction: ObjectiveDirection) -> Truth {
        let b = baseline.filter { $0 > 0 }.map { log($0) }
        let c = candidate.filter { $0 > 0 }.map { log($0) }
        guard b.count >= 2, c.count >= 2, let mb = Statistics.mean(b), let mc = Statistics.mean(c),
            let sb = Statistics.standardDeviation(b), let sc = Statistics.standardDeviation(c)
        else { return .unclear }
        let vb = sb * sb / Double(b.count)
        let vc = sc * sc / Double(c.count)
        let se = (vb + vc).squareRoot()
        let df = se == 0 ? 1 : Int(((vb + vc) * (vb + vc) / (vb * vb / Double(b.count - 1) + vc * vc / Double(c.count - 1))).rounded(.down))
        let difference = (direction == .maximize ? 1.0 : -1.0) * (mc - mb)
        let half = Statistics.studentT975(degreesOfFreedom: max(df, 1)) * se
        if difference - half > 0 { return .better }
        if difference + half < 0 { return .worse }
        return .unclear
    }

    /// Totals per (metric, test, pairs): replays and confirmations by truth.
    public struct Summary: Sendable, Codable, Equatable {
        public var source: String
        public var metric: Metric
        public var test: PairedTest
        public var pairs: Int
        public var replays: [Truth: Int]
        public var confirmed: [Truth: Int]

        /// P(confirmed and wrong): confirmations of worse or same candidates over those replays.
        public var wrongRate: Double? {
            let n = (replays[.worse] ?? 0) + (replays[.same] ?? 0)
            return n > 0 ? Double((confirmed[.worse] ?? 0) + (confirmed[.same] ?? 0)) / Double(n) : nil
        }
        /// Confirmations of better candidates over those replays.
        public var power: Double? {
            let n = replays[.better] ?? 0
            return n > 0 ? Double(confirmed[.better] ?? 0) / Double(n) : nil
        }
    }

    public static func summaries(_ rows: [Row]) -> [Summary] {
        var cells: [String: Summary] = [:]
        var order: [String] = []
        for row in rows {
            let key = "\(row.source)|\(row.metric.rawValue)|\(row.test.rawValue)|\(row.pairs)"
            if cells[key] == nil {
                cells[key] = Summary(source: row.source, metric: row.metric, test: row.test, pairs: row.pairs, replays: [:], confirmed: [:])
                order.append(key)
            }
            cells[key]!.replays[row.truth, default: 0] += row.replays
            cells[key]!.confirmed[row.truth, default: 0] += row.confirmed
        }
        return order.map { cells[$0]! }
    }
}
