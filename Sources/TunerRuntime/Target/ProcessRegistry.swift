import Foundation
import TunerCore

#if canImport(Glibc)
    import Glibc
#endif

/// Process groups alive right now, so that exit paths and signal handlers can end them.
public final class ProcessRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var groups: Set<Int32> = []

    func add(_ process: SpawnedProcess) {
        lock.lock()
        groups.insert(process.pid)
        lock.unlock()
    }

    func remove(_ pid: Int32) {
        lock.lock()
        groups.remove(pid)
        lock.unlock()
    }

    /// Process-group ids still registered.
    public var live: [Int32] {
        lock.lock()
        defer { lock.unlock() }
        return Array(groups)
    }

    /// SIGKILLs every registered group (async-signal-unsafe parts avoided by the caller).
    public func killAll() {
        for pid in live { kill(-pid, SIGKILL) }
    }
}

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Unix time in nanoseconds.
public func unixNanos() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// CPU seconds (user + system) used by this process so far, children excluded.
public func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
