import Foundation
import Testing

@testable import TunerCore

/// Pending trials in the search state: a lie each, so no two workers ask for the same setting.
struct ConstantLiarTests {
    @Test func eachPendingTrialEntersAsTheDefaultsMeasurementAtItsOwnSetting() {
        let finished = [
            syntheticTrial(.goDefault, index: 0, pause: 0.5, throughput: 4000),
            syntheticTrial(GCSetting(gogc: 50, memoryLimitBytes: nil), index: 1, pause: 0.3, throughput: 3000),
        ]
        let pending = [PendingTrial(setting: GCSetting(gogc: 400, memoryLimitBytes: nil), repeatIndex: 1)]
        let state = ConstantLiar.searchState(finished: finished, pending: pending)
        #expect(state.count == 3)
        #expect(state[2].setting == pending[0].setting && state[2].repeatIndex == 1 && state[2].trialIndex == 2)
        #expect(state[2].load?.throughputOpsPerSecond == 4000, "the lie is the default's measurement")
        #expect(state[2].isMeasured && !state[2].isConfirmation)
    }

    @Test func beforeAnythingIsMeasuredAPendingTrialIsTakenNotModelled() {
        let pending = [PendingTrial(setting: .goDefault, repeatIndex: 0)]
        let state = ConstantLiar.searchState(finished: [], pending: pending)
        #expect(state.count == 1 && !state[0].isMeasured)
        let fifty = GCSetting(gogc: 50, memoryLimitBytes: nil)
        let planned = PlannedSampler(name: "grid", plan: [.goDefault, fifty])
        #expect(planned.next(completed: state) == .measure(fifty, reason: "grid plan, repeat 1"))
    }

    @Test func aSecondWorkerIsSentElsewhereThanTheFirstsPendingTrial() {
        let space = SearchSpace(
            gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .range(min: 64 << 20, max: 1 << 30, includesOff: true))
        let search = SurrogateSearch(
            space: space, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)], constraints: [], seed: 5)
        var generator = SeededGenerator(seed: 9)
        var finished: [TrialSample] = []
        for index in 0..<8 {
            guard case .measure(let setting, _) = search.next(completed: finished) else { break }
            let (pause, throughput) = syntheticSurface(setting, noise: 0.05, generator: &generator)
            finished.append(syntheticTrial(setting, index: index, pause: pause, throughput: throughput))
        }
        guard case .measure(let first, _) = search.next(completed: finished) else {
            Issue.record("the surrogate stopped")
            return
        }
        let withPending = ConstantLiar.searchState(finished: finished, pending: [PendingTrial(setting: first, repeatIndex: 0)])
        guard case .measure(let second, _) = search.next(completed: withPending) else {
            Issue.record("the surrogate stopped with one pending trial")
            return
        }
        #expect(first != second, "the second worker is sent elsewhere than the first")
    }
}
