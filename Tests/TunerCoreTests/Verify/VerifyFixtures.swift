import Foundation

@testable import TunerCore

/// Samples with the figures a verification reads: throughput, latency p99, CPU, GC cycles with
/// their live heap.
enum VerifyFixtures {
    static func sample(
        _ index: Int, _ setting: GCSetting, throughput: Double, latencyP99: Double = 10, liveHeapMiB: Int = 40,
        cycles: Int = 12, gcShare: Double = 0.1, seconds: Double = 6
    ) -> TrialSample {
        let end: Int64 = 10_000_000_000 + Int64(index) * 100_000_000_000
        let load = LoadResult(
            operations: Int(throughput * seconds), throughputOpsPerSecond: throughput, latencyP50Millis: latencyP99 / 3,
            latencyP90Millis: latencyP99 / 2, latencyP99Millis: latencyP99, latencyMaxMillis: latencyP99 * 2, errors: 0, converged: true,
            windowStartUnixNanos: end - Int64(seconds * 1e9), windowEndUnixNanos: end)
        let gcCycles = (0..<cycles).map { n in
            GCCycle(
                number: n + 1, startSeconds: Double(n) * seconds / Double(max(cycles, 1)), cumulativeCPUPercent: 1,
                sweepTerminationMillis: 0.05, concurrentMarkMillis: 2, markTerminationMillis: 0.1, cpuMillis: 3, heapStartMiB: 80,
                heapEndMiB: 81, liveHeapMiB: liveHeapMiB, heapGoalMiB: 90, processors: 1, forced: false)
        }
        var sample = TrialSample(
            trialIndex: index, setting: setting, repeatIndex: index, outcome: .measured, startedAtUnixSeconds: Double(index),
            wallSeconds: seconds + 2, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: load,
            gc: GCObservation(cycles: gcCycles, windowSeconds: seconds, processors: 1, malformedLines: 0), memory: nil)
        sample.serviceCPU = ServiceCPU(cpuSeconds: seconds * 0.9, wallSeconds: seconds, gcShare: gcShare)
        return sample
    }
}
