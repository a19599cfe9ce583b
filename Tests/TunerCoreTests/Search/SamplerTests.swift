import Testing

@testable import TunerCore

@Suite struct SamplerTests {
    let space = SearchSpace(
        gogc: .range(min: 25, max: 800, includesOff: true),
        memoryLimit: .range(min: 64 << 20, max: 1 << 30, includesOff: true))

    @Test func gridAlwaysStartsWithTheGoDefault() {
        let plan = PlannedSampler.grid(space: space, settingCount: 10).plan
        #expect(plan.first == .goDefault)
        #expect(plan.count <= 10)
        #expect(Set(plan).count == plan.count)
        #expect(plan.contains { $0.gogc == nil })
        #expect(plan.contains { $0.memoryLimitBytes == nil })
    }

    @Test func gridOfExplicitValuesIsTheFullProduct() {
        let listed = SearchSpace(gogc: .values([50, 100, nil]), memoryLimit: .values([nil, 128 << 20]))
        let plan = PlannedSampler.grid(space: listed, settingCount: 100).plan
        #expect(plan.count == 6)
        #expect(plan.allSatisfy(listed.contains))
    }

    @Test func latinHypercubeIsSeededAndInsideTheSpace() {
        let a = PlannedSampler.latinHypercube(space: space, settingCount: 12, seed: 7).plan
        let b = PlannedSampler.latinHypercube(space: space, settingCount: 12, seed: 7).plan
        let c = PlannedSampler.latinHypercube(space: space, settingCount: 12, seed: 8).plan
        #expect(a == b)
        #expect(a != c)
        #expect(a.first == .goDefault)
        #expect(a.allSatisfy(space.contains))
    }

    @Test func scheduleRunsEverySettingOncePerRound() {
        let settings = PlannedSampler.grid(space: space, settingCount: 6).plan
        let schedule = interleavedSchedule(settings: settings, repeats: 3, seed: 1)
        #expect(schedule.count == settings.count * 3)
        for round in 0..<3 {
            let slice = schedule[(round * settings.count)..<((round + 1) * settings.count)]
            #expect(Set(slice.map(\.setting)) == Set(settings))
            #expect(slice.allSatisfy { $0.repeatIndex == round })
        }
    }

    @Test func roundingKeepsTwoSignificantDigits() {
        #expect(SettingRounding.gogc(137) == 140)
        #expect(SettingRounding.gogc(1234) == 1200)
        #expect(SettingRounding.gogc(25.4) == 25)
        #expect(SettingRounding.memoryLimit(100.4 * 1_048_576) == 100 << 20)
    }
}
