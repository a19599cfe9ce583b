import Foundation
import Testing

@testable import TunerCore

/// The host as a factor: a shared study's trials put on the reference host's scale through the
/// hosts' Go defaults, for the frontier and the surrogate.
struct HostNormalisationTests {
    func trial(_ host: String?, _ setting: GCSetting = .goDefault, throughput: Double, pause: Double = 1, index: Int) -> TrialSample {
        var sample = syntheticTrial(setting, index: index, pause: pause, throughput: throughput)
        sample.host = host
        return sample
    }

    /// Host b runs 20 % slower than host a, beyond the spread of the defaults' repeats. GOGC=400
    /// was measured on b only: 10 % above b's default, 12 % below a's.
    func slowerHostStudy(hosts: (String?, String?) = ("a", "b")) -> [TrialSample] {
        [
            trial(hosts.0, throughput: 1000, index: 0), trial(hosts.0, throughput: 1010, index: 1),
            trial(hosts.0, throughput: 990, index: 2), trial(hosts.1, throughput: 800, index: 3),
            trial(hosts.1, throughput: 805, index: 4),
            trial(hosts.1, GCSetting(gogc: 400, memoryLimitBytes: nil), throughput: 880, index: 5),
        ]
    }

    @Test func aSettingMeasuredOnASlowerHostIsJudgedAgainstThatHostsDefault() throws {
        let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [(.throughputOpsPerSecond, .maximize)]
        let report = FrontierReport.make(
            study: "s", samples: slowerHostStudy(), objectives: objectives, constraints: [], rule: .best(objective: 0), seed: 1)
        let hosts = try #require(report.hosts)
        let factor = try #require(hosts.factors["b"]?[.throughputOpsPerSecond])
        #expect(abs(factor - 1000 / 802.5) < 1e-9)
        #expect(hosts.factors["a"] == nil)
        let row = try #require(report.rows.first { $0.setting.gogc == 400 })
        #expect(abs((row.metrics[.throughputOpsPerSecond]?.value ?? 0) - 880 * factor) < 1e-6)
        #expect(report.recommendation?.setting == GCSetting(gogc: 400, memoryLimitBytes: nil), "\(report.recommendationExplanation)")
        #expect(hosts.lines.contains { $0.contains("b vs a: throughput_ops_per_sec -19.8 %, beyond noise") }, "\(hosts.lines)")
        #expect(hosts.lines.last?.contains("on a's scale") == true, "\(hosts.lines)")
        // The same figures from one unnamed machine: the slow default pulls the default's median
        // down, and GOGC=400's 880 loses to it.
        let pooled = FrontierReport.make(
            study: "s", samples: slowerHostStudy(hosts: (nil, nil)), objectives: objectives, constraints: [], rule: .best(objective: 0),
            seed: 1)
        #expect(pooled.hosts == nil)
        #expect(pooled.recommendation?.setting == .goDefault)
    }

    @Test func hostsWithinTheirNoiseAreTakenAsMeasured() throws {
        let samples = [
            trial("a", throughput: 1000, index: 0), trial("a", throughput: 1100, index: 1),
            trial("b", throughput: 1040, index: 2), trial("b", throughput: 960, index: 3),
        ]
        let hosts = try #require(HostNormalisation.of(samples, metrics: [.throughputOpsPerSecond]))
        #expect(!hosts.scales && hosts.factors.isEmpty)
        #expect(hosts.apply(samples) == samples)
        #expect(hosts.lines.contains { $0.contains("within noise") }, "\(hosts.lines)")
        #expect(hosts.lines.last?.contains("as measured") == true)
        #expect(HostNormalisation.of(Array(samples.prefix(2)), metrics: [.throughputOpsPerSecond]) == nil, "one host: no comparison")
    }

    @Test func withoutARepeatedDefaultNothingIsScaledAndTheNoiseIsUnknown() throws {
        let samples = [trial("a", throughput: 1000, index: 0), trial("b", throughput: 500, index: 1)]
        let hosts = try #require(HostNormalisation.of(samples, metrics: [.throughputOpsPerSecond]))
        #expect(!hosts.scales)
        #expect(hosts.lines.contains { $0.contains("noise unknown") }, "\(hosts.lines)")
    }

    @Test func applyingTwiceIsApplyingOnceAndSignedMetricsAreNeverScaled() throws {
        let samples = slowerHostStudy()
        let metrics: [Metric] = [.throughputOpsPerSecond, .rssGrowthPercent]
        let hosts = try #require(HostNormalisation.of(samples, metrics: metrics))
        let once = hosts.apply(samples)
        let again = try #require(HostNormalisation.of(once, metrics: metrics))
        #expect(again == hosts)
        #expect(again.apply(once) == once)
        #expect(hosts.factors["b"]?[.rssGrowthPercent] == nil)
        for (scaled, measured) in zip(once, samples) {
            #expect(Metric.rssGrowthPercent.value(of: scaled) == Metric.rssGrowthPercent.value(of: measured))
            #expect(Metric.throughputOpsPerSecond.measuredValue(of: scaled) == Metric.throughputOpsPerSecond.measuredValue(of: measured))
        }
    }

    /// The surrogate fitted on trials split between two hosts, b 30 % slower with pauses 40 %
    /// longer: its predicted throughput at its choice is on host a's scale, as if every trial had
    /// run there.
    @Test func theSurrogateReadsTwoHostsOnOneScale() throws {
        let space = SearchSpace(gogc: .range(min: 25, max: 1600, includesOff: false), memoryLimit: .values([nil]))
        let objectives: [(metric: Metric, direction: ObjectiveDirection)] = [
            (.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize),
        ]
        let search = SurrogateSearch(space: space, objectives: objectives, constraints: [], seed: 3)
        var generator = SeededGenerator(seed: 5)
        let settings: [GCSetting] =
            [.goDefault, .goDefault, .goDefault, .goDefault]
            + [25, 50, 75, 150, 200, 300, 400, 600, 800, 1200, 1600].map { GCSetting(gogc: $0, memoryLimitBytes: nil) }
        var mixed: [TrialSample] = []
        var oneHost: [TrialSample] = []
        for (index, setting) in settings.enumerated() {
            let truth = syntheticSurface(setting, noise: 0.02, generator: &generator)
            let onB = index % 2 == 1
            mixed.append(
                trial(
                    onB ? "b" : "a", setting, throughput: truth.throughput * (onB ? 0.7 : 1), pause: truth.pause * (onB ? 1.4 : 1),
                    index: index))
            oneHost.append(trial("a", setting, throughput: truth.throughput, pause: truth.pause, index: index))
        }
        let hosts = try #require(HostNormalisation.of(mixed, metrics: objectives.map(\.metric)))
        #expect(hosts.factors["b"]?[.throughputOpsPerSecond] != nil && hosts.factors["b"]?[.pauseP99Millis] != nil, "\(hosts.lines)")
        let fromMixed = try #require(search.recommendation(samples: mixed, rule: .best(objective: 1)))
        let fromOneHost = try #require(search.recommendation(samples: oneHost, rule: .best(objective: 1)))
        let predicted = try #require(fromMixed.predicted[.throughputOpsPerSecond])
        let reference = try #require(fromOneHost.predicted[.throughputOpsPerSecond])
        #expect(
            abs(predicted / reference - 1) < 0.05, "mixed \(fromMixed.setting) \(predicted), one host \(fromOneHost.setting) \(reference)")
    }
}
