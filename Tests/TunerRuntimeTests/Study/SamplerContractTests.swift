import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// One suite every sampler passes (Optuna's `optuna/testing/pytest_samplers.py` is the model):
/// the grid, the Latin hypercube and the surrogate search, over the same space, answered by the
/// same synthetic evaluator.
@Suite struct SamplerContractTests {
    enum Kind: String, CaseIterable, Sendable { case grid, lhs, surrogate }

    static let space = SearchSpace(gogc: .range(min: 25, max: 800, includesOff: true), memoryLimit: .values([nil, 128 << 20]))

    func sampler(_ kind: Kind, seed: UInt64 = 3) -> any Sampler {
        switch kind {
        case .grid: return PlannedSampler.grid(space: Self.space, settingCount: 6).repeated(1, seed: seed)
        case .lhs: return PlannedSampler.latinHypercube(space: Self.space, settingCount: 6, seed: seed).repeated(1, seed: seed)
        case .surrogate:
            return SurrogateSearch(
                space: Self.space, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
                constraints: [], seed: seed, initialDesign: 3)
        }
    }

    /// Runs `steps` decisions against the wobbly synthetic surface; returns the settings chosen.
    func drive(_ sampler: any Sampler, steps: Int) -> [GCSetting] {
        let evaluator = WobblyEvaluator(spread: 0.05)
        var completed: [TrialSample] = []
        for index in 0..<steps {
            guard case .measure(let setting, _) = sampler.next(completed: completed) else { break }
            let repeatIndex = (completed.filter { $0.setting == setting }.map(\.repeatIndex).max() ?? -1) + 1
            completed.append(evaluator.run(setting: setting, trialIndex: index, repeatIndex: repeatIndex, seed: UInt64(index)))
        }
        return completed.map(\.setting)
    }

    @Test(arguments: Kind.allCases)
    func theGoDefaultComesFirst(kind: Kind) {
        #expect(sampler(kind).next(completed: []) == sampler(kind).next(completed: []), "\(kind): a pure function of the trials")
        guard case .measure(let first, _) = sampler(kind).next(completed: []) else {
            Issue.record("\(kind) stopped at once")
            return
        }
        #expect(first == .goDefault, "\(kind)")
    }

    @Test(arguments: Kind.allCases)
    func oneSeedGivesOneSequenceAndEverySettingIsInTheSpace(kind: Kind) {
        let first = drive(sampler(kind), steps: 6)
        let second = drive(sampler(kind), steps: 6)
        #expect(first == second, "\(kind)")
        #expect(first.count == min(6, sampler(kind).plannedTrials ?? 6), "\(kind): \(first)")
        #expect(first.allSatisfy { Self.space.contains($0) }, "\(kind): \(first)")
    }

    @Test(arguments: [Kind.grid, .lhs])
    func aPlannedSamplerStopsWhenItsScheduleIsRecorded(kind: Kind) {
        let planned = sampler(kind)
        let chosen = drive(planned, steps: 100)
        #expect(chosen.count == planned.plannedTrials, "\(kind)")
        #expect(Set(chosen).count == chosen.count, "\(kind): one repeat each, no setting twice")
    }
}
