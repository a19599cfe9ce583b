import Foundation
import Testing

@testable import TunerCore

@Suite struct HeapGoalModelTests {
    let space = SearchSpace(
        gogc: .range(min: 25, max: 1600, includesOff: true),
        memoryLimit: .range(min: 48 << 20, max: 1 << 30, includesOff: true))

    func trials(_ settings: [GCSetting]) -> [TrialSample] {
        settings.enumerated().map { syntheticTrial($1, index: $0, pause: 0.05, throughput: 1000) }
    }

    @Test func beforeAnyTrialTheGuideModelHolds() {
        let model = HeapGoalModel.fit([])
        #expect(model == .prior)
        #expect(model.goalExponent == 1)
        // GOGC=100 doubles the (4 MiB) live heap.
        #expect(abs(exp(model.logGOGCGoal(100).value) - 8) < 1e-9)
        // Without an observed overhead, 10 % of the limit is assumed.
        #expect(abs(exp(model.logLimitGoal(100 * 1_048_576).value) - 90) < 1e-9)
        #expect(model.logGOGCGoal(nil).value == .infinity)
        #expect(model.logLimitGoal(nil).value == .infinity)
    }

    @Test func fitRecoversTheGoalLawAndTheOverheadFromTheTrace() {
        // syntheticHeapGoalMiB: GOGC goal 10 · (1 + G/100)^1.5, limit goal = limit − 6 MiB.
        let settings = [
            GCSetting.goDefault, GCSetting(gogc: 25, memoryLimitBytes: nil), GCSetting(gogc: 400, memoryLimitBytes: nil),
            GCSetting(gogc: 50, memoryLimitBytes: 1 << 30),  // limit far above the goal: unbound
            GCSetting(gogc: 800, memoryLimitBytes: 64 << 20), GCSetting(gogc: nil, memoryLimitBytes: 128 << 20),
        ]
        let model = HeapGoalModel.fit(trials(settings))
        // Goals are whole MiB in gctrace, so the fit is close, not exact.
        #expect(abs(model.goalExponent - 1.5) < 0.05)
        #expect(abs(exp(model.logGoalScaleMiB) - 10) < 0.5)
        #expect(model.overheadMiB == 6)
        #expect(abs(exp(model.logLimitGoal(Double(256 << 20)).value) - 250) < 1e-9)
    }

    @Test func exponentIsClampedAndFallsBackToTheGuideWithOneGOGCValue() {
        let one = HeapGoalModel.fit(trials([.goDefault]))
        #expect(one.goalExponent == 1)
        #expect(abs(exp(one.logGOGCGoal(100).value) - Double(syntheticHeapGoalMiB(.goDefault))) < 1e-9)
        // A goal that shrinks as GOGC grows is not physical: the exponent stops at its floor.
        let odd = [GCSetting.goDefault, GCSetting(gogc: 800, memoryLimitBytes: nil)].enumerated().map { i, s in
            syntheticTrial(s, index: i, pause: 0.05, throughput: 1000, heapGoalMiB: i == 0 ? 100 : 20)
        }
        #expect(HeapGoalModel.fit(odd).goalExponent == HeapGoalModel.exponentRange.lowerBound)
    }

    @Test func failedTrialsAndTrialsWithoutGoalsAreIgnored() {
        var failed = syntheticTrial(GCSetting(gogc: 25, memoryLimitBytes: nil), index: 1, pause: 0.05, throughput: 1000, heapGoalMiB: 900)
        failed.outcome = .failed(reason: "crashed")
        var noGoal = syntheticTrial(GCSetting(gogc: 400, memoryLimitBytes: nil), index: 2, pause: 0.05, throughput: 1000)
        noGoal.gc?.cycles[0].heapGoalMiB = nil
        let model = HeapGoalModel.fit(trials([.goDefault]) + [failed, noGoal])
        #expect(model == HeapGoalModel.fit(trials([.goDefault])))
    }

    @Test func settingsWhoseLimitDoesNotBindShareTheFeaturesOfNoLimit() {
        let encoding = SettingEncoding(space: space)
        let settings = [
            GCSetting.goDefault, GCSetting(gogc: 25, memoryLimitBytes: nil), GCSetting(gogc: 400, memoryLimitBytes: nil),
            GCSetting(gogc: 800, memoryLimitBytes: 64 << 20),
        ]
        let features = HeapGoalFeatures(model: HeapGoalModel.fit(trials(settings)), encoding: encoding)
        func z(_ setting: GCSetting) -> [Double] { features.apply(encoding.encode(setting)).features }
        // GOGC=400: a 112 MiB goal, far below 1 GiB, above the 58 MiB a 64 MiB limit leaves.
        let free = z(GCSetting(gogc: 400, memoryLimitBytes: nil))
        let roomy = z(GCSetting(gogc: 400, memoryLimitBytes: 1 << 30))
        #expect(zip(free, roomy).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(free[1] == 0)
        // A tight limit moves the setting off the line, to the goal the limit allows.
        let tight = z(GCSetting(gogc: 400, memoryLimitBytes: 64 << 20))
        #expect(tight[1] > 0)
        #expect(tight[0] < free[0])
        // Same limit, larger GOGC: same goal, a harder cut.
        let harder = z(GCSetting(gogc: 1600, memoryLimitBytes: 64 << 20))
        #expect(abs(harder[0] - tight[0]) < 1e-12)
        #expect(harder[1] > tight[1])
        // Off arms: GOGC=off with a limit cuts "infinitely"; no collection at all sits past the largest goal.
        #expect(z(GCSetting(gogc: nil, memoryLimitBytes: 64 << 20))[1] == SettingEncoding.offCoordinate)
        #expect(z(GCSetting(gogc: nil, memoryLimitBytes: nil)) == [SettingEncoding.offCoordinate, 0])
        // Numeric settings stay in the unit box.
        for g in [25, 100, 1600] {
            for l: Int64? in [48 << 20, 256 << 20, 1 << 30, nil] {
                let point = z(GCSetting(gogc: g, memoryLimitBytes: l))
                #expect(point.allSatisfy { $0 >= -1e-9 && $0 <= 1 + 1e-9 }, "GOGC=\(g) limit \(String(describing: l)): \(point)")
            }
        }
    }

    @Test func featureJacobianMatchesFiniteDifferencesAwayFromTheKink() {
        let encoding = SettingEncoding(space: space)
        let features = HeapGoalFeatures(
            model: HeapGoalModel(logGoalScaleMiB: log(10), goalExponent: 1.5, overheadMiB: 6), encoding: encoding)
        var checked = 0
        for x in SurrogateFixtures.uniformPoints(40, dimension: 2, seed: 3) {
            let (_, jacobian) = features.apply(x)
            for i in 0..<2 {
                let numeric = SurrogateFixtures.gradient(at: x, step: 1e-6) { features.apply($0).features[i] }
                // Skip points within a step of the kink where the binding knob changes.
                let here = features.apply(x).features[1]
                guard here == 0 || here > 1e-4 else { continue }
                for j in 0..<2 {
                    #expect(abs(jacobian[i][j] - numeric[j]) < 1e-6 * max(1, abs(numeric[j])), "∂z\(i)/∂x\(j) at \(x)")
                }
                checked += 1
            }
        }
        #expect(checked >= 60)
    }

    @Test func mappedModelGradientMatchesFiniteDifferences() throws {
        let encoding = SettingEncoding(space: space)
        let features = HeapGoalFeatures(
            model: HeapGoalModel(logGoalScaleMiB: log(10), goalExponent: 1.5, overheadMiB: 6), encoding: encoding)
        let coordinates = SurrogateFixtures.uniformPoints(14, dimension: 2, seed: 8)
        let outputs = coordinates.map { x in sin(3 * features.apply(x).features[0]) + features.apply(x).features[1] }
        let model = try FeatureMappedModel.fit(coordinates: coordinates, outputs: outputs, features: features, seed: 1)
        var checked = 0
        for x in SurrogateFixtures.uniformPoints(10, dimension: 2, seed: 9) {
            let z = features.apply(x).features
            guard z[1] == 0 || z[1] > 1e-3 else { continue }
            let p = model.predictWithGradient(x)
            let numericMean = SurrogateFixtures.gradient(at: x, step: 1e-6) { model.predict($0, includingNoise: false).mean }
            let numericVariance = SurrogateFixtures.gradient(at: x, step: 1e-6) { model.predict($0, includingNoise: false).variance }
            for j in 0..<2 {
                #expect(abs(p.meanGradient[j] - numericMean[j]) < 1e-5 * max(1, abs(numericMean[j])))
                #expect(abs(p.varianceGradient[j] - numericVariance[j]) < 1e-5 * max(1, abs(numericVariance[j])))
            }
            checked += 1
        }
        #expect(checked >= 5)
    }

    @Test func initialDesignSpreadsOverHeapGoalsInsteadOfRepeatingOne() {
        // With the default measured, the next settings of the start differ in heap goal or limit cut.
        let search = SurrogateSearch(
            space: space, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], seed: 5, initialDesign: 6)
        var samples: [TrialSample] = []
        var reasons: [String] = []
        while samples.count < 6, case .measure(let setting, let reason) = search.next(completed: samples) {
            reasons.append(reason)
            samples.append(syntheticTrial(setting, index: samples.count, pause: 0.05, throughput: 1000))
        }
        #expect(samples.first?.setting == .goDefault)
        #expect(Set(samples.map(\.setting)).count == 6)
        let map = search.features(for: samples)
        let points = samples.map { map.apply(search.encoding.encode($0.setting)).features }
        for i in points.indices {
            for j in points.indices where j < i {
                let distance = zip(points[i], points[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                #expect(distance > 0.1, "\(samples[i].setting) and \(samples[j].setting) are alike")
            }
        }
        #expect(reasons.dropFirst().allSatisfy { $0.contains("limit just above its peak RSS") })
    }

    @Test func theStartPairsEachGOGCWithTheLimitJustAboveItsPeak() {
        // rssBytes = 100 MiB for the default's 28 MiB goal: 3.57 MiB of RSS per MiB of goal.
        let model = HeapGoalModel.fit(trials([.goDefault]))
        #expect(abs(model.rssPerGoal! - 100.0 / 28) < 1e-9)
        #expect(abs(model.limitJustAbove(gogc: 100) - 1.1 * 100 * 1_048_576) < 1)
        let search = SurrogateSearch(
            space: space, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], seed: 1)
        let diagonal = search.diagonalCandidates(model)
        #expect(diagonal.count >= 10)
        for setting in diagonal {
            let limit = Double(setting.memoryLimitBytes!)
            let target = min(max(model.limitJustAbove(gogc: Double(setting.gogc!)), Double(48 << 20)), Double(1 << 30))
            #expect(abs(limit / target - 1) < 0.01, "\(setting)")
        }
        // On an explicit grid: the nearest listed limit for each GOGC.
        let listed = SurrogateSearch(
            space: SearchSpace(gogc: .values([25, 100, 400, nil]), memoryLimit: .values([64 << 20, 128 << 20, 512 << 20, nil])),
            objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)], constraints: [], seed: 1)
        #expect(listed.diagonalCandidates(model).map(\.memoryLimitBytes) == [64 << 20, 128 << 20, 512 << 20])
    }

    @Test func aSettingTheModelsCannotTellFromATriedOneIsNotProposedAsNew() {
        // GOGC=200's synthetic heap goal is 52 MiB: a 1 GiB limit never acts, so GOGC=200 with
        // 1 GiB has the features of GOGC=200 without a limit.
        let listed = SearchSpace(gogc: .values([25, 200, 1600]), memoryLimit: .values([64 << 20, 1 << 30, nil]))
        let search = SurrogateSearch(
            space: listed, objectives: [(.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize)],
            constraints: [], seed: 2, initialDesign: 2)
        let alias = GCSetting(gogc: 200, memoryLimitBytes: 1 << 30)
        let map = search.features(for: [])
        #expect(
            map.apply(search.encoding.encode(alias)).features
                == map.apply(search.encoding.encode(GCSetting(gogc: 200, memoryLimitBytes: nil))).features)
        var generator = SeededGenerator(seed: 4)
        let samples = search.encoding.candidates!.filter { $0 != alias }.enumerated().map { index, setting in
            let value = syntheticSurface(setting, noise: 0.1, generator: &generator)
            return syntheticTrial(setting, index: index, pause: value.pause, throughput: value.throughput)
        }
        guard case .measure(let next, let reason) = search.next(completed: samples) else {
            Issue.record("expected a measurement")
            return
        }
        #expect(next != alias)
        #expect(reason.contains("measured again"), "\(reason)")
    }
}
