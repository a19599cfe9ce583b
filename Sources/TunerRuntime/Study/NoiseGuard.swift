import Foundation
import TunerCore

/// The noisy-machine guard: measures the Go default `check.repeats` times first (these trials
/// count as the default's repeats), then compares the coefficient of variation of its throughput
/// and p99 pause with `check.maxCV`.
struct NoiseGuard {
    let check: NoiseCheck
    /// The budget's repeats per setting.
    let repeats: Int
    /// Planned samplers (grid, LHS) take raised repeats for every setting; the surrogate search
    /// decides its own repeats, so for it only the confirmation pairs are raised.
    let samplerIsPlanned: Bool

    /// Returns the raised repeat count when the machine is too noisy and the action is `raise`;
    /// throws when it is `stop`.
    func run(_ state: inout StudyRunner.RunState, runner: StudyRunner, shouldStop: () -> Bool) throws -> Int? {
        func defaults() -> [TrialSample] { state.samples.filter { $0.setting.isGoDefault && !$0.isConfirmation } }
        var announced = false
        while defaults().count < check.repeats {
            if shouldStop() { return nil }
            if !announced {
                runner.log("noise check: measuring the Go default \(check.repeats) times before the search")
                announced = true
            }
            try runner.runOne(
                .goDefault, repeatIndex: state.nextRepeat(of: .goDefault), index: state.nextIndex,
                total: check.repeats, phase: "noise-check", &state)
        }
        let measured = defaults().filter(\.isMeasured)
        let cvs = [Metric.throughputOpsPerSecond, .pauseP99Millis].compactMap { metric in
            Statistics.coefficientOfVariation(measured.compactMap { metric.value(of: $0) }).map { (metric, $0) }
        }
        let text = cvs.map { "\($0.0.rawValue) \(formatFixed($0.1 * 100, decimals: 1)) %" }.joined(separator: ", ")
        guard let worst = cvs.map(\.1).max(), worst > check.maxCV else {
            runner.log(
                "noise check: coefficient of variation over \(measured.count) default runs: \(text) (limit \(formatFixed(check.maxCV * 100, decimals: 0)) %)"
            )
            return nil
        }
        let warning =
            "noise check: this machine is noisy: coefficient of variation over \(measured.count) default runs: \(text), above the \(formatFixed(check.maxCV * 100, decimals: 0)) % limit (budget.noise_check)"
        switch check.action {
        case .stop:
            throw StudyError.tooNoisy("\(warning); stopping as asked. Quiet the machine, or set budget.noise_check.action to raise or warn")
        case .warn:
            runner.log("WARNING: \(warning); results will carry wide intervals")
            return nil
        case .raise:
            // Repeats grow with the squared ratio of noise to limit (interval width ∝ CV/√n), capped.
            let factor = (worst / check.maxCV) * (worst / check.maxCV)
            let raised = max(min(max(repeats + 1, Int((Double(repeats) * factor).rounded(.up))), repeats * 3, 10), repeats)
            if samplerIsPlanned {
                runner.log(
                    "WARNING: \(warning); raising repeats per setting from \(repeats) to \(raised) and confirmation pairs to at least \(raised)"
                )
            } else {
                runner.log(
                    "WARNING: \(warning); the surrogate search chooses its own repeats (a setting is measured again when it is the most promising and its repeats disagree), so only the confirmation pairs are raised, to at least \(raised)"
                )
            }
            return raised
        }
    }
}
