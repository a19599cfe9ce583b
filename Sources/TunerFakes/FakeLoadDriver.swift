import Foundation
import TunerCore
import TunerRuntime

/// A load driver that returns what it is given, or fails, and records its invocations.
public final class FakeLoadDriver: LoadDriver, @unchecked Sendable {
    public var kindName: String { "fake" }
    private let lock = NSLock()
    /// Results of successive runs (warm-up included); the last one repeats. A `String` fails.
    private var outcomes: [Result<LoadResult, TrialFailure>]
    public private(set) var invocations: [LoadInvocation] = []
    /// Called at every run, before it answers (a test looks at the world while the load runs).
    public var onRun: ((LoadInvocation) -> Void)?

    public init(outcomes: [Result<LoadResult, TrialFailure>] = [.success(FakeLoadDriver.result())]) {
        self.outcomes = outcomes
    }

    /// A plausible measured window of `seconds` ending now.
    public static func result(throughput: Double = 1000, errors: Int = 0, requests: Int? = nil, seconds: Double = 1) -> LoadResult {
        let end = unixNanos()
        var result = LoadResult(
            operations: Int(throughput * seconds), throughputOpsPerSecond: throughput,
            latencyP50Millis: 1, latencyP90Millis: 2, latencyP99Millis: 3, latencyMaxMillis: 4,
            errors: errors, converged: nil,
            windowStartUnixNanos: end - Int64(seconds * 1e9), windowEndUnixNanos: end)
        result.tool = "fake"
        result.requests = requests
        return result
    }

    public func run(_ invocation: LoadInvocation) throws -> LoadResult {
        onRun?(invocation)
        lock.lock()
        defer { lock.unlock() }
        invocations.append(invocation)
        let outcome = outcomes.count > 1 ? outcomes.removeFirst() : outcomes[0]
        return try outcome.get()
    }
}
