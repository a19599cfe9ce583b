/// Pending trials in the search state, by the constant-liar rule (Ginsbourger, Le Riche and
/// Carraro, "Kriging is well-suited to parallelize optimization", 2010): each trial another
/// worker is measuring enters the sampler as if it had already returned one fixed "lie", so the
/// next proposal moves away from it, and two workers never ask for the same point by accident.
///
/// Why a constant liar and not fantasised posterior draws (Snoek et al. 2012): the lie costs
/// nothing per pending point (one more row in the model's fit), needs no change to any sampler
/// (every sampler already answers `next(completed:)`), and stays deterministic given the trials
/// so far, so a proposal is reproducible from the store. Fantasies average the acquisition over
/// several posterior draws: k draws cost k model fits per proposal, which at a hundred pending
/// trials is what makes proposals slow.
///
/// The lie is the Go default's measurement (its latest measured repeat; else the first measured
/// trial): a neutral value, between CL-min (the best so far, which herds workers near the
/// incumbent) and CL-max (the worst, which scatters them). Before anything is measured, a
/// pending trial enters as tried and failed: the initial design and planned samplers only need to
/// know that it is taken. What it costs the search against one worker at the same trial count is
/// measured on the replay in experiments/bench/README.md ("A hundred workers on one study").
public enum ConstantLiar {
    /// Finished trials plus one lie per pending trial (after them in trial order).
    /// - Complexity: O(finished + pending).
    public static func searchState(finished: [TrialSample], pending: [PendingTrial]) -> [TrialSample] {
        guard !pending.isEmpty else { return finished }
        let measured = finished.filter(\.isMeasured)
        let lie = measured.last { $0.setting.isGoDefault && !$0.isConfirmation } ?? measured.first
        var next = (finished.map(\.trialIndex).max() ?? -1) + 1
        var state = finished
        for trial in pending {
            var sample: TrialSample
            if let lie {
                sample = lie
                sample.setting = trial.setting
            } else {
                sample = TrialSample(
                    trialIndex: next, setting: trial.setting, repeatIndex: trial.repeatIndex,
                    outcome: .failed(reason: "pending on another worker"), startedAtUnixSeconds: 0, wallSeconds: 0,
                    readySeconds: nil, tunerCPUSeconds: 0, load: nil, gc: nil, memory: nil)
            }
            sample.trialIndex = next
            sample.repeatIndex = trial.repeatIndex
            sample.phase = "search"
            state.append(sample)
            next += 1
        }
        return state
    }
}
