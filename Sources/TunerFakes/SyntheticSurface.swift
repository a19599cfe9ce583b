import Foundation
import TunerCore

/// A synthetic recorded surface for tests of replayed studies and of the search benchmark:
/// 6 GOGC values × (128 MiB, no limit) × 3 repeats; throughput and pauses grow with GOGC.
public enum SyntheticSurface {
    public static func samples() -> [TrialSample] {
        var samples: [TrialSample] = []
        for (g, gogc) in [25, 50, 100, 200, 400, 800].enumerated() {
            for limit: Int64? in [128 << 20, nil] {
                for r in 0..<3 {
                    let pause = 0.1 + 0.05 * Double(g) + Double(r) * 0.002
                    let cycle = GCCycle(
                        number: 1, startSeconds: 1, cumulativeCPUPercent: 1, sweepTerminationMillis: pause, concurrentMarkMillis: 1,
                        markTerminationMillis: pause, cpuMillis: 1, heapStartMiB: 1, heapEndMiB: 1, liveHeapMiB: 1,
                        heapGoalMiB: 1, processors: 2, forced: false)
                    samples.append(
                        trial(
                            index: samples.count, GCSetting(gogc: gogc, memoryLimitBytes: limit), repeatIndex: r,
                            throughput: 3000 + 400 * Double(g) + Double(r) * 10 - (limit == nil ? 0 : 150),
                            gc: GCObservation(cycles: [cycle], windowSeconds: 1, processors: 2, malformedLines: 0)))
                }
            }
        }
        return samples
    }

    /// One measured trial of a 1 s window: `throughput` ops/s, latency p99 3 ms, peak RSS 50 MiB.
    public static func trial(index: Int, _ setting: GCSetting, repeatIndex: Int, throughput: Double, gc: GCObservation) -> TrialSample {
        var sample = TrialSample(
            trialIndex: index, setting: setting, repeatIndex: repeatIndex, outcome: .measured,
            startedAtUnixSeconds: 0, wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
            load: nil, gc: gc, memory: nil)
        sample.load = LoadResult(
            operations: 1, throughputOpsPerSecond: throughput, latencyP50Millis: 1, latencyP90Millis: 2,
            latencyP99Millis: 3, latencyMaxMillis: 4, errors: 0, converged: true,
            windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000)
        sample.memory = MemoryObservation(peakBytes: 50 << 20, windowStartBytes: 50 << 20, windowEndBytes: 50 << 20, sampleCount: 5)
        return sample
    }
}
