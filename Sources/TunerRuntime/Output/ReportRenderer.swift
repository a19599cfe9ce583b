import Foundation
import TunerCore

/// Renders a `FrontierReport` for a terminal, as an env file, and as JSON.
public enum ReportRenderer {
    /// `value [lower, upper]` in the metric's format; single-sample estimates show `(n=1)`.
    static func cell(_ estimate: Estimate?, _ metric: Metric) -> String {
        guard let estimate else { return "-" }
        let value = metric.format(estimate.value)
        if estimate.isSingleSample { return "\(value) (n=1)" }
        if estimate.lower == estimate.upper { return value }
        return "\(value) [\(metric.format(estimate.lower)), \(metric.format(estimate.upper))]"
    }

    /// The frontier table: every setting, frontier members first.
    public static func table(_ report: FrontierReport) -> String {
        let (headers, lines) = frontierCells(report)
        return align([headers] + lines)
    }

    /// The frontier table as Markdown (the same cells as the terminal table).
    public static func markdown(_ report: FrontierReport) -> String {
        let (headers, lines) = frontierCells(report)
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var header = headers
        header[0] = "mark"
        return ([row(header), row(header.map { _ in "---" })] + lines.map(row)).joined(separator: "\n") + "\n"
    }

    /// One CSV row per setting with raw values: for every metric measured, its median and
    /// interval bounds (metric units: ms, ops/s, bytes, percent) and its sample count.
    public static func csv(_ report: FrontierReport) -> String {
        let metrics = Metric.allCases.filter { metric in report.rows.contains { $0.metrics[metric] != nil } }
        var header = [
            "gogc", "gomemlimit", "measured", "failed", "on_frontier", "frontier_probability", "feasible", "default", "recommended",
        ]
        for metric in metrics {
            header += [metric.rawValue, "\(metric.rawValue)_lower", "\(metric.rawValue)_upper", "\(metric.rawValue)_n"]
        }
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [header.joined(separator: ",")]
        for (index, row) in report.rows.enumerated() {
            var cells: [String] = [
                row.setting.gogcValue, row.setting.memoryLimitValue, String(row.measuredTrials), String(row.failedTrials),
                String(row.onFrontier), String(row.frontierProbability), String(row.isFeasible),
                String(index == report.baselineIndex), String(index == report.recommendationIndex),
            ]
            for metric in metrics {
                if let e = row.metrics[metric] {
                    cells += [String(e.value), String(e.lower), String(e.upper), String(e.sampleCount)]
                } else {
                    cells += ["", "", "", "0"]
                }
            }
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Header and cells of the frontier table, frontier members first. The service's CPU per
    /// operation and the GC's share of it get columns when the trials measured them.
    static func frontierCells(_ report: FrontierReport) -> (headers: [String], lines: [[String]]) {
        let showsCPU = report.rows.contains { $0.metrics[.cpuPerOpMicros] != nil || $0.metrics[.gcCPUSharePercent] != nil }
        var headers = [
            "", "GOGC", "GOMEMLIMIT", "n", "pause p50 ms", "pause p99 ms [95% CI]", "pause max ms", "pause ms/s",
            "throughput ops/s [95% CI]", "latency p99 ms", "peak RSS", "RSS %/min (2nd half)", "GCs", "P(front)", "constraints",
        ]
        if showsCPU { headers.insert(contentsOf: ["CPU/op µs [95% CI]", "GC share of CPU %"], at: 10) }
        let order = report.rows.indices.sorted { a, b in
            let ra = report.rows[a]
            let rb = report.rows[b]
            if ra.onFrontier != rb.onFrontier { return ra.onFrontier }
            let ta = ra.metrics[.throughputOpsPerSecond]?.value ?? 0
            let tb = rb.metrics[.throughputOpsPerSecond]?.value ?? 0
            return ta > tb
        }
        var lines: [[String]] = []
        for index in order {
            let row = report.rows[index]
            var mark = row.onFrontier ? "*" : " "
            if row.membership == .uncertain { mark += "?" }
            if index == report.recommendationIndex { mark = "=>" + mark }
            if index == report.baselineIndex { mark += "d" }
            if report.surrogateRecommendation?.region?.members.contains(row.setting) == true { mark += "~" }
            let constraints: String
            if row.measuredTrials == 0 {
                constraints = "failed"
            } else if report.constraints.isEmpty {
                constraints = "-"
            } else if row.isFeasible {
                constraints = row.undecidedConstraints.isEmpty ? "met" : "met?"
            } else {
                constraints = "no: " + row.violatedConstraints.map(\.metric.rawValue).joined(separator: ",")
            }
            var cells: [String] = [
                mark, row.setting.gogcValue, row.setting.memoryLimitValue,
                row.failedTrials > 0 ? "\(row.measuredTrials)+\(row.failedTrials)f" : "\(row.measuredTrials)",
                row.metrics[.pauseP50Millis].map { Metric.pauseP50Millis.format($0.value) } ?? "-",
                cell(row.metrics[.pauseP99Millis], .pauseP99Millis),
                row.metrics[.pauseMaxMillis].map { Metric.pauseMaxMillis.format($0.value) } ?? "-",
                row.metrics[.pauseMillisPerSecond].map { Metric.pauseMillisPerSecond.format($0.value) } ?? "-",
                cell(row.metrics[.throughputOpsPerSecond], .throughputOpsPerSecond),
                row.metrics[.latencyP99Millis].map { Metric.latencyP99Millis.format($0.value) } ?? "-",
                row.metrics[.rssPeakBytes].map { Metric.rssPeakBytes.format($0.value) } ?? "-",
                row.metrics[.rssTrendPercentPerMinute].map { "\(formatFixed($0.value, decimals: 0))\($0.isSingleSample ? " (n=1)" : "")" }
                    ?? "-",
                row.metrics[.gcCount].map { Metric.gcCount.format($0.value) } ?? "-",
                row.measuredTrials > 0 ? formatFixed(row.frontierProbability, decimals: 2) : "-",
                constraints,
            ]
            if showsCPU {
                cells.insert(
                    contentsOf: [
                        cell(row.metrics[.cpuPerOpMicros], .cpuPerOpMicros),
                        row.metrics[.gcCPUSharePercent].map { Metric.gcCPUSharePercent.format($0.value) } ?? "-",
                    ], at: 10)
            }
            lines.append(cells)
        }
        return (headers, lines)
    }

    /// Left-aligns columns with two spaces between them.
    static func align(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    /// "+12.3 % [+8.1, +15.0]" for a relative change.
    static func percent(_ estimate: Estimate) -> String {
        func signed(_ value: Double) -> String { (value >= 0 ? "+" : "") + formatFixed(value * 100, decimals: 1) }
        if estimate.lower == estimate.upper { return "\(signed(estimate.value)) % (n=\(estimate.sampleCount), no interval)" }
        return
            "\(signed(estimate.value)) % [\(signed(estimate.lower)), \(signed(estimate.upper))] (\(Int(estimate.level * 100)) % CI, n=\(estimate.sampleCount))"
    }

    /// The full terminal summary: table, legend, recommendation, noise, tuner overhead.
    public static func summary(_ report: FrontierReport, envFilePath: String?) -> String {
        var out: [String] = []
        let objectiveText = report.objectives.map { "\($0.direction == .minimize ? "minimise" : "maximise") \($0.metric.rawValue)" }.joined(
            separator: ", ")
        out.append("Frontier of study '\(report.study)' (\(objectiveText)); medians over repeats with 95 % bootstrap intervals:")
        out.append("")
        out.append(table(report))
        out.append("")
        out.append(
            "* = on the Pareto frontier of the medians; ? = membership uncertain (P(front) in (0.1, 0.9) or one repeat); d = Go default; => = recommended\(report.surrogateRecommendation?.region == nil ? "" : "; ~ = in the plateau (below)")."
        )
        out.append(
            "RSS %/min (2nd half) = least-squares trend of RSS over the second half of the measured window, % of its mean per minute (the heap's fill after start-up excluded; seconds of it are no leak test)."
        )
        out.append(
            "P(front) = share of bootstrap resamples of the repeats in which the setting is non-dominated. Trials: \(report.totalTrials) (\(report.failedTrials) failed)."
        )
        if !report.constraints.isEmpty {
            out.append(
                "Constraints: \(report.constraints.map(\.description).joined(separator: ", ")) (judged on medians; met? = interval straddles a bound)."
            )
        }
        if let plot = FrontierPlot.render(report) { out += ["", plot] }
        out.append("")
        out.append("Study rule: \(report.ruleText).")
        out.append("Chosen by: \(report.decidingRule).")
        if let warning = report.separationWarning { out.append("WARNING: \(warning)") }
        if let surrogate = report.surrogateRecommendation {
            let predicted = surrogate.predicted.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue) ≈ \($0.key.format($0.value))" }.joined(separator: ", ")
            out.append("Surrogate's choice: \(surrogate.setting) (predicted \(predicted)).")
            if let region = surrogate.region { out.append("Plateau: \(region.summary).") }
        }
        if let confirmation = report.confirmation {
            out.append(
                "Confirmation (\(confirmation.changes.first?.change.sampleCount ?? 0) alternating pairs against the default): \(confirmation.verdict)."
            )
            if let profiles = confirmation.profiles {
                out.append("Why it wins, from CPU profiles of the confirmation runs:")
                out.append(contentsOf: VerificationRenderer.profileLines(profiles))
            }
        }
        if let row = report.recommendation {
            out.append("Recommended: \(row.setting)  — \(report.recommendationExplanation)")
            if row.setting.isGoDefault {
                out.append(
                    report.confirmation.map { $0.confirmed } == false
                        ? "Keep the Go default: the candidate did not beat it in the alternating confirmation runs."
                        : "The Go default is the best setting the rule found: keep it.")
            } else {
                for change in report.changesVersusDefault {
                    out.append("  \(change.metric.label) vs default: \(percent(change.relative))")
                }
            }
        } else {
            out.append("No recommendation: \(report.recommendationExplanation)")
        }
        if let verification = report.verification, verification.candidate == report.recommendation?.setting {
            out.append(contentsOf: VerificationRenderer.summaryLines(verification))
        }
        if let bound = report.gcBound {
            func percent(_ fraction: Double) -> String { "\(formatFixed(fraction * 100, decimals: 1)) %" }
            out.append(
                "What tuning can win: the GC took \(percent(bound.share)) [\(percent(bound.low)), \(percent(bound.high))] of the service's CPU at the Go default (\(bound.runs) runs): no setting returns more than about \(percent(bound.high)) of it; on a CPU-saturated service, at most +\(percent(bound.throughputGainBound)) throughput."
            )
        }
        if !report.baselineNoise.isEmpty {
            let parts = report.baselineNoise.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                "\($0.key.rawValue) \(formatFixed($0.value * 100, decimals: 1)) %"
            }
            let n = report.baseline?.measuredTrials ?? 0
            out.append("Noise (coefficient of variation across \(n) repeats of the default): \(parts.joined(separator: ", ")).")
        }
        if let median = report.tunerCPUSecondsPerTrialMedian, let max = report.tunerCPUSecondsPerTrialMax {
            let share =
                report.tunerCPUShareDuringLoad.map { "; while the load ran: \(formatFixed($0 * 100, decimals: 2)) % of one core (median)" }
                ?? ""
            out.append(
                "Tuner's own CPU per trial: median \(formatFixed(median, decimals: 3)) s, max \(formatFixed(max, decimals: 3)) s\(share).")
        }
        out.append(contentsOf: report.measuredWith)
        if let hosts = report.hosts { out.append(contentsOf: hosts.lines) }
        if let envFilePath { out.append("Env file: \(envFilePath)") }
        return out.joined(separator: "\n")
    }

    /// The deployable env file: GOGC and GOMEMLIMIT in Go's syntax under a comment header.
    public static func envFile(_ report: FrontierReport, specPath: String, date: Date = Date()) -> String? {
        guard let row = report.recommendation else { return nil }
        var lines = [
            "# tuner recommendation for study '\(report.study)' (\(specPath))",
            "# written \(ISO8601DateFormatter().string(from: date)); study rule: \(report.ruleText)",
            "# chosen by: \(report.decidingRule)",
        ]
        // A confirmed candidate's explanation is its source and its verdict, which the lines
        // above and `# confirmation:` below already say; otherwise it says what they do not
        // (why the default is kept, what the refuted candidate showed).
        let confirmedCandidate = report.confirmation.map { $0.confirmed && $0.candidate == row.setting } ?? false
        if !confirmedCandidate { lines.append("# \(report.recommendationExplanation)") }
        if let confirmation = report.confirmation, confirmation.candidate == row.setting {
            lines.append(
                "# measured against the Go default (GOGC=100, no limit) in \(confirmation.changes.first?.change.sampleCount ?? 0) alternating pairs:"
            )
        } else if !row.setting.isGoDefault {
            lines.append(
                "# measured against the Go default (GOGC=100, no limit): medians of \(row.measuredTrials) trial(s) of this setting and \(report.baseline?.measuredTrials ?? 0) of the default:"
            )
        }
        if row.setting.isGoDefault, report.keptDefaultBecause == nil {
            lines.append(
                report.confirmation.map { $0.confirmed } == false
                    ? "#   this is Go's default: the candidate above was not confirmed against it"
                    : "#   this is Go's default: no measured setting beat it by the rule")
        } else {
            for change in report.changesVersusDefault {
                lines.append("#   \(change.metric.rawValue): \(percent(change.relative))")
            }
            if report.changesVersusDefault.isEmpty { lines.append("#   (the default was not measured successfully: no comparison)") }
        }
        if let confirmation = report.confirmation { lines.append("# confirmation: \(confirmation.verdict)") }
        if let limit = row.setting.memoryLimitBytes, let live = row.metrics[.liveHeapPeakBytes], live.value > 0 {
            let ratio = formatFixed(Double(limit) / live.value, decimals: 1)
            lines.append(
                "# GOMEMLIMIT=\(ByteSize.goSyntax(limit)) is \(ratio)× the peak live heap measured with it (\(ByteSize.human(live.value)), median of \(live.sampleCount) trial(s)): if your production live heap differs, keep the ratio, not the bytes"
            )
        }
        if let region = report.surrogateRecommendation?.region {
            lines.append("# plateau: \(region.summary)")
        }
        if let verification = report.verification, verification.candidate == row.setting {
            lines.append(contentsOf: VerificationRenderer.envHeaderLines(verification))
        }
        if let warning = report.separationWarning { lines.append("# WARNING: \(warning)") }
        lines.append("GOGC=\(row.setting.gogcValue)")
        lines.append("GOMEMLIMIT=\(row.setting.memoryLimitValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON export of the report (one object; rows with every metric's estimate).
    public static func json(_ report: FrontierReport) throws -> Data {
        struct Export: Encodable {
            struct Row: Encodable {
                var gogc: String
                var gomemlimit: String
                var measured: Int
                var failed: Int
                var on_frontier: Bool
                var frontier_probability: Double
                var membership: String
                var feasible: Bool
                var violated: [String]
                var metrics: [String: Estimate]
            }
            var study: String
            var status: String
            var objectives: [String]
            var constraints: [String]
            var rule: String
            var chosen_by: String
            var recommended: String?
            var explanation: String
            var change_vs_default: [String: Estimate]
            var baseline_cv: [String: Double]
            var tuner_cpu_seconds_per_trial_median: Double?
            var separation: [Separation]
            var surrogate: SurrogateRecommendation?
            var confirmation: Confirmation?
            var rows: [Row]
            /// A study measured on several hosts: the reference host, each host's default against
            /// it, and the factors that put a host's figures on its scale.
            struct Hosts: Encodable {
                struct Difference: Encodable {
                    var host: String
                    var metric: String
                    var relative: Double
                    var noise_bound: Double?
                    var beyond_noise: Bool
                }
                var reference: String
                var default_trials: [String: Int]
                var differences: [Difference]
                var scaled: [String: [String: Double]]
            }
            var hosts: Hosts?
        }
        let hosts = report.hosts.map { hosts in
            Export.Hosts(
                reference: hosts.agreement.reference, default_trials: hosts.agreement.defaultTrials,
                differences: hosts.agreement.differences.map {
                    Export.Hosts.Difference(
                        host: $0.host, metric: $0.metric.rawValue, relative: $0.relative, noise_bound: $0.noiseBound,
                        beyond_noise: $0.beyondNoise)
                },
                scaled: hosts.factors.mapValues { factors in
                    Dictionary(uniqueKeysWithValues: factors.map { ($0.key.rawValue, $0.value) })
                })
        }
        let export = Export(
            study: report.study,
            status: report.isInterim
                ? "in progress: \(report.totalTrials) trial(s) so far; the recommendation is the rule's pick so far, unconfirmed (rewritten after every trial)"
                : "decided",
            objectives: report.objectives.map { "\($0.direction.rawValue) \($0.metric.rawValue)" },
            constraints: report.constraints.map(\.description),
            rule: report.ruleText, chosen_by: report.decidingRule,
            recommended: report.recommendation?.setting.description, explanation: report.recommendationExplanation,
            change_vs_default: Dictionary(uniqueKeysWithValues: report.changesVersusDefault.map { ($0.metric.rawValue, $0.relative) }),
            baseline_cv: Dictionary(uniqueKeysWithValues: report.baselineNoise.map { ($0.key.rawValue, $0.value) }),
            tuner_cpu_seconds_per_trial_median: report.tunerCPUSecondsPerTrialMedian,
            separation: report.separation, surrogate: report.surrogateRecommendation, confirmation: report.confirmation,
            rows: report.rows.map { row in
                Export.Row(
                    gogc: row.setting.gogcValue, gomemlimit: row.setting.memoryLimitValue,
                    measured: row.measuredTrials, failed: row.failedTrials, on_frontier: row.onFrontier,
                    frontier_probability: row.frontierProbability, membership: row.membership.rawValue,
                    feasible: row.isFeasible, violated: row.violatedConstraints.map(\.description),
                    metrics: Dictionary(uniqueKeysWithValues: row.metrics.map { ($0.key.rawValue, $0.value) }))
            }, hosts: hosts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(export)
    }
}
