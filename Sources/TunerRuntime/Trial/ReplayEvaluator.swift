import Foundation
import TunerCore

/// Evaluates settings against a recorded surface instead of launching processes: each
/// evaluation returns one recorded repeat of the setting, drawn at random (seeded by the
/// trial's seed), so search strategies can be compared quickly and reproducibly on real data.
public struct ReplayEvaluator: TrialEvaluator {
    /// Measured trials of the surface, by setting.
    public let surface: [GCSetting: [TrialSample]]

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
    }

    /// The surface's settings as a search space of explicit values (its grid).
    public var space: SearchSpace {
        let gogc = Array(Set(surface.keys.map(\.gogc))).sorted { ($0 ?? Int.max) < ($1 ?? Int.max) }
        let limits = Array(Set(surface.keys.map(\.memoryLimitBytes))).sorted { ($0 ?? Int64.max) < ($1 ?? Int64.max) }
        return SearchSpace(gogc: .values(gogc), memoryLimit: .values(limits))
    }

    public func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
        guard let recorded = surface[setting], !recorded.isEmpty else {
            return TrialSample(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex,
                               outcome: .failed(reason: "the replay surface has no measurement of \(setting)"),
                               startedAtUnixSeconds: 0, wallSeconds: 0, readySeconds: nil, tunerCPUSeconds: 0,
                               load: nil, gc: nil, memory: nil)
        }
        var generator = SeededGenerator(seed: seed ^ 0x5EED_CAFE)
        var sample = recorded[Int(generator.next() % UInt64(recorded.count))]
        sample.trialIndex = trialIndex
        sample.repeatIndex = repeatIndex
        sample.phase = nil
        return sample
    }
}
