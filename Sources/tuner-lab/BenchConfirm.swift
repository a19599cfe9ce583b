import ArgumentParser
import Foundation
import TunerCore
import TunerLab
import TunerRuntime

extension Lab {
    struct BenchConfirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-confirm",
            abstract:
                "Replay confirmations on recorded runs: P(confirmed and wrong) and power of the sign test and the paired t-test (ConfirmationReplay)."
        )

        @Option(help: "A rounds recording (every round runs each setting once): the trials.jsonl of experiments/surface-pairs.yml.")
        var rounds: String?

        @Option(help: "Metrics for --rounds, comma-separated METRIC:min or METRIC:max.")
        var metrics = "throughput_ops_per_sec:max,cpu_per_op_us:min,gc_cpu_share_pct:min"

        @Option(help: "Pair counts for --rounds, comma-separated.")
        var pairs = "3,4,5"

        @Option(help: "A grid's draw sitting (pairs by repeat index), with --truth: e.g. data/surfaces/surface/trials.jsonl.gz.")
        var draw: String?

        @Option(help: "The same grid's other sitting, the truth for --draw: e.g. data/surfaces/surface-heldout/trials.jsonl.gz.")
        var truth: String?

        @Option(help: "Write every row as JSON to this file.")
        var json: String?

        func run() throws {
            var rows: [ConfirmationReplay.Row] = []
            if let rounds {
                let parsed: [(Metric, ObjectiveDirection)] = try metrics.split(separator: ",").map { item in
                    let parts = item.split(separator: ":").map(String.init)
                    guard parts.count == 2, let metric = Metric(rawValue: parts[0]), ["min", "max"].contains(parts[1]) else {
                        throw ValidationError("--metrics: '\(item)' is not METRIC:min or METRIC:max")
                    }
                    return (metric, parts[1] == "max" ? .maximize : .minimize)
                }
                let counts = try pairs.split(separator: ",").map { item in
                    guard let n = Int(item), n >= 2 else { throw ValidationError("--pairs: '\(item)' is not a pair count of at least 2") }
                    return n
                }
                let trials = try TrialsFile.read(path: rounds)
                rows += ConfirmationReplay.rounds(trials: trials, metrics: parsed, tests: PairedTest.allCases, pairCounts: counts)
            }
            if let draw {
                guard let truth else { throw ValidationError("--draw needs --truth: the other sitting of the same grid") }
                rows += ConfirmationReplay.sittings(
                    draw: try TrialsFile.read(path: draw), truth: try TrialsFile.read(path: truth), metric: .throughputOpsPerSecond,
                    direction: .maximize, tests: PairedTest.allCases)
            }
            guard !rows.isEmpty else { throw ValidationError("give --rounds, or --draw with --truth") }
            say(
                "source    metric                  test  pairs  replays(better/worse/unclear/same)  confirmed(better/worse/unclear/same)  P(conf&wrong)  power"
            )
            for summary in ConfirmationReplay.summaries(rows) {
                func counts(_ d: [ConfirmationReplay.Truth: Int]) -> String {
                    ConfirmationReplay.Truth.allCases.map { String(d[$0] ?? 0) }.joined(separator: "/")
                }
                func rate(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
                say(
                    "\(summary.source.padding(toLength: 9, withPad: " ", startingAt: 0)) \(summary.metric.rawValue.padding(toLength: 23, withPad: " ", startingAt: 0)) \(summary.test.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(String(summary.pairs).padding(toLength: 6, withPad: " ", startingAt: 0)) \(counts(summary.replays).padding(toLength: 35, withPad: " ", startingAt: 0)) \(counts(summary.confirmed).padding(toLength: 37, withPad: " ", startingAt: 0)) \(rate(summary.wrongRate).padding(toLength: 14, withPad: " ", startingAt: 0)) \(rate(summary.power))"
                )
            }
            say(
                "(per cell: the candidate against the default in every ordered pair of settings; wrong = confirmed while the truth is worse or same)"
            )
            for row in rows where row.source == "rounds" && row.baseline != row.candidate && row.confirmed > 0 && row.truth != .better {
                say(
                    "  confirmed without a better truth: \(row.candidate) against \(row.baseline), \(row.metric.rawValue), \(row.test.rawValue), \(row.pairs) pairs: \(row.confirmed) of \(row.replays) (truth \(row.truth.rawValue))"
                )
            }
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
            }
        }
    }
}
