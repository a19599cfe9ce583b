import Foundation
import TunerCore

/// `tuner verify`: the stored recommendation against Go's default in alternating pairs at
/// several load levels, each run recorded in the store as it finishes.
extension StudyRunner {
    /// The highest multiple of the study's load at which the Go default keeps p99 latency within
    /// the study's latency constraint (else `verify.budgets.latency_p99_ms`), one short run of the
    /// default per probe (``SustainedLoadSearch``); nil when no probed load held.
    func sustainedLevel(base: LoadLevel, shouldStop: () -> Bool) throws -> LoadLevel? {
        let budget =
            spec.constraints.filter { $0.metric == .latencyP99Millis && $0.comparison == .atMost }.map(\.bound).min()
            ?? spec.verify.budgets.latencyP99Millis
        var search = SustainedLoadSearch(base: base, latencyBudgetMillis: budget)
        log("verify max: the highest load the Go default sustains within p99 \(formatFixed(budget, decimals: 0)) ms (one run a probe)")
        while let multiple = search.next, !shouldStop() {
            let probe = search.level(multiple: multiple, name: "probe \(LoadLevel.formatMultiple(multiple))x")
            let evaluator = levelEvaluator?(probe) ?? trialRunner
            let sample = evaluator.run(
                setting: GCSetting.goDefault, trialIndex: 100_000 + search.probes.count, repeatIndex: 0,
                seed: spec.seed &+ UInt64(multiple * 1000))
            let p99 = sample.isMeasured ? Metric.latencyP99Millis.value(of: sample) : nil
            search.record(multiple: multiple, p99Millis: p99)
            log("  \(probe): p99 \(p99.map { formatFixed($0, decimals: 1) + " ms" } ?? "failed (\(sample.outcome))")")
        }
        log("verify max: \(search.summary)")
        return search.result
    }

    /// Runs `spec.verify.pairs` alternating pairs (default first) of `candidate` and the Go
    /// default at each level of `spec.verify`, analyses each level and stores the verification
    /// after every level (so a stopped verification keeps what it measured). Runs an earlier,
    /// stopped verification of the same candidate recorded count, so a rerun continues.
    /// - Parameter fresh: forget earlier verification runs first.
    public func verify(candidate: GCSetting, fresh: Bool = false, shouldStop: () -> Bool = { false }) throws -> Verification {
        let plan = spec.verify
        var levels = plan.levels(for: spec.load)
        let earlier = try store.verification()
        if plan.entries.contains(.sustained), let base = spec.load.level {
            // A stopped verification already found it: the level is among those it planned.
            if let found = earlier?.plannedLevels.first(where: { $0.name == "max" }), earlier?.candidate == candidate, !fresh {
                levels.append(found)
            } else if let found = try sustainedLevel(base: base, shouldStop: shouldStop),
                !levels.contains(where: { $0.sameLoad(as: found) })
            {
                levels.append(found)
            }
        }
        if fresh || earlier.map({ $0.candidate != candidate }) == true { try store.clearVerification() }
        var trials = try store.verificationTrials().filter { $0.sample.setting == candidate || $0.sample.setting.isGoDefault }
        let startedAt = (fresh ? nil : earlier?.startedAtUnixSeconds) ?? Date().timeIntervalSince1970
        var verification = Verification(
            candidate: candidate, pairsPerLevel: plan.pairs, durationSeconds: plan.durationSeconds, warmupSeconds: plan.warmupSeconds,
            levels: [], plannedLevels: levels, startedAtUnixSeconds: startedAt)
        // A soak of the same candidate (tuner verify --soak) is its own run: kept.
        if earlier?.candidate == candidate { verification.soak = earlier?.soak }
        let decisive =
            spec.objectives.indices.contains(spec.decisiveObjective)
            ? (spec.objectives[spec.decisiveObjective].metric, spec.objectives[spec.decisiveObjective].direction) : nil
        let perRun = plan.warmupSeconds + plan.durationSeconds + 2
        log(
            "verify: \(candidate) against the Go default at \(levels.count) load level(s), \(plan.pairs) alternating pair(s) each (about \(DurationText.format(Double(levels.count * plan.pairs * 2) * perRun)))"
        )
        var stopped = false
        for level in levels {
            let evaluator = levelEvaluator?(level) ?? trialRunner
            func runs(_ setting: GCSetting) -> [VerificationTrial] {
                trials.filter { $0.level.sameLoad(as: level) && $0.sample.setting == setting }
            }
            func measured(_ setting: GCSetting) -> Int { runs(setting).filter { $0.sample.isMeasured }.count }
            log("verify \(level)")
            // Failed runs are retried, up to as many failures as pairs wanted at this level.
            while min(measured(.goDefault), measured(candidate)) < plan.pairs,
                trials.filter({ $0.level.sameLoad(as: level) && !$0.sample.isMeasured }).count < plan.pairs
            {
                if shouldStop() {
                    stopped = true
                    break
                }
                for setting in [GCSetting.goDefault, candidate] where measured(setting) <= min(measured(.goDefault), measured(candidate)) {
                    let index = (trials.map(\.sample.trialIndex).max() ?? -1) + 1
                    var sample = evaluator.run(
                        setting: setting, trialIndex: index, repeatIndex: runs(setting).count, seed: spec.seed &+ UInt64(index) &* 7919)
                    sample.phase = "verify \(level.name)"
                    let trial = VerificationTrial(level: level, sample: sample)
                    try store.appendVerificationTrial(trial)
                    trials.append(trial)
                    log(Self.runLine(trial, metric: decisive?.0 ?? .throughputOpsPerSecond))
                }
            }
            verification.levels.append(
                LevelVerification.analyse(
                    level: level, candidate: candidate, pairs: VerificationTrial.pairs(at: level, candidate: candidate, in: trials),
                    failures: VerificationTrial.failures(at: level, in: trials), decisive: decisive, constraints: spec.constraints,
                    minimumMargin: plan.minMargin, seed: spec.seed))
            try store.saveVerification(verification)
            if stopped { break }
        }
        if !stopped { verification.finishedAtUnixSeconds = Date().timeIntervalSince1970 }
        try store.saveVerification(verification)
        return verification
    }

    /// "  default  2x  throughput_ops_per_sec 1234 (ok)" or the failure.
    static func runLine(_ trial: VerificationTrial, metric: Metric) -> String {
        let who = trial.sample.setting.isGoDefault ? "default" : "recommended"
        if let reason = trial.sample.outcome.failureReason { return "  \(trial.level.name) \(who): FAILED: \(reason)" }
        let value = metric.value(of: trial.sample).map(metric.format) ?? "?"
        let p99 = Metric.latencyP99Millis.value(of: trial.sample).map { formatFixed($0, decimals: 1) } ?? "?"
        return "  \(trial.level.name) \(who): \(metric.rawValue) \(value), latency p99 \(p99) ms"
    }
}

extension StudySpec {
    /// This spec with its load driven at `level` and the verify section's warm-up and window:
    /// what one verification run measures.
    public func at(_ level: LoadLevel) -> StudySpec {
        var copy = self
        if let scaled = load.at(level) { copy.load = scaled }
        copy.budget.warmupSeconds = verify.warmupSeconds
        copy.budget.durationSeconds = verify.durationSeconds
        return copy
    }
}
