import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

@Suite struct MemoryReadingsTests {
    @Test func theTrendIsFittedOnTheWindowsSecondHalfOnly() throws {
        // The heap fills in the first half (10 → 100 MiB), then stays flat: no trend.
        let readings = (0...40).map { i -> MemoryReadings.Reading in
            let t = Double(i) * 0.1
            return MemoryReadings.Reading(unixNanos: Int64(t * 1e9), bytes: Int64((10 + min(t / 2, 1) * 90) * 1_048_576))
        }
        let memory = try #require(
            MemoryReadings(readings: readings, peakBytes: 100 << 20, exceededCap: false)
                .observation(windowStart: 0, windowEnd: 4_000_000_000))
        #expect(abs(try #require(memory.steadyTrendPercentPerMinute)) < 1e-6)
        #expect(memory.growthFraction > 1, "start to end the fill shows as growth, which is why the table no longer shows it")
    }
}
