import Foundation
import Testing

@testable import TunerCore

@Suite struct TrendTests {
    @Test func aStraightLineIsFittedExactly() throws {
        let seconds = (0..<10).map { Double($0) * 6 }
        let trend = try #require(Trend.fit(seconds: seconds, values: seconds.map { 100 + 2 * $0 }))
        #expect(abs(trend.perMinute.value - 120) < 1e-9)
        #expect(abs(trend.rise - 108) < 1e-9)
        #expect(trend.risesBeyondNoise)
    }

    @Test func autocorrelatedNoiseWidensTheIntervalOverIndependentNoise() throws {
        // The same residual magnitudes, once alternating (independent-looking) and once in long
        // runs (a slow wander): the wander's effective sample size is smaller, its interval wider.
        let seconds = (0..<40).map { Double($0) }
        let alternating = seconds.enumerated().map { i, _ in i % 2 == 0 ? 1.0 : -1.0 }
        let wandering = seconds.enumerated().map { i, _ in (i / 10) % 2 == 0 ? 1.0 : -1.0 }
        let independent = try #require(Trend.fit(seconds: seconds, values: alternating))
        let correlated = try #require(Trend.fit(seconds: seconds, values: wandering))
        #expect(correlated.lag1Autocorrelation > 0.5)
        #expect(correlated.effectiveSampleCount < independent.effectiveSampleCount)
        #expect(correlated.perMinute.upper - correlated.perMinute.lower > 2 * (independent.perMinute.upper - independent.perMinute.lower))
    }

    @Test func aFlatNoisySeriesDoesNotRiseBeyondNoise() throws {
        var generator = SeededGenerator(seed: 5)
        let seconds = (0..<30).map { Double($0) * 2 }
        let values = seconds.map { _ in 50 + 3 * (2 * generator.nextUnit() - 1) }
        let trend = try #require(Trend.fit(seconds: seconds, values: values))
        #expect(!trend.risesBeyondNoise, "\(trend.perMinute)")
        #expect(Trend.fit(seconds: [1, 2, 3], values: [1, 2, 3]) == nil, "fewer than 4 readings")
    }
}
