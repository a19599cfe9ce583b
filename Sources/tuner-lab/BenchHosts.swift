import ArgumentParser
import Foundation
import TunerCore
import TunerFakes
import TunerLab
import TunerRuntime

extension Lab {
    struct BenchHosts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-hosts",
            abstract:
                "Replay a shared study on two hosts, one 20 % slower: what scaling each host's figures through its Go default buys the search (HostsBenchmark)."
        )

        @Option(help: "Recorded surface: a trials.jsonl of a dense grid study.")
        var surface = "data/surfaces/surface/trials.jsonl.gz"

        @Option(help: "Seeds per arm (1...N).")
        var seeds = 5

        @Option(help: "Trials per run.")
        var trials = 30

        @Option(help: "What host b's throughput is multiplied by.")
        var slowdown = 0.8

        @Option(help: "How many times host b measures its own Go default (a noise check's runs; 1 without).")
        var hostDefaults = 1

        func run() throws {
            let bench = HostsBenchmark(
                bench: SearchBenchmark(evaluator: try ReplayEvaluator(trialsFile: surface)), slowdown: slowdown, hostDefaults: hostDefaults)
            let checkpoints = [10, 20, 30].filter { $0 <= trials }
            say(
                "arm  seeds  share of true hypervolume after \(checkpoints.map(String.init).joined(separator: " | ")) trials, mean [min, max]  |  true throughput of the recommendation (best throughput) / best on the grid, mean [min, max]"
            )
            func summary(_ values: [Double]) -> String {
                guard !values.isEmpty else { return "-" }
                let mean = values.reduce(0, +) / Double(values.count)
                return
                    "\(formatFixed(mean * 100, decimals: 1)) % [\(formatFixed((values.min() ?? 0) * 100, decimals: 1)), \(formatFixed((values.max() ?? 0) * 100, decimals: 1))]"
            }
            for arm in HostsBenchmark.Arm.allCases {
                let runs = (1...max(seeds, 1)).map { bench.run(arm, seed: UInt64($0), budget: trials) }
                let columns = checkpoints.map { t in summary(runs.map { $0.hypervolumeShares[min(t, $0.hypervolumeShares.count) - 1] }) }
                let recommended = runs.map { $0.recommendation?.description ?? "none" }.joined(separator: "; ")
                say(
                    "\(arm.rawValue)  \(runs.count)  \(columns.joined(separator: " | "))  |  \(summary(runs.compactMap(\.recommendationThroughputShare)))  (\(recommended))"
                )
            }
        }
    }
}
