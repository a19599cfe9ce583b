import Foundation
import TunerCore

/// What a `MemoryWatch` saw.
public struct MemoryReadings: Sendable {
    /// One RSS reading: Unix time (ns) and bytes.
    public struct Reading: Sendable, Equatable {
        public var unixNanos: Int64
        public var bytes: Int64
        public init(unixNanos: Int64, bytes: Int64) {
            self.unixNanos = unixNanos
            self.bytes = bytes
        }
    }
    public var readings: [Reading]
    /// Largest RSS seen, kernel high-water mark included, bytes.
    public var peakBytes: Int64
    public var exceededCap: Bool

    public init(readings: [Reading], peakBytes: Int64, exceededCap: Bool) {
        self.readings = readings
        self.peakBytes = peakBytes
        self.exceededCap = exceededCap
    }

    /// Summarises readings for a window [start, end] in Unix ns.
    public func observation(windowStart: Int64, windowEnd: Int64) -> MemoryObservation? {
        guard !readings.isEmpty else { return nil }
        func nearest(_ time: Int64) -> Int64 {
            readings.min { abs($0.unixNanos - time) < abs($1.unixNanos - time) }!.bytes
        }
        var observation = MemoryObservation(
            peakBytes: peakBytes, windowStartBytes: nearest(windowStart),
            windowEndBytes: nearest(windowEnd), sampleCount: readings.count)
        let middle = windowStart + (windowEnd - windowStart) / 2
        observation.fitSteadyTrend(
            readings.filter { $0.unixNanos >= middle && $0.unixNanos <= windowEnd }
                .map { (Double($0.unixNanos - middle) / 1e9, Double($0.bytes)) })
        return observation
    }
}
