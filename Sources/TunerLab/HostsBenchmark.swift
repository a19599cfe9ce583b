import Foundation
@_spi(Lab) import TunerCore
import TunerFakes

/// A shared study on two hosts, replayed: what putting each host's figures on the reference
/// host's scale (``HostNormalisation``) buys the search. The truth, arms and scores are fixed in
/// experiments/bench/README.md ("Two hosts on one study").
public struct HostsBenchmark: Sendable {
    public enum Arm: String, Sendable, CaseIterable {
        /// Every trial on host a: the yardstick.
        case oneHost = "one host"
        /// Trials alternate between a and a slower b, hosts recorded: the product.
        case twoHostsScaled = "two hosts, scaled"
        /// The same trials with no host recorded: nothing is scaled.
        case twoHostsPooled = "two hosts, pooled"
    }

    /// One arm's run on one seed.
    public struct Run: Sendable {
        /// hv[t-1]: the share of the true hypervolume of the settings measured after t trials.
        public var hypervolumeShares: [Double]
        /// The surrogate's recommendation for `best throughput` after the run, and its true
        /// throughput as a share of the best on the grid (nil when it recommended nothing).
        public var recommendation: GCSetting?
        public var recommendationThroughputShare: Double?
    }

    public let bench: SearchBenchmark
    /// What host b's throughput (and operations) are multiplied by.
    public let slowdown: Double

    /// How many times host b measures its own Go default before the search goes on there (the
    /// noise check's runs, when the spec has one; 1 without).
    public let hostDefaults: Int

    public init(bench: SearchBenchmark, slowdown: Double = 0.8, hostDefaults: Int = 1) {
        self.bench = bench
        self.slowdown = slowdown
        self.hostDefaults = hostDefaults
    }

    /// The settings measured and the recommendation of `arm` with `seed`, after `budget` trials.
    public func run(_ arm: Arm, seed: UInt64, budget: Int) -> Run {
        let search = SurrogateSearch(
            space: bench.evaluator.space, objectives: bench.objectives, constraints: [], seed: seed, initialDesign: 5, stopFraction: 0)
        var samples: [TrialSample] = []
        func host(of index: Int) -> String { arm == .oneHost || index.isMultiple(of: 2) ? "a" : "b" }
        while samples.count < budget {
            let index = samples.count
            let setting: GCSetting
            if index < 3 {
                setting = .goDefault
            } else if host(of: index) == "b", samples.filter({ $0.host == "b" && $0.setting.isGoDefault }).count < hostDefaults {
                setting = .goDefault
            } else {
                guard case .measure(let next, _) = search.next(completed: visible(samples, arm)) else { break }
                setting = next
            }
            let repeatIndex = samples.filter { $0.setting == setting }.count
            var sample = bench.evaluator.run(
                setting: setting, trialIndex: index, repeatIndex: repeatIndex, seed: seed &* 1_000_003 &+ UInt64(index))
            sample.host = host(of: index)
            if sample.host == "b", var load = sample.load {
                load.throughputOpsPerSecond *= slowdown
                load.operations = Int((Double(load.operations) * slowdown).rounded())
                sample.load = load
            }
            samples.append(sample)
        }
        let trace = bench.trace(samples.map(\.setting)).map { $0 / bench.trueVolume }
        let throughputIndex = bench.objectives.firstIndex { $0.metric == .throughputOpsPerSecond }
        let recommended = throughputIndex.flatMap { k in
            search.recommendation(samples: visible(samples, arm), rule: .best(objective: k))?.setting
        }
        var share: Double?
        if let k = throughputIndex, let setting = recommended, let truth = bench.truth[setting] {
            let metric = Metric.throughputOpsPerSecond
            func unscaled(_ value: Double) -> Double { exp(value) - metric.logOffset }
            let best = bench.truth.values.map { unscaled($0[k]) }.max() ?? 1
            share = unscaled(truth[k]) / best
        }
        return Run(hypervolumeShares: trace, recommendation: recommended, recommendationThroughputShare: share)
    }

    /// What the search sees: with `twoHostsPooled`, no host.
    func visible(_ samples: [TrialSample], _ arm: Arm) -> [TrialSample] {
        guard arm == .twoHostsPooled else { return samples }
        return samples.map { sample in
            var pooled = sample
            pooled.host = nil
            return pooled
        }
    }
}
