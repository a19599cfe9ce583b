#if Postgres
    import ArgumentParser
    import Foundation
    import TunerCore
    import TunerFakes
    @_spi(Lab) import TunerLab
    import TunerRuntime

    #if canImport(Glibc)
        import Glibc
    #endif

    extension Lab {
        struct BenchWorkers: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "bench-workers",
                abstract:
                    "Many lightweight workers on one shared study against a replayed surface: claims per second, the database's CPU, claim and proposal time as pending trials grow (experiments/bench/README.md)."
            )

            @Option(help: "Recorded surface: a trials.jsonl of a dense grid study.")
            var surface = "data/surfaces/surface/trials.jsonl.gz"

            @Option(help: "Study spec whose objectives and sampler the workers use (its space is replaced by the surface's grid).")
            var spec = "experiments/baseline.yml"

            @Option(help: "Worker counts to run, comma-separated (each on a study of its own).")
            var workers = "1,10,100"

            @Option(help: "Search trials per run (budget.trials).")
            var trials = 200

            @Option(help: "Sampler: surrogate (the spec's own search) or grid (a plan, no model: the database's cost alone).")
            var sampler = "surrogate"

            @Option(help: "The shared store (default: a throwaway PostgreSQL server started here, stopped after).")
            var storage: String?

            @Option(
                help:
                    "Instead of the workers: the sampler's proposal time after N finished trials with each of these counts of pending trials, comma-separated (in-process, no database)."
            )
            var proposalPending: String?

            @Option(help: "For --proposal-pending: finished trials before the proposals.")
            var finished = 40

            @Option(
                help:
                    "Instead of the workers: what the constant liar costs the search, for each of these worker counts (comma-separated): the share of the true hypervolume after 10/20/40 trials, mean over --seeds, on the replay (in-process)."
            )
            var liarCost: String?

            @Option(help: "For --liar-cost: seeds per worker count.")
            var seeds = 5

            func run() throws {
                var study = try SpecLoader.load(path: spec)
                let replay = try ReplayEvaluator(trialsFile: surface)
                study.space = replay.space
                study.budget.trials = trials
                study.budget.sampler = sampler == "grid" ? .grid : .surrogate
                study.budget.settings = trials
                if let liarCost {
                    let bench = SearchBenchmark(evaluator: replay)
                    say("workers  seeds  share of true hypervolume after 10 | 20 | 40 trials, mean [min, max]")
                    for workers in liarCost.split(separator: ",").compactMap({ Int($0) }) {
                        let traces = (1...max(seeds, 1)).map { seed in
                            bench.trace(bench.parallelSurrogateSequence(seed: UInt64(seed), budget: 40, workers: workers))
                        }
                        let columns = [10, 20, 40].map { t -> String in
                            let shares = traces.map { $0[min(t, $0.count) - 1] / bench.trueVolume * 100 }
                            let mean = shares.reduce(0, +) / Double(shares.count)
                            return
                                "\(formatFixed(mean, decimals: 1)) % [\(formatFixed(shares.min() ?? 0, decimals: 1)), \(formatFixed(shares.max() ?? 0, decimals: 1))]"
                        }
                        say("\(workers)  \(traces.count)  \(columns.joined(separator: " | "))")
                    }
                    return
                }
                if let proposalPending {
                    let bench = WorkerBenchmark(
                        spec: study, replay: replay,
                        location: StoreLocation.Postgres(user: "", password: nil, host: "unused", port: 0, database: "unused"))
                    say("finished  pending  proposal ms: median [min, max] of 3")
                    for (pending, seconds) in bench.proposalSeconds(
                        finished: finished, pending: proposalPending.split(separator: ",").compactMap { Int($0) })
                    {
                        let millis = seconds.map { $0 * 1000 }.sorted()
                        say(
                            "\(finished)  \(pending)  \(formatFixed(millis[millis.count / 2], decimals: 1)) [\(formatFixed(millis.first ?? 0, decimals: 1)), \(formatFixed(millis.last ?? 0, decimals: 1))]"
                        )
                    }
                    return
                }
                var cluster: TestPostgresCluster?
                let location: StoreLocation.Postgres
                if let storage {
                    guard case .postgres(let given) = try StoreLocation.parse(storage) else {
                        throw ValidationError("--storage \(storage): the benchmark needs postgres://")
                    }
                    location = given
                } else {
                    cluster = try TestPostgresCluster()
                    location = try cluster!.newDatabase()
                }
                defer { cluster?.stop() }
                let databaseUser: uid_t? =
                    cluster == nil ? nil : (getuid() == 0 ? getpwnam("postgres").map { $0.pointee.pw_uid } : getuid())
                say(
                    "workers  claims  wall s  claims/s  db CPU s  db CPU/claim ms  claim ms p50 [p90]  proposal ms by pending: 0-9 | 10-49 | 50+"
                )
                for count in workers.split(separator: ",").compactMap({ Int($0) }) {
                    let bench = WorkerBenchmark(spec: study, replay: replay, location: location)
                    let result = try bench.run(
                        workers: count, study: "bench-\(count)-\(UUID().uuidString.prefix(6))", databaseUser: databaseUser)
                    for error in result.errors.prefix(3) { Diagnostics.error(error) }
                    let claimMillis = result.claims.map { $0.seconds * 1000 }.sorted()
                    func quantile(_ values: [Double], _ q: Double) -> String {
                        values.isEmpty ? "-" : formatFixed(values[min(values.count - 1, Int(q * Double(values.count)))], decimals: 1)
                    }
                    func proposal(_ range: ClosedRange<Int>) -> String {
                        let values = result.claims.filter { range.contains($0.pending) }.map { $0.proposalSeconds * 1000 }.sorted()
                        return values.isEmpty ? "-" : "\(quantile(values, 0.5)) (n=\(values.count))"
                    }
                    let cpu = result.databaseCPUSeconds
                    say(
                        [
                            String(count), String(result.claims.count), formatFixed(result.wallSeconds, decimals: 1),
                            formatFixed(result.claimsPerSecond, decimals: 1), cpu.map { formatFixed($0, decimals: 1) } ?? "-",
                            cpu.map { formatFixed($0 * 1000 / Double(max(result.claims.count, 1)), decimals: 2) } ?? "-",
                            "\(quantile(claimMillis, 0.5)) [\(quantile(claimMillis, 0.9))]",
                            "\(proposal(0...9)) | \(proposal(10...49)) | \(proposal(50...Int.max))",
                        ].joined(separator: "  "))
                }
            }
        }
    }
#endif
