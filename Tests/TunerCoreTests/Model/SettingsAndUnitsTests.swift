import Testing

@testable import TunerCore

@Suite struct SettingsAndUnitsTests {
    @Test func byteSizesParseInGoSyntax() throws {
        #expect(try ByteSize.parse("512MiB") == 512 << 20)
        #expect(try ByteSize.parse("1GiB") == 1 << 30)
        #expect(try ByteSize.parse("4096") == 4096)
        #expect(try ByteSize.parse("100B") == 100)
        #expect(try ByteSize.parse("2TiB") == 2 << 40)
    }

    @Test(arguments: ["12XB", "1.5GiB", "512MB", "-1MiB", "", "MiB", "10 GiB x", "99999999999TiB"])
    func sizesOutsideGoSyntaxAreRejected(_ text: String) {
        #expect(throws: ByteSize.ParseError.self) { try ByteSize.parse(text) }
    }

    @Test func goSyntaxRoundTripsThroughTheParser() throws {
        for bytes: Int64 in [1, 1000, 1024, 3 << 20, 5 << 30, (1 << 30) + 1] {
            #expect(try ByteSize.parse(ByteSize.goSyntax(bytes)) == bytes)
        }
        #expect(ByteSize.goSyntax(512 << 20) == "512MiB")
    }

    @Test func settingEnvironmentUsesGoSpelling() {
        let setting = GCSetting(gogc: nil, memoryLimitBytes: 256 << 20)
        #expect(setting.environment == ["GOGC": "off", "GOMEMLIMIT": "256MiB"])
        #expect(GCSetting.goDefault.environment == ["GOGC": "100", "GOMEMLIMIT": "off"])
    }

    @Test func durationsNeedAUnit() throws {
        #expect(try DurationText.seconds("500ms") == 0.5)
        #expect(try DurationText.seconds("8s") == 8)
        #expect(try DurationText.seconds("1.5m") == 90)
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds("8") }
        #expect(throws: DurationText.ParseError.self) { try DurationText.seconds("-1s") }
    }

    @Test func constraintsParseMetricComparisonAndBound() throws {
        let latency = try Constraint(parsing: "latency_p99_ms <= 120")
        #expect(latency == Constraint(metric: .latencyP99Millis, comparison: .atMost, bound: 120))
        let rss = try Constraint(parsing: "rss_peak<=1GiB")
        #expect(rss.bound == Double(1 << 30))
        #expect(rss.isMet(by: 1e9) && !rss.isMet(by: 2e9))
        #expect(throws: Constraint.ParseError.self) { try Constraint(parsing: "latency_p99 <= 1") }
        #expect(throws: Constraint.ParseError.self) { try Constraint(parsing: "rss_peak < 1GiB") }
        #expect(throws: Constraint.ParseError.self) { try Constraint(parsing: "rss_peak <= lots") }
    }
}

@Suite struct SteadyRSSTrendTests {
    func observation(_ readings: [(seconds: Double, bytes: Double)]) -> MemoryObservation {
        var observation = MemoryObservation(peakBytes: 1, windowStartBytes: 1, windowEndBytes: 1, sampleCount: readings.count)
        observation.fitSteadyTrend(readings)
        return observation
    }

    @Test func aLinearRiseGivesItsSlopeAsPercentOfTheMeanPerMinute() throws {
        // 100 MiB mean, rising 1 MiB/s: 60 % of the mean per minute, no residual.
        let readings: [(seconds: Double, bytes: Double)] = (0..<11).map { i in
            let t = Double(i) * 0.2
            return (t, (99 + t) * 1_048_576)
        }
        let trend = observation(readings)
        #expect(abs(try #require(trend.steadyTrendPercentPerMinute) - 60) < 1e-9)
        #expect(abs(try #require(trend.steadyTrendLowerPercentPerMinute) - 60) < 1e-6)
        #expect(trend.steadyTrendReadings == 11)
    }

    @Test func aSawtoothWithoutGrowthHasAnIntervalAroundZero() throws {
        let readings: [(seconds: Double, bytes: Double)] = (0..<16).map { i in
            let spike: Double = i % 4 == 0 ? 8 : 0
            return (Double(i) * 0.2, (100 + spike) * 1_048_576)
        }
        let trend = observation(readings)
        #expect(try #require(trend.steadyTrendLowerPercentPerMinute) < 0)
        #expect(try #require(trend.steadyTrendUpperPercentPerMinute) > 0)
    }

    @Test func fewerThanFourReadingsGiveNoTrend() {
        #expect(observation([(0, 1), (1, 2), (2, 3)]).steadyTrendPercentPerMinute == nil)
    }
}
