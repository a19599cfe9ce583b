import Foundation

/// A sampler that works through a fixed schedule of (setting, repeat) trials, in rounds.
public struct PlannedSampler: Sampler {
    public let name: String
    /// The distinct settings, the Go default first.
    public let plan: [GCSetting]
    /// Every trial in order: round r measures every setting once, in a shuffled order.
    public let schedule: [(setting: GCSetting, repeatIndex: Int)]

    public init(name: String, plan: [GCSetting], repeats: Int = 1, seed: UInt64 = 0) {
        self.name = name
        self.plan = plan
        self.schedule = interleavedSchedule(settings: plan, repeats: repeats, seed: seed)
    }

    /// The same plan with `repeats` rounds in the seed's order.
    public func repeated(_ repeats: Int, seed: UInt64) -> PlannedSampler {
        PlannedSampler(name: name, plan: plan, repeats: repeats, seed: seed)
    }

    public var methodDescription: String {
        "\(name): \(plan.count) settings × \(schedule.count / max(plan.count, 1)) repeats, interleaved by repeat"
    }

    public var plannedTrials: Int? { schedule.count }
    public var plannedSettings: [GCSetting]? { plan }

    public func next(completed: [TrialSample]) -> SearchDecision {
        let finished = Set(completed.map { "\($0.setting)#\($0.repeatIndex)" })
        guard let entry = schedule.first(where: { !finished.contains("\($0.setting)#\($0.repeatIndex)") }) else {
            return .stop(reason: "every planned trial is recorded")
        }
        return .measure(entry.setting, reason: "\(name) plan, repeat \(entry.repeatIndex + 1)")
    }

    /// A full-factorial grid over the space with about `settingCount` settings, always with the
    /// Go default first. Range domains get k log-spaced levels (k chosen so the product of level
    /// counts is at most `settingCount`); explicit lists are used whole.
    /// - Complexity: O(settingCount).
    public static func grid(space: SearchSpace, settingCount: Int) -> PlannedSampler {
        let gogcFixed = fixedCount(space.gogc)
        let limitFixed = fixedCount(space.memoryLimit)
        // Split the budget between the two knobs.
        var gogcLevels = gogcFixed ?? 1
        var limitLevels = limitFixed ?? 1
        while true {
            let growGOGC = gogcFixed == nil && (gogcLevels + 1) * limitLevels <= max(settingCount - 1, 1)
            let growLimit = limitFixed == nil && gogcLevels * (limitLevels + 1) <= max(settingCount - 1, 1)
            if growGOGC && (!growLimit || gogcLevels <= limitLevels) {
                gogcLevels += 1
            } else if growLimit {
                limitLevels += 1
            } else {
                break
            }
        }
        let gogcValues = levels(space.gogc, count: gogcLevels) { SettingRounding.gogc($0) }
        let limitValues = levels(space.memoryLimit, count: limitLevels) { SettingRounding.memoryLimit($0) }
        var plan: [GCSetting] = [.goDefault]
        for gogc in gogcValues {
            for limit in limitValues {
                let setting = GCSetting(gogc: gogc, memoryLimitBytes: limit)
                if !plan.contains(setting) { plan.append(setting) }
            }
        }
        return PlannedSampler(name: "grid", plan: plan)
    }

    /// A Latin hypercube over the space's ranges (log scale), `settingCount` settings including
    /// the Go default. `off` is an arm: when a domain includes it, about 1 in (levels + 1)
    /// samples take it. Explicit lists are sampled uniformly by stratum. Seeded.
    public static func latinHypercube(space: SearchSpace, settingCount: Int, seed: UInt64) -> PlannedSampler {
        var generator = SeededGenerator(seed: seed)
        let n = max(settingCount - 1, 1)
        let gogcUnits = stratified(n, &generator)
        let limitUnits = stratified(n, &generator)
        var plan: [GCSetting] = [.goDefault]
        for i in 0..<n {
            let gogc = draw(space.gogc, unit: gogcUnits[i], &generator) { SettingRounding.gogc($0) }
            let limit = draw(space.memoryLimit, unit: limitUnits[i], &generator) { SettingRounding.memoryLimit($0) }
            let setting = GCSetting(gogc: gogc, memoryLimitBytes: limit)
            if !plan.contains(setting) { plan.append(setting) }
        }
        return PlannedSampler(name: "latin-hypercube", plan: plan)
    }

    private static func fixedCount<V>(_ domain: ParameterDomain<V>) -> Int? {
        if case .values(let values) = domain { return values.count }
        return nil
    }

    /// `count` values of the domain: the list itself, or log-spaced levels from min to max with
    /// `off` as one of the levels when included.
    private static func levels<V: BinaryInteger>(
        _ domain: ParameterDomain<V>, count: Int, round: (Double) -> V
    ) -> [V?] {
        switch domain {
        case .values(let values): return values
        case .range(let min, let max, let includesOff):
            let numeric = includesOff ? Swift.max(count - 1, 1) : count
            var result: [V?] = logSpaced(Double(min), Double(max), numeric).map(round)
            if includesOff { result.append(nil) }
            var unique: [V?] = []
            for value in result where !unique.contains(value) { unique.append(value) }
            return unique
        }
    }

    private static func logSpaced(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        guard count > 1, high > low else { return [low] }
        let step = (log(high) - log(low)) / Double(count - 1)
        return (0..<count).map { exp(log(low) + Double($0) * step) }
    }

    /// n points in [0,1), one per stratum, in shuffled order.
    private static func stratified(_ n: Int, _ generator: inout SeededGenerator) -> [Double] {
        var units = (0..<n).map { (Double($0) + generator.nextUnit()) / Double(n) }
        units.shuffle(using: &generator)
        return units
    }

    private static func draw<V: BinaryInteger>(
        _ domain: ParameterDomain<V>, unit: Double, _ generator: inout SeededGenerator, round: (Double) -> V
    ) -> V? {
        switch domain {
        case .values(let values):
            return values[Swift.min(Int(unit * Double(values.count)), values.count - 1)]
        case .range(let min, let max, let includesOff):
            if includesOff && generator.nextUnit() < 0.15 { return nil }
            let low = log(Double(min))
            let high = log(Double(max))
            return round(exp(low + unit * (high - low)))
        }
    }
}

/// The order trials run in: round r measures every planned setting once (repeat r), in a
/// freshly shuffled order, so slow drift of a shared machine spreads over all settings instead
/// of biasing whichever ran last. Seeded.
public func interleavedSchedule(settings: [GCSetting], repeats: Int, seed: UInt64) -> [(setting: GCSetting, repeatIndex: Int)] {
    var generator = SeededGenerator(seed: seed)
    var schedule: [(GCSetting, Int)] = []
    for round in 0..<repeats {
        for setting in settings.shuffled(using: &generator) { schedule.append((setting, round)) }
    }
    return schedule
}
