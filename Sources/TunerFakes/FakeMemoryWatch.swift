import Foundation
import TunerCore
import TunerRuntime

/// Replays scripted RSS readings, one per second of a made-up clock.
final class FakeMemoryWatch: MemoryWatch, @unchecked Sendable {
    private let result: MemoryReadings

    init(readings bytes: [Int64], capBytes: Int64, owner: FakeProcess) {
        let start = unixNanos()
        let readings = bytes.enumerated().map {
            MemoryReadings.Reading(unixNanos: start + Int64($0.offset) * 1_000_000_000, bytes: $0.element)
        }
        let exceeded = bytes.contains { $0 > capBytes }
        if exceeded { owner.killedForMemory() }
        result = MemoryReadings(readings: readings, peakBytes: bytes.max() ?? 0, exceededCap: exceeded)
    }

    func finish() -> MemoryReadings { result }
}
