import Foundation
import TunerCore

/// Reads a process's resident set size from /proc a few times a second on a background
/// thread (one `read` of /proc/PID/status per tick: negligible CPU), and enforces a safety cap.
public final class MemorySampler: MemoryWatch, @unchecked Sendable {
    public typealias Reading = MemoryReadings.Reading

    private let pid: Int32
    private let intervalSeconds: Double
    private let capBytes: Int64
    private let lock = NSLock()
    private var readings: [Reading] = []
    private var peakBytes: Int64 = 0
    private var running = true
    private var exceeded = false
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - pid: process to watch.
    ///   - intervalSeconds: time between readings (default 0.2 s = 5 Hz).
    ///   - capBytes: when RSS exceeds it, the process group gets SIGKILL and `exceededCap` is set.
    public init(pid: Int32, intervalSeconds: Double = 0.2, capBytes: Int64) {
        self.pid = pid
        self.intervalSeconds = intervalSeconds
        self.capBytes = capBytes
        let thread = Thread { [weak self] in self?.loop() }
        thread.name = "rss-sampler"
        self.thread = thread
        thread.start()
    }

    private func loop() {
        while true {
            lock.lock()
            let keepGoing = running
            lock.unlock()
            guard keepGoing else { break }
            if let status = Self.readStatus(pid: pid) {
                lock.lock()
                readings.append(Reading(unixNanos: unixNanos(), bytes: status.rss))
                peakBytes = max(peakBytes, status.hwm, status.rss)
                if status.rss > capBytes && !exceeded {
                    exceeded = true
                    kill(-pid, SIGKILL)
                }
                lock.unlock()
            }
            Thread.sleep(forTimeInterval: intervalSeconds)
        }
        done.signal()
    }

    /// Takes a last reading, stops the thread and returns what was seen.
    public func finish() -> MemoryReadings {
        lock.lock()
        let alreadyFinished = !running
        lock.unlock()
        if alreadyFinished {
            lock.lock()
            defer { lock.unlock() }
            return MemoryReadings(readings: readings, peakBytes: peakBytes, exceededCap: exceeded)
        }
        if let status = Self.readStatus(pid: pid) {
            lock.lock()
            readings.append(Reading(unixNanos: unixNanos(), bytes: status.rss))
            peakBytes = max(peakBytes, status.hwm, status.rss)
            lock.unlock()
        }
        lock.lock()
        running = false
        lock.unlock()
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return MemoryReadings(readings: readings, peakBytes: peakBytes, exceededCap: exceeded)
    }

    /// VmRSS and VmHWM of `pid` in bytes, or nil if the process is gone.
    static func readStatus(pid: Int32) -> (rss: Int64, hwm: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var rss: Int64?
        var hwm: Int64?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kilobytes(line) } else if line.hasPrefix("VmHWM:") { hwm = kilobytes(line) }
        }
        guard let rss else { return nil }
        return (rss, hwm ?? rss)
    }

    private static func kilobytes(_ line: Substring) -> Int64? {
        let digits = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
        return digits.flatMap { Int64($0) }.map { $0 * 1024 }
    }

}
