import Foundation
import TunerCore

/// The noisy-machine guard: measures the Go default `check.repeats` times first (these trials
/// count as the default's repeats), reports the coefficient of variation of every objective,
/// judges it against `check.maxCV` on the objectives the rule optimises, and states up front what
/// tuning can win at most (``GCBound``).
struct NoiseGuard {
    let check: NoiseCheck
    /// The budget's repeats per setting.
    let repeats: Int
    /// Planned samplers (grid, LHS) take raised repeats for every setting; the surrogate search
    /// decides its own repeats, so for it only the confirmation pairs are raised.
    let samplerIsPlanned: Bool

    /// Measures the default, reports every objective's noise and the up-front bound on what
    /// tuning can win, and judges the noise on the objectives the rule optimises. Throws when the
    /// noise trips and the action is `stop`.
    func run(_ state: inout StudyRunner.RunState, runner: StudyRunner, shouldStop: () -> Bool) throws -> Outcome {
        func defaults() -> [TrialSample] { state.samples.filter { $0.setting.isGoDefault && !$0.isConfirmation } }
        var announced = false
        while defaults().count < check.repeats {
            if shouldStop() { return Outcome() }
            if !announced {
                runner.log("noise check: measuring the Go default \(check.repeats) times before the search")
                announced = true
            }
            try runner.runOne(
                .goDefault, repeatIndex: state.nextRepeat(of: .goDefault), index: state.nextIndex,
                total: check.repeats, phase: "noise-check", &state)
        }
        return try judge(defaults().filter(\.isMeasured), runner: runner)
    }

    /// Reports the noise of `measured` (the Go default's runs on this machine) on every objective
    /// and the up-front bound, and judges the noise on the objectives the rule optimises.
    /// - Parameter sharedHost: the host, when a worker of a shared study judges its own machine:
    ///   `budget.stop_below` is then not applied (one host does not stop the others) and `raise`
    ///   acts as `warn` (the workers share one plan, whose repeats are the spec's).
    /// - Throws: ``StudyError/tooNoisy(_:)`` when the noise trips and the action is `stop`.
    func judge(_ measured: [TrialSample], runner: StudyRunner, sharedHost: String? = nil) throws -> Outcome {
        var outcome = Outcome()
        outcome.bound = GCBound(shares: measured.compactMap { Metric.gcCPUSharePercent.value(of: $0).map { $0 / 100 } })
        let judged = Self.judgedMetrics(runner.spec)
        let cvs = Self.reportedMetrics(runner.spec).compactMap { metric in
            Statistics.coefficientOfVariation(measured.compactMap { metric.value(of: $0) }).map { (metric: metric, cv: $0) }
        }
        let text = cvs.map { "\($0.metric.rawValue) \(formatFixed($0.cv * 100, decimals: 1)) %" }.joined(separator: ", ")
        let judgedText = judged.map(\.rawValue).joined(separator: ", ")
        if let bound = outcome.bound {
            let source = measured.compactMap(\.serviceCPU?.gcSource).first?.rawValue ?? "gctrace"
            runner.log(
                "up-front bound: the GC took \(Self.percent(bound.share)) [\(Self.percent(bound.low)), \(Self.percent(bound.high))] of the service's CPU at the Go default (\(bound.runs) runs, \(source)): no setting can return more than about \(Self.percent(bound.high)) of its CPU; on a CPU-saturated service, at most +\(Self.percent(bound.throughputGainBound)) throughput"
            )
            if sharedHost == nil, let stop = runner.spec.budget.stopBelowGCShare, bound.high < stop {
                outcome.stopReason =
                    "the GC takes \(Self.percent(bound.share)) [\(Self.percent(bound.low)), \(Self.percent(bound.high))] of the service's CPU at the Go default, below budget.stop_below \(Self.percent(stop)): no setting can return more than that, so no search was run; keep Go's default"
                runner.log("study stops before the search: \(outcome.stopReason!)")
                return outcome
            }
            // An objective whose one-run noise is as large as the most tuning can move it
            // cannot be decided in a few trials: say so, and name the more precise ones.
            for (metric, cv) in cvs where judged.contains(metric) {
                guard let reachable = bound.reachableChange(of: metric), cv >= reachable / 2 else { continue }
                let precise = cvs.filter { [.cpuPerOpMicros, .gcCPUSharePercent].contains($0.metric) && $0.cv < cv / 2 }
                    .map { "\($0.metric.rawValue) (CV \(formatFixed($0.cv * 100, decimals: 1)) %)" }
                runner.log(
                    "WARNING: \(metric.rawValue) varies by \(formatFixed(cv * 100, decimals: 1)) % between runs of one setting, at least half the most tuning can change it (\(Self.percent(reachable))): the search may not tell settings apart on it\(precise.isEmpty ? "" : "; \(precise.joined(separator: " and ")) would decide with fewer trials (objectives)")"
                )
            }
        }
        let tripped = cvs.filter { judged.contains($0.metric) && $0.cv > check.maxCV }.max { $0.cv < $1.cv }
        let machine = sharedHost.map { "this host (\($0))" } ?? "this machine"
        guard let tripped else {
            runner.log(
                "noise check\(sharedHost.map { " on \($0)" } ?? ""): coefficient of variation over \(measured.count) default runs: \(text); judged on \(judgedText) (limit \(formatFixed(check.maxCV * 100, decimals: 0)) %)"
            )
            return outcome
        }
        let worst = tripped.cv
        let warning =
            "noise check: \(tripped.metric.rawValue) is noisy on \(machine): its coefficient of variation over \(measured.count) default runs is \(formatFixed(worst * 100, decimals: 1)) %, above the \(formatFixed(check.maxCV * 100, decimals: 0)) % limit (budget.noise_check; all: \(text))"
        switch check.action {
        case .stop:
            throw StudyError.tooNoisy("\(warning); stopping as asked. Quiet the machine, or set budget.noise_check.action to raise or warn")
        case .warn:
            runner.log("WARNING: \(warning); results will carry wide intervals")
            return outcome
        case .raise where sharedHost != nil:
            runner.log(
                "WARNING: \(warning); results will carry wide intervals (the workers of a shared study share one plan, so its repeats stay the spec's: raise budget.repeats for every worker)"
            )
            return outcome
        case .raise:
            // Repeats grow with the squared ratio of noise to limit (interval width ∝ CV/√n), capped.
            let factor = (worst / check.maxCV) * (worst / check.maxCV)
            let raised = max(min(max(repeats + 1, Int((Double(repeats) * factor).rounded(.up))), repeats * 3, 10), repeats)
            if samplerIsPlanned {
                runner.log(
                    "WARNING: \(warning); raising repeats per setting from \(repeats) to \(raised) and confirmation pairs to at least \(raised)"
                )
            } else {
                let pairs = runner.spec.budget.confirmPairs
                let confirmation =
                    pairs >= raised
                    ? "the confirmation's \(pairs) pairs already reach that"
                    : "only the confirmation pairs are raised, from \(pairs) to \(raised)"
                runner.log(
                    "WARNING: \(warning); the surrogate search chooses its own repeats (a setting is measured again when it is the most promising and its repeats disagree), and \(confirmation)"
                )
            }
            outcome.raisedRepeats = raised
            return outcome
        }
    }

    /// What the check found: repeats to raise to, the up-front bound, a reason to stop.
    struct Outcome {
        var raisedRepeats: Int?
        var bound: GCBound?
        var stopReason: String?
    }

    /// The metrics the noise is judged on: the objectives the rule optimises (the `best`
    /// rule's one; every objective for knee and weighted).
    static func judgedMetrics(_ spec: StudySpec) -> [Metric] {
        if case .best(let k) = spec.recommend, spec.objectives.indices.contains(k) { return [spec.objectives[k].metric] }
        return spec.objectives.map(\.metric)
    }

    /// Every metric whose noise is reported: the objectives, then throughput, the service's CPU
    /// per operation, the GC's share and latency p99.
    static func reportedMetrics(_ spec: StudySpec) -> [Metric] {
        var metrics = spec.objectives.map(\.metric)
        for metric in [Metric.throughputOpsPerSecond, .cpuPerOpMicros, .gcCPUSharePercent, .latencyP99Millis]
        where !metrics.contains(metric) {
            metrics.append(metric)
        }
        return metrics
    }

    static func percent(_ fraction: Double) -> String { "\(formatFixed(fraction * 100, decimals: 1)) %" }
}
