/// One run of `tuner verify`: the load level it ran at and its sample. Kept in the store as it
/// finishes, so a verification stopped part-way keeps its runs and a rerun continues from them.
public struct VerificationTrial: Sendable, Codable, Equatable {
    public var level: LoadLevel
    public var sample: TrialSample

    public init(level: LoadLevel, sample: TrialSample) {
        self.level = level
        self.sample = sample
    }

    /// The (default, candidate) pairs at `level` among `trials`, in the order they ran: the
    /// i-th measured default run with the i-th measured candidate run. Runs are matched by load,
    /// not by the level's name.
    public static func pairs(at level: LoadLevel, candidate: GCSetting, in trials: [VerificationTrial]) -> [(
        baseline: TrialSample, candidate: TrialSample
    )] {
        func runs(_ setting: GCSetting) -> [TrialSample] {
            trials.filter { $0.level.sameLoad(as: level) && $0.sample.setting == setting && $0.sample.isMeasured }.map(\.sample)
                .sorted { $0.trialIndex < $1.trialIndex }
        }
        return zip(runs(.goDefault), runs(candidate)).map { ($0.0, $0.1) }
    }

    /// Why the failed runs at `level` failed, one line each.
    public static func failures(at level: LoadLevel, in trials: [VerificationTrial]) -> [String] {
        trials.filter { $0.level.sameLoad(as: level) }.compactMap { trial in
            trial.sample.outcome.failureReason.map { "\(trial.sample.setting): \($0)" }
        }
    }
}
