import Foundation
import TunerCore
import TunerRuntime

/// Evaluates settings against a recorded surface instead of launching processes: each
/// evaluation returns one recorded repeat of the setting, so search strategies can be compared
/// quickly and reproducibly on real data. ``run(setting:trialIndex:repeatIndex:seed:)`` draws a
/// repeat at random (seeded by the trial's seed); ``recorded(_:repeat:trialIndex:repeatIndex:)``
/// serves a chosen one (the lab's common random numbers pick it).
public struct ReplayEvaluator: TrialEvaluator {
    /// Measured trials of the surface, by setting, in recording order (by trial index).
    public let surface: [GCSetting: [TrialSample]]
    /// The surface's GOGC values, ascending, `off` (nil) last: the grid's first index.
    public let gogcValues: [Int?]
    /// The surface's GOMEMLIMIT values, ascending, `off` (nil) last: the grid's second index.
    public let limitValues: [Int64?]

    /// Loads a surface from a trials.jsonl file; only measured trials are kept.
    public init(trialsFile path: String) throws {
        let samples = try TrialsFile.read(path: path).filter(\.isMeasured)
        guard !samples.isEmpty else {
            throw TrialFailure("\(path) holds no measured trials; record a surface with 'tuner run experiments/surface.yml'")
        }
        self.init(samples: samples)
    }

    public init(samples: [TrialSample]) {
        surface = Dictionary(grouping: samples.filter(\.isMeasured), by: \.setting)
            .mapValues { $0.sorted { $0.trialIndex < $1.trialIndex } }
        gogcValues = Array(Set(surface.keys.map(\.gogc))).sorted { ($0 ?? Int.max) < ($1 ?? Int.max) }
        limitValues = Array(Set(surface.keys.map(\.memoryLimitBytes))).sorted { ($0 ?? Int64.max) < ($1 ?? Int64.max) }
    }

    /// The surface's settings as a search space of explicit values (its grid).
    public var space: SearchSpace {
        SearchSpace(gogc: .values(gogcValues), memoryLimit: .values(limitValues))
    }

    /// The setting's position in the grid (GOGC index, GOMEMLIMIT index), or nil off the grid.
    public func gridIndex(of setting: GCSetting) -> (gogc: Int, limit: Int)? {
        guard let g = gogcValues.firstIndex(of: setting.gogc), let l = limitValues.firstIndex(of: setting.memoryLimitBytes) else {
            return nil
        }
        return (g, l)
    }

    /// The setting at a grid position.
    public func setting(gogcIndex: Int, limitIndex: Int) -> GCSetting {
        GCSetting(gogc: gogcValues[gogcIndex], memoryLimitBytes: limitValues[limitIndex])
    }

    public func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        guard let recorded = surface[setting], !recorded.isEmpty else {
            return missing(setting, trialIndex: trialIndex, repeatIndex: repeatIndex)
        }
        var generator = SeededGenerator(seed: seed ^ 0x5EED_CAFE)
        return relabelled(recorded[Int(generator.next() % UInt64(recorded.count))], trialIndex: trialIndex, repeatIndex: repeatIndex)
    }

    /// Recording `index` of `setting` (in recording order) relabelled as the given trial, or a
    /// failed trial when the surface has no such recording (or `index` is nil).
    public func recorded(_ setting: GCSetting, repeat index: Int?, trialIndex: Int, repeatIndex: Int) -> TrialSample {
        guard let index, let recorded = surface[setting], recorded.indices.contains(index) else {
            return missing(setting, trialIndex: trialIndex, repeatIndex: repeatIndex)
        }
        return relabelled(recorded[index], trialIndex: trialIndex, repeatIndex: repeatIndex)
    }

    private func relabelled(_ recorded: TrialSample, trialIndex: Int, repeatIndex: Int) -> TrialSample {
        var sample = recorded
        sample.trialIndex = trialIndex
        sample.repeatIndex = repeatIndex
        sample.phase = nil
        return sample
    }

    private func missing(_ setting: GCSetting, trialIndex: Int, repeatIndex: Int) -> TrialSample {
        TrialSample(
            trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex,
            outcome: .failed(reason: "the replay surface has no measurement of \(setting)"),
            startedAtUnixSeconds: 0, wallSeconds: 0, readySeconds: nil, tunerCPUSeconds: 0,
            load: nil, gc: nil, memory: nil)
    }
}
