import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct BenchSearch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-search",
            abstract: "Compare search strategies on a recorded surface (trials to 95 % of the true hypervolume, hypervolume after 10/20/40 trials).")

        @Option(help: "Recorded surface: a trials.jsonl of a dense grid study.")
        var surface: String

        @Option(help: "Seeds per strategy.")
        var seeds = 20

        @Option(help: "Trials per run.")
        var budget = 40

        @Option(help: "Strategies tuner runs itself (comma-separated: tuner, grid, random).")
        var strategies = "tuner,grid,random"

        @Option(help: "JSON files of other strategies' sequences ({\"strategy\": NAME, \"sequences\": [[{\"gogc\": \"100\", \"gomemlimit\": \"off\"}, …], …]}).")
        var sequences: [String] = []

        @Option(help: "Write the table as JSON here too.")
        var json: String?

        struct External: Decodable {
            struct Point: Decodable { var gogc: String; var gomemlimit: String }
            var strategy: String
            var sequences: [[Point]]
        }

        func run() throws {
            let evaluator: ReplayEvaluator
            do { evaluator = try ReplayEvaluator(trialsFile: surface) } catch {
                Diagnostics.error("--surface \(surface): \(error)")
                throw ExitCode.failure
            }
            let bench = SearchBenchmark(evaluator: evaluator, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)])
            say("surface: \(evaluator.surface.count) settings, \(evaluator.surface.values.map(\.count).reduce(0, +)) recorded trials; true hypervolume \(formatFixed(bench.trueVolume, decimals: 1)) (pause p99 ms × ops/s, reference = nadir)")
            var runs: [(String, [[GCSetting]])] = []
            for name in strategies.split(separator: ",").map(String.init) {
                let started = monotonicSeconds()
                let sequences: [[GCSetting]] = (0..<seeds).map { seed in
                    switch name {
                    case "tuner": return bench.surrogateSequence(seed: UInt64(seed) + 1, budget: budget)
                    case "grid": return bench.gridSequence(seed: UInt64(seed) + 1, budget: budget)
                    case "random": return bench.randomSequence(seed: UInt64(seed) + 1, budget: budget)
                    default: return []
                    }
                }
                guard sequences.allSatisfy({ !$0.isEmpty }) else {
                    Diagnostics.error("--strategies: unknown strategy '\(name)'; use tuner, grid or random")
                    throw ExitCode.failure
                }
                Diagnostics.note("\(name): \(seeds) seeds in \(formatFixed(monotonicSeconds() - started, decimals: 1)) s")
                runs.append((name, sequences))
            }
            for path in sequences {
                guard let data = FileManager.default.contents(atPath: path),
                      let external = try? JSONDecoder().decode(External.self, from: data) else {
                    Diagnostics.error("--sequences \(path): not a readable sequences file")
                    throw ExitCode.failure
                }
                let parsed = try external.sequences.map { run in
                    try run.map { point in
                        GCSetting(gogc: point.gogc == "off" ? nil : Int(point.gogc),
                                  memoryLimitBytes: point.gomemlimit == "off" ? nil : try ByteSize.parse(point.gomemlimit))
                    }
                }
                runs.append((external.strategy, parsed))
            }

            let checkpoints = [10, 20, 40]
            var rows = [["strategy", "seeds", "trials to 95% HV (mean ± sd)", "reached"] + checkpoints.map { "HV@\($0) (% of true)" }]
            var export: [[String: String]] = []
            for (name, sequences) in runs {
                let traces = sequences.map(bench.trace)
                let reached = traces.compactMap { bench.trialsToReach(0.95, $0) }
                // Runs that never reach 95 % count as the whole surface (every setting once).
                let counts = traces.map { Double(bench.trialsToReach(0.95, $0) ?? max(bench.truth.count, budget)) }
                let mean = Statistics.mean(counts) ?? 0
                let sd = Statistics.standardDeviation(counts) ?? 0
                var row = [name, "\(sequences.count)", "\(formatFixed(mean, decimals: 1)) ± \(formatFixed(sd, decimals: 1))", "\(reached.count)/\(traces.count)"]
                var record = ["strategy": name, "trials_to_95_mean": formatFixed(mean, decimals: 2), "reached": "\(reached.count)/\(traces.count)"]
                for checkpoint in checkpoints {
                    let values = traces.map { trace in (trace.isEmpty ? 0 : trace[min(checkpoint, trace.count) - 1]) / bench.trueVolume * 100 }
                    row.append("\(formatFixed(Statistics.mean(values) ?? 0, decimals: 1)) ± \(formatFixed(Statistics.standardDeviation(values) ?? 0, decimals: 1))")
                    record["hv_at_\(checkpoint)_pct"] = formatFixed(Statistics.mean(values) ?? 0, decimals: 2)
                }
                rows.append(row)
                export.append(record)
            }
            let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
            for row in rows {
                say(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
            say("Unreached runs count as \(max(bench.truth.count, budget)) trials (the whole surface). HV@t: hypervolume of the true values of the settings measured in the first t trials.")
            if let json {
                let data = try JSONSerialization.data(withJSONObject: export, options: [.prettyPrinted, .sortedKeys])
                try data.write(to: URL(fileURLWithPath: json))
            }
        }
    }
}
