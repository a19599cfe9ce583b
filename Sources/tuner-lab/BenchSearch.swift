import ArgumentParser
import Foundation
@_spi(Lab) import TunerCore
import TunerFakes
@_spi(Lab) import TunerLab
import TunerRuntime

extension Lab {
    struct BenchSearch: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-search",
            abstract:
                "Compare search strategies on a recorded surface (trials to 95 % of the true hypervolume, hypervolume after 10/20/40 trials)."
        )

        @Option(help: "Recorded surface: a trials.jsonl of a dense grid study.")
        var surface: String

        @Option(help: "Seeds per strategy.")
        var seeds = 20

        @Option(help: "Trials per run.")
        var budget = 40

        @Option(
            help:
                "Strategies tuner runs itself, comma-separated: tuner (heap-goal inputs, EHVI), tuner-box (the same on log GOGC × log GOMEMLIMIT), tuner-parego (heap-goal inputs, ParEGO), grid (coarse to fine), random, oracle (greedy on the truth itself: the best any strategy could do)."
        )
        var strategies = "tuner,tuner-box,tuner-parego,grid,random,oracle"

        @Option(
            help:
                "Study spec whose question the benchmark asks: its objectives, constraints, recommend rule, budget.initial and budget.confirm, as 'tuner run' uses them (its parameter space is replaced by the surface's grid)."
        )
        var spec = "experiments/baseline.yml"

        @Option(help: "Objectives, comma-separated METRIC:min or METRIC:max, for the hypervolume table only (default: the spec's).")
        var objectives: String?

        @Option(
            help:
                "Instead of the table: write the surface as a table of metric values (JSON) for the Python side of experiments/bench/compare.sh, and exit."
        )
        var exportTable: String?

        @Option(
            help:
                "Instead of the table: run tuner's search under common random numbers (experiments/bench/README.md) for seeds 1…--seeds and append one JSON line per seed to this file; seeds already in it are skipped."
        )
        var records: String?

        @Option(help: "For --records: how tuner's first budget.initial trials are chosen: own or random.")
        var start = "own"

        @Option(
            help:
                "For --records: the surrogate's inputs, heap-goal (as 'tuner run') or box (raw log GOGC × log GOMEMLIMIT: the ablation recorded as tuner-box)."
        )
        var inputModel = "heap-goal"

        @Option(help: "For --records: trial counts N after which the recommendation and its front are recorded, comma-separated.")
        var checkpoints = "8,12,16,24,40"

        @Option(
            help:
                "JSON files of other strategies' sequences ({\"strategy\": NAME, \"sequences\": [[{\"gogc\": \"100\", \"gomemlimit\": \"off\"}, …], …]})."
        )
        var sequences: [String] = []

        @Option(
            help:
                "True values: pooled (settings the runtime cannot tell apart share the mean of all their repeats) or means (each setting's own repeats)."
        )
        var truth = "pooled"

        @Option(help: "For --truth pooled: relative difference in mean heap goal and peak RSS within which two settings count as alike.")
        var poolTolerance = 0.1

        @Option(
            help:
                "Instead of the table: fit each objective's model on N random settings (one recorded repeat each, 20 draws) with heap-goal and with raw inputs, and print the RMS error of its predictions against the truth over the surface (relative for throughput, log units otherwise; GOGC=off without a limit left out)."
        )
        var modelError: Int?

        @Option(help: "Print every decision of tuner's strategies for this seed (1-based) before the table.")
        var explain: Int?

        @Option(help: "Write the table as JSON here too.")
        var json: String?

        struct External: Decodable {
            struct Point: Decodable {
                var gogc: String
                var gomemlimit: String
            }
            var strategy: String
            var sequences: [[Point]]
        }

        func run() throws {
            let study: StudySpec
            do { study = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error("--spec \(spec): \(error)")
                throw ExitCode.failure
            }
            // Trials that carry every metric the study's question needs: the Swift and Python
            // sides of the benchmark then count the same repeats of each setting.
            let needed = study.objectives.map(\.metric) + study.constraints.map(\.metric)
            let evaluator: ReplayEvaluator
            do {
                let recorded = try ReplayEvaluator(trialsFile: surface)
                evaluator = ReplayEvaluator(
                    samples: recorded.surface.values.flatMap { $0 }.filter { trial in needed.allSatisfy { $0.value(of: trial) != nil } })
            } catch {
                Diagnostics.error("--surface \(surface): \(error)")
                throw ExitCode.failure
            }
            if let exportTable {
                let table = SurfaceTable(replay: evaluator, spec: study, source: surface, specPath: spec)
                try write(table, to: exportTable)
                Diagnostics.note(
                    "\(exportTable): \(table.settings.count) settings, \(table.trials) trials, metrics \(table.metrics.joined(separator: ", "))"
                )
                return
            }
            if let records {
                try runRecords(evaluator: evaluator, study: study, path: records)
                return
            }
            var parsedObjectives: [(metric: Metric, direction: ObjectiveDirection)] = []
            for item
                in (objectives
                ?? study.objectives.map { "\($0.metric.rawValue):\($0.direction == .minimize ? "min" : "max")" }.joined(separator: ","))
                .split(separator: ",")
            {
                let parts = item.split(separator: ":").map(String.init)
                guard parts.count == 2, let metric = Metric(rawValue: parts[0]), ["min", "max"].contains(parts[1]) else {
                    Diagnostics.error(
                        "--objectives: '\(item)' is not METRIC:min or METRIC:max; metrics: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                    throw ExitCode.failure
                }
                parsedObjectives.append((metric, parts[1] == "min" ? .minimize : .maximize))
            }
            guard (2...3).contains(parsedObjectives.count) else {
                Diagnostics.error("--objectives: give 2 or 3 objectives, not \(parsedObjectives.count)")
                throw ExitCode.failure
            }
            guard let truthKind = SearchBenchmark.Truth(rawValue: truth) else {
                Diagnostics.error("--truth: '\(truth)' is not pooled or means")
                throw ExitCode.failure
            }
            let bench = SearchBenchmark(evaluator: evaluator, objectives: parsedObjectives, truth: truthKind, poolTolerance: poolTolerance)
            let classes = Set(SearchBenchmark.equivalenceClasses(evaluator.surface, tolerance: poolTolerance).values).count
            say(
                "surface: \(evaluator.surface.count) settings, \(evaluator.surface.values.map(\.count).reduce(0, +)) recorded trials; objectives \(parsedObjectives.map { "\($0.metric.rawValue):\($0.direction == .minimize ? "min" : "max")" }.joined(separator: ",")); constraints \(study.constraints.map(\.description).joined(separator: ", ")); truth \(truthKind == .pooled ? "pooled (\(classes) classes of settings alike within \(formatFixed(poolTolerance * 100, decimals: 0)) %)" : "means of each setting's repeats"); true front \(bench.trueFront.count) settings; true hypervolume \(formatFixed(bench.trueVolume, decimals: 3)) (log scale in every objective, reference = nadir)"
            )
            if let modelError {
                printModelError(bench: bench, evaluator: evaluator, objectives: parsedObjectives, settings: modelError)
                return
            }
            if let explain {
                for (name, inputModel, acquisition) in [
                    ("tuner", SurrogateSearch.InputModel.heapGoal, SurrogateSearch.AcquisitionKind.expectedHypervolumeImprovement),
                    ("tuner-box", .box, .expectedHypervolumeImprovement),
                ] {
                    say("\(name), seed \(explain):")
                    let sequence = bench.surrogateSequence(
                        seed: UInt64(explain), budget: budget, constraints: study.constraints, inputModel: inputModel,
                        acquisition: acquisition,
                        explain: { say("  \($0)") })
                    say("  reached 95 % after \(bench.trialsToReach(0.95, bench.trace(sequence)).map(String.init) ?? "never")")
                }
            }
            var runs: [(String, [[GCSetting]])] = []
            for name in strategies.split(separator: ",").map(String.init) {
                let started = monotonicSeconds()
                let sequences: [[GCSetting]] = (0..<seeds).map { seed in
                    switch name {
                    case "tuner": return bench.surrogateSequence(seed: UInt64(seed) + 1, budget: budget, constraints: study.constraints)
                    case "tuner-box":
                        return bench.surrogateSequence(
                            seed: UInt64(seed) + 1, budget: budget, constraints: study.constraints, inputModel: .box)
                    case "tuner-parego":
                        return bench.surrogateSequence(
                            seed: UInt64(seed) + 1, budget: budget, constraints: study.constraints, acquisition: .parEGO)
                    case "grid": return bench.gridSequence(seed: UInt64(seed) + 1, budget: budget)
                    case "random": return bench.randomSequence(seed: UInt64(seed) + 1, budget: budget)
                    case "oracle": return bench.oracleSequence(budget: budget)
                    default: return []
                    }
                }
                guard sequences.allSatisfy({ !$0.isEmpty }) else {
                    Diagnostics.error(
                        "--strategies: unknown strategy '\(name)'; use tuner, tuner-box, tuner-parego, grid, random or oracle")
                    throw ExitCode.failure
                }
                Diagnostics.note("\(name): \(seeds) seeds in \(formatFixed(monotonicSeconds() - started, decimals: 1)) s")
                runs.append((name, sequences))
            }
            for path in sequences {
                guard let data = FileManager.default.contents(atPath: path),
                    let external = try? JSONDecoder().decode(External.self, from: data)
                else {
                    Diagnostics.error("--sequences \(path): not a readable sequences file")
                    throw ExitCode.failure
                }
                let parsed = try external.sequences.map { run in
                    try run.map { point in
                        GCSetting(
                            gogc: point.gogc == "off" ? nil : Int(point.gogc),
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
                var row = [
                    name, "\(sequences.count)", "\(formatFixed(mean, decimals: 1)) ± \(formatFixed(sd, decimals: 1))",
                    "\(reached.count)/\(traces.count)",
                ]
                var record = [
                    "strategy": name, "trials_to_95_mean": formatFixed(mean, decimals: 2), "reached": "\(reached.count)/\(traces.count)",
                ]
                for checkpoint in checkpoints {
                    let values = traces.map { trace in
                        (trace.isEmpty ? 0 : trace[min(checkpoint, trace.count) - 1]) / bench.trueVolume * 100
                    }
                    row.append(
                        "\(formatFixed(Statistics.mean(values) ?? 0, decimals: 1)) ± \(formatFixed(Statistics.standardDeviation(values) ?? 0, decimals: 1))"
                    )
                    record["hv_at_\(checkpoint)_pct"] = formatFixed(Statistics.mean(values) ?? 0, decimals: 2)
                }
                rows.append(row)
                export.append(record)
            }
            let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
            for row in rows {
                say(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
            say(
                "Unreached runs count as \(max(bench.truth.count, budget)) trials (the whole surface). HV@t: hypervolume of the true values of the settings measured in the first t trials."
            )
            if let json {
                let data = try JSONSerialization.data(withJSONObject: export, options: [.prettyPrinted, .sortedKeys])
                try data.write(to: URL(fileURLWithPath: json))
            }
        }

        /// tuner's runs of the held-out benchmark: one JSON line per seed, appended as each
        /// finishes (a stopped run loses nothing; seeds already in the file are skipped).
        func runRecords(evaluator: ReplayEvaluator, study: StudySpec, path: String) throws {
            guard let startKind = CommonDrawsBenchmark.Start(rawValue: start) else {
                Diagnostics.error("--start: '\(start)' is not own or random")
                throw ExitCode.failure
            }
            let points = checkpoints.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !points.isEmpty, points.allSatisfy({ $0 > 0 && $0 <= budget }) else {
                Diagnostics.error(
                    "--checkpoints: '\(checkpoints)' must be trial counts between 1 and --budget (\(budget)), comma-separated")
                throw ExitCode.failure
            }
            guard seeds > 0, budget > 0 else {
                Diagnostics.error("--seeds and --budget must be positive")
                throw ExitCode.failure
            }
            guard let model = SurrogateSearch.InputModel(rawValue: inputModel) else {
                Diagnostics.error(
                    "--input-model: '\(inputModel)' is not \(SurrogateSearch.InputModel.allCases.map(\.rawValue).joined(separator: " or "))"
                )
                throw ExitCode.failure
            }
            let bench = CommonDrawsBenchmark(replay: evaluator, spec: study, inputModel: model)
            var done = Set<UInt64>()
            if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
                for line in existing.split(separator: "\n") {
                    guard let record = try? JSONDecoder().decode(CommonDrawsBenchmark.Record.self, from: Data(line.utf8)) else {
                        Diagnostics.error("--records \(path): a line is not a tuner record; remove the file (or the line) and run again")
                        throw ExitCode.failure
                    }
                    guard record.strategy == bench.strategyName else {
                        Diagnostics.error(
                            "--records \(path): holds runs of '\(record.strategy)', not of '\(bench.strategyName)' (--input-model \(inputModel)); give each its own file"
                        )
                        throw ExitCode.failure
                    }
                    if record.start == startKind.rawValue && record.budget == budget { done.insert(record.seed) }
                }
            } else {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                Diagnostics.error("--records \(path): cannot be written")
                throw ExitCode.failure
            }
            defer { try? handle.close() }
            try handle.seekToEnd()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let started = monotonicSeconds()
            var ran = 0
            for seed in 1...UInt64(seeds) where !done.contains(seed) {
                let record = bench.record(seed: seed, budget: budget, checkpoints: points, start: startKind)
                try handle.write(contentsOf: try encoder.encode(record) + Data("\n".utf8))
                ran += 1
                Diagnostics.note(
                    "\(bench.strategyName) (\(startKind.rawValue) start) seed \(seed): \(record.trials.count) trials in \(formatFixed(record.seconds, decimals: 1)) s\(record.stop.map { "; stopped: \($0)" } ?? "")"
                )
            }
            Diagnostics.note(
                "\(bench.strategyName) (\(startKind.rawValue) start): \(ran) seed(s) run, \(done.count) already recorded, \(formatFixed(monotonicSeconds() - started, decimals: 1)) s"
            )
        }

        func write(_ value: some Encodable, to path: String) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            try encoder.encode(value).write(to: URL(fileURLWithPath: path))
        }

        /// RMS prediction error of each objective's model fitted on `settings` random settings.
        func printModelError(
            bench: SearchBenchmark, evaluator: ReplayEvaluator,
            objectives: [(metric: Metric, direction: ObjectiveDirection)], settings count: Int
        ) {
            let noCollection = GCSetting(gogc: nil, memoryLimitBytes: nil)
            for inputModel in SurrogateSearch.InputModel.allCases {
                var errors = [[Double]](repeating: [], count: objectives.count)
                for draw in 1...20 {
                    var generator = SeededGenerator(seed: UInt64(draw) &* 7919)
                    let chosen = Array(bench.truth.keys.sorted().shuffled(using: &generator).prefix(count))
                    let samples = chosen.enumerated().map {
                        evaluator.run(setting: $1, trialIndex: $0, repeatIndex: 0, seed: UInt64(draw * 1000 + $0))
                    }
                    let search = SurrogateSearch(
                        space: evaluator.space, objectives: objectives, constraints: [], seed: UInt64(draw), inputModel: inputModel)
                    let map = search.features(for: samples)
                    for (k, objective) in objectives.enumerated() {
                        guard
                            let model = try? search.fitModel(
                                objective.metric, objective.direction, measured: samples, features: map, seed: UInt64(draw))
                        else { continue }
                        var squared = 0.0
                        var n = 0
                        for (setting, truth) in bench.truth where setting != noCollection {
                            let modelled = model.predict(search.encoding.encode(setting), includingNoise: false).mean
                            let predicted = objective.direction == .minimize ? modelled : -modelled
                            // The model's scale: log for log-modelled metrics, the value itself otherwise.
                            let error = objective.metric.isLogModelled ? predicted - truth[k] : (predicted - exp(truth[k])) / exp(truth[k])
                            squared += error * error
                            n += 1
                        }
                        errors[k].append((squared / Double(max(n, 1))).squareRoot())
                    }
                }
                let parts = objectives.indices.map { k in
                    "\(objectives[k].metric.rawValue) \(formatFixed(Statistics.mean(errors[k]) ?? .nan, decimals: 3)) ± \(formatFixed(Statistics.standardDeviation(errors[k]) ?? .nan, decimals: 3))"
                }
                say(
                    "\(inputModel.rawValue) inputs, \(count) settings: RMS error (mean ± sd over 20 draws) \(parts.joined(separator: ", "))"
                )
            }
        }
    }
}
