import Foundation
import TunerCore

/// Renders a stored ``Verification``: the table `tuner verify` prints, the lines of the study
/// summary and of the env file header. Every figure carries its interval and pair count.
public enum VerificationRenderer {
    /// The full table: per level, each metric for the default and the recommendation (median
    /// [95 % interval], n runs), the paired change, the margin to the limit and the flags.
    public static func table(_ verification: Verification) -> String {
        var out = [
            verification.plannedLevels.isEmpty
                ? "Verification of \(verification.candidate) against the Go default: a soak"
                : "Verification of \(verification.candidate) against the Go default: \(verification.pairsPerLevel) alternating pair(s) per level, each run \(DurationText.format(verification.warmupSeconds)) warm-up + \(DurationText.format(verification.durationSeconds)) measured"
        ]
        for level in verification.levels {
            out.append("")
            out.append("\(level.level) — \(level.pairs) pair(s) — \(level.held ? "held" : "NOT HELD")")
            var rows = [["  metric", "default", "recommended", "change (paired)"]]
            for row in level.rows {
                rows.append([
                    "  \(row.metric.label)", row.baseline.map { estimate($0, row.metric) } ?? "–",
                    row.candidate.map { estimate($0, row.metric) } ?? "–", row.change.map(ReportRenderer.percent) ?? "–",
                ])
            }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                out.append(
                    row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                        .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            }
            if let margin = level.margin { out.append("  margin: \(margin.summary)") }
            if let profiles = level.profiles { out.append(contentsOf: profileLines(profiles)) }
            for failure in level.failures { out.append("  failed run: \(failure)") }
            for flag in level.flags { out.append("  FLAG: \(flag)") }
        }
        for result in verification.soak ?? [] {
            out.append(contentsOf: [""] + soakLines(result, baseline: result.setting.isGoDefault ? nil : verification.baselineSoak))
        }
        let missing = verification.plannedLevels.filter { planned in !verification.levels.contains { $0.level == planned } }
        if !missing.isEmpty { out.append("\nNot run (stopped): \(missing.map(\.description).joined(separator: "; "))") }
        out.append("")
        out.append("Verdict: \(verification.headline)")
        return out.joined(separator: "\n")
    }

    /// The GC's share from CPU profiles against runtime/metrics', and the call graphs.
    static func profileLines(_ p: LevelVerification.ProfileComparison) -> [String] {
        func share(_ e: Estimate?) -> String {
            guard let e else { return "–" }
            let m = Metric.gcCPUSharePercent
            if e.sampleCount < 2 { return "\(m.format(e.value)) % (n=\(e.sampleCount))" }
            return "\(m.format(e.value)) % [\(m.format(e.lower)), \(m.format(e.upper))] n=\(e.sampleCount)"
        }
        var out = [
            "  GC share of CPU from CPU profiles (mark workers + assists): default \(share(p.baselineMark)), recommended \(share(p.candidateMark))",
            "    with sweeping and allocation slow paths: default \(share(p.baselineAll)), recommended \(share(p.candidateAll))",
            "    runtime/metrics over the same windows: default \(share(p.baselineRuntime)), recommended \(share(p.candidateRuntime)); "
                + (p.agree.map { $0 ? "agree" : "DISAGREE" } ?? "not compared")
                + " within \(formatFixed(LevelVerification.ProfileComparison.tolerancePoints, decimals: 0)) points",
        ]
        for graph in p.callGraphs { out.append("    call graph: \(graph)") }
        return out
    }

    /// "1234 [1200, 1250] n=3".
    static func estimate(_ estimate: Estimate, _ metric: Metric) -> String {
        if estimate.sampleCount < 2 { return "\(metric.format(estimate.value)) (n=\(estimate.sampleCount))" }
        return
            "\(metric.format(estimate.value)) [\(metric.format(estimate.lower)), \(metric.format(estimate.upper))] n=\(estimate.sampleCount)"
    }

    /// One level in a line: the judged changes, the margin, held or its flags.
    static func levelLine(_ level: LevelVerification) -> String {
        var parts: [String] = []
        for metric in [Metric.throughputOpsPerSecond, .latencyP99Millis, .cpuPerOpMicros] {
            if let change = level.row(metric)?.change { parts.append("\(metric.rawValue) \(shortPercent(change))") }
        }
        if let margin = level.margin {
            parts.append(
                "limit \(formatFixed(margin.multiple, decimals: 2))× the peak live heap (\(ByteSize.human(margin.peakLiveHeapBytes)))")
        }
        let verdict = level.held ? "held" : "NOT HELD: " + level.flags.joined(separator: "; ")
        return "\(level.level) [\(level.pairs) pairs]: \(parts.joined(separator: ", ")); \(verdict)"
    }

    /// "+21.3 % [+12.6, +30.1]".
    static func shortPercent(_ estimate: Estimate) -> String {
        func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + formatFixed(value * 100, decimals: 1) }
        return "\(signed(estimate.value)) % [\(signed(estimate.lower)), \(signed(estimate.upper))]"
    }

    /// A soak's lines: span, each budget met / not met with its figure, leak signals, profiles.
    /// - Parameter baseline: the default's soak, for a recommendation's: a leak signal it shows
    ///   alike is said to be the service's, and does not count against the recommendation.
    public static func soakLines(_ result: SoakResult, baseline: SoakResult? = nil) -> [String] {
        let span = result.samples.last.map { DurationText.format($0.elapsedSeconds.rounded()) } ?? "0s"
        var out = [
            "Soak of \(result.setting.isGoDefault ? "the Go default" : result.setting.description): \(span), \(result.samples.count) readings, the first \(DurationText.format(result.warmupSeconds.rounded())) warm-up — \(result.held(beyond: baseline) ? "held" : "NOT HELD")"
        ]
        let shared = result.sharedLeaks(with: baseline).map(\.kind)
        for check in result.checks {
            let verdict = check.met.map { $0 ? "met" : "NOT MET" } ?? "not measured"
            out.append("  \(check.name) <= \(formatFixed(check.bound, decimals: 0)): \(verdict): \(check.text)")
        }
        for leak in result.leaks {
            let alike =
                shared.contains(leak.kind)
                ? ", as in the default's soak (its rate's interval reaches this one's: the service's or its load's, not this setting's)"
                : ""
            out.append("  LEAK (\(leak.kind.rawValue))\(alike): \(leak.explanation)")
        }
        if result.leaks.isEmpty && result.samples.count >= 5 {
            out.append("  no leak signal (goroutines, live heap after GC, RSS beyond the Go runtime)")
        }
        for (name, path) in result.profiles.sorted(by: { $0.key < $1.key }) { out.append("  profile \(name): \(path)") }
        for (kind, top) in result.profileGrowth.sorted(by: { $0.key < $1.key }) {
            out.append("  top \(kind) growth (go tool pprof -top -diff_base start end):")
            out.append(contentsOf: top.split(separator: "\n").map { "    \($0)" })
        }
        return out
    }

    /// One line per soak budget of the recommendation's soak.
    static func soakSummary(_ verification: Verification) -> [String] {
        guard let result = verification.candidateSoak else { return [] }
        let span = result.samples.last.map { DurationText.format($0.elapsedSeconds.rounded()) } ?? "0s"
        let own = result.leaks(beyond: verification.baselineSoak).map(\.kind.rawValue)
        let shared = result.sharedLeaks(with: verification.baselineSoak).map(\.kind.rawValue)
        var leakText = own.isEmpty ? "; no leak signal of its own" : "; LEAK: " + own.joined(separator: ", ")
        if !shared.isEmpty { leakText += "; as in the default's soak: " + shared.joined(separator: ", ") }
        return [
            "soak (\(span)): "
                + result.checks.map { "\($0.name) \($0.met.map { $0 ? "met" : "NOT MET" } ?? "not measured") (\($0.text))" }
                .joined(separator: "; ") + leakText
        ]
    }

    /// The study summary's lines.
    public static func summaryLines(_ verification: Verification) -> [String] {
        ["Verification (tuner verify): \(verification.headline)."]
            + (verification.levels.map(levelLine) + soakSummary(verification)).map { "  " + $0 }
    }

    /// The env file header's lines (`# ` comments).
    public static func envHeaderLines(_ verification: Verification) -> [String] {
        ["# verification (tuner verify): \(verification.headline)"]
            + (verification.levels.map(levelLine) + soakSummary(verification)).map { "#   " + $0 }
    }
}
