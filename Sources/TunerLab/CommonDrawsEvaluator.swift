import Foundation
@_spi(Lab) import TunerCore
import TunerFakes
import TunerRuntime

/// A replay that serves the benchmark's common random numbers: the trial's `repeatIndex` (how
/// many trials of the setting came before it, as the study runner counts them) is the visit
/// number, and the benchmark seed is fixed for the whole run (the per-trial seed is ignored).
public struct CommonDrawsEvaluator: TrialEvaluator {
    public let replay: ReplayEvaluator
    public let seed: UInt64

    public init(replay: ReplayEvaluator, seed: UInt64) {
        self.replay = replay
        self.seed = seed
    }

    public func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed _: UInt64) -> TrialSample {
        replay.draw(setting, visit: repeatIndex, seed: seed, trialIndex: trialIndex)
    }
}

extension ReplayEvaluator {
    /// Visit `visit` (0-based) of `setting` in benchmark seed `seed`: the recorded repeat
    /// ``CommonDraws/repeatIndex(visit:count:seed:gogcIndex:limitIndex:)`` names, so every
    /// strategy that visits a setting for the k-th time in one seed sees the same measurement.
    public func draw(_ setting: GCSetting, visit: Int, seed: UInt64, trialIndex: Int = 0) -> TrialSample {
        guard let recorded = surface[setting], !recorded.isEmpty, let index = gridIndex(of: setting) else {
            return self.recorded(setting, repeat: nil, trialIndex: trialIndex, repeatIndex: visit)
        }
        let r = CommonDraws.repeatIndex(visit: visit, count: recorded.count, seed: seed, gogcIndex: index.gogc, limitIndex: index.limit)
        return self.recorded(setting, repeat: r, trialIndex: trialIndex, repeatIndex: visit)
    }
}
