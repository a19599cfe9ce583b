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
