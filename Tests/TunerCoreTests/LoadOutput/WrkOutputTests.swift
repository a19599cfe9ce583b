import Testing

@testable import TunerCore

/// wrk 4.1.0 output captured against the bundled collab-server (Fixtures/loads/README.md).
@Suite struct WrkOutputTests {
    @Test func normalRunGivesRequestsThroughputPercentilesAndMax() throws {
        let report = try WrkOutput.parse(LoadFixtures.text("wrk-normal.txt"))
        #expect(report.url == "http://127.0.0.1:18431/docs/d1/view")
        #expect(report.nominalDurationSeconds == 3)
        #expect(report.threads == 2 && report.connections == 16)
        #expect(report.latency == WrkThreadStats(mean: 15.68, stdev: 17.44, max: 129.45, withinStdevPercent: 86.48))
        let rate = try #require(report.requestsPerThreadPerSecond)
        #expect(rate.mean == 700.75 && rate.stdev == 110.53 && rate.max == 900 && rate.withinStdevPercent == 65)
        #expect(report.latencyDistributionMillis == [50: 11.28, 75: 22.74, 90: 38.23, 99: 78.90])
        #expect(report.requests == 4195)
        #expect(report.durationSeconds == 3.01)
        #expect(close(report.bytesRead, 534.88 * 1024 * 1024, tolerance: 1e-3))
        #expect(close(report.transferBytesPerSecond, 177.88 * 1024 * 1024, tolerance: 1e-3))
        #expect(report.requestsPerSecond == 1395.13)
        #expect(report.socketErrors == WrkSocketErrors())
        #expect(report.unparsedLines.isEmpty)

        let m = report.measurement
        #expect(m.operations == 4195 && m.durationSeconds == 3.01 && m.throughputPerSecond == 1395.13)
        #expect(close(m.p50Millis, 11.28) && close(m.p90Millis, 38.23) && close(m.p99Millis, 78.90))
        #expect(m.latencyPercentilesMillis[75] != nil && m.latencyPercentilesMillis[95] == nil)
        #expect(close(m.maxMillis, 129.45) && close(m.meanMillis, 15.68))
        #expect(m.errors == 0 && m.errorBreakdown.isEmpty && m.attempted == 4195 && m.errorRate == 0)
        #expect(m.notes.isEmpty && m.reportedThroughputPerSecond == nil)
    }

    @Test func non2xxResponsesAreStatusErrorsAndStillCompletedRequests() throws {
        let m = try WrkOutput.parse(LoadFixtures.text("wrk-404.txt")).measurement
        #expect(m.operations == 28762)
        #expect(m.errors == 28762 && m.errorBreakdown == ["status": 28762])
        #expect(m.errorRate == 1)
        #expect(close(m.p50Millis, 0.735))  // "735.00us"
        #expect(close(m.p99Millis, 126.76))
        #expect(m.throughputPerSecond == 14258.13)
    }

    @Test func deadServerSocketErrorsAreCountedByKind() throws {
        let report = try WrkOutput.parse(LoadFixtures.text("wrk-server-killed.txt"))
        #expect(report.socketErrors == WrkSocketErrors(connect: 0, read: 18, write: 259899, timeout: 0))
        let m = report.measurement
        #expect(m.operations == 1836)
        #expect(m.errors == 259917 && m.errorBreakdown == ["read": 18, "write": 259899])
        #expect(m.attempted == 1836 + 18 + 259899)
        #expect(close(m.p99Millis, 53.69))
    }

    @Test func responsesPastTheTimeoutCarryNoLatencyFigures() throws {
        let report = try WrkOutput.parse(LoadFixtures.text("wrk-timeout.txt"))
        #expect(report.latency?.withinStdevPercent == nil)  // "-nan%"
        #expect(report.socketErrors.timeout == 2794)
        let m = report.measurement
        #expect(m.latencyPercentilesMillis.isEmpty && m.p99Millis == nil && m.maxMillis == nil && m.meanMillis == nil)
        #expect(m.errors == 2794 && m.errorBreakdown == ["timeout": 2794])
        #expect(m.operations == 2794 && m.throughputPerSecond == 1393.47)
        #expect(m.notes.count == 1)
    }

    @Test func runThatCouldNotConnectIsAnErrorListingItsLines() throws {
        let output = try LoadFixtures.text("wrk-refused.txt")
        #expect(
            throws: LoadOutputError.incomplete(
                tool: "wrk", missing: ["N requests in Xs, Y read", "Requests/sec:"],
                unreadLines: ["unable to connect to 127.0.0.1:18439 Connection refused"])
        ) {
            try WrkOutput.parse(output)
        }
        do {
            _ = try WrkOutput.parse(output)
        } catch {
            #expect(error.description.contains("| unable to connect to 127.0.0.1:18439 Connection refused"))
            #expect(error.description.contains("`Requests/sec:`"))
        }
    }

    @Test func truncatedOutputNamesTheMissingSummaryLine() throws {
        let lines = try LoadFixtures.text("wrk-normal.txt").split(separator: "\n")
        let cut = lines.filter { !$0.hasPrefix("Requests/sec:") }.joined(separator: "\n")
        #expect(throws: LoadOutputError.incomplete(tool: "wrk", missing: ["Requests/sec:"], unreadLines: [])) {
            try WrkOutput.parse(cut)
        }
    }

    @Test func scriptOutputIsKeptAsUnparsedLines() throws {
        let output = try "loading script\n" + LoadFixtures.text("wrk-normal.txt") + "\nsummary from done(): 42\n"
        let m = try WrkOutput.parse(output).measurement
        #expect(m.unparsedLines == ["loading script", "summary from done(): 42"])
        #expect(m.operations == 4195)
    }

    @Test func runWithoutLatencyFlagHasNoPercentilesButAMax() throws {
        let lines = try LoadFixtures.text("wrk-normal.txt").split(separator: "\n")
        // Without --latency wrk prints neither the block header nor its "  50%   11.28ms" rows.
        let noDistribution = lines.filter {
            !$0.contains("Latency Distribution") && $0.firstMatch(of: #/^\s+\d+%/#) == nil
        }.joined(separator: "\n")
        let m = try WrkOutput.parse(noDistribution).measurement
        #expect(m.latencyPercentilesMillis.isEmpty)
        #expect(close(m.maxMillis, 129.45))
        #expect(m.notes == ["wrk printed no Latency Distribution: run it with --latency for percentiles"])
    }

    /// Values as `format_units` in wrk's src/units.c prints them.
    @Test(arguments: [
        ("12.34us", 0.01234), ("850.00us", 0.85), ("0.85ms", 0.85), ("849.99ms", 849.99),
        ("1.00s", 1000), ("50.99s", 50990), ("0.85m", 51000), ("2h", 7_200_000),
    ])
    func timeUnitsBecomeMilliseconds(token: String, millis: Double) {
        #expect(close(WrkUnits.millis(Substring(token)), millis, tolerance: 1e-9 * millis))
    }

    @Test func countAndByteSuffixesScaleBy1000And1024() {
        #expect(WrkUnits.metric("700.75") == 700.75)
        #expect(WrkUnits.metric("0.90k") == 900)
        #expect(WrkUnits.metric("1.20M") == 1_200_000)
        #expect(WrkUnits.metric("2.00G") == 2e9)
        #expect(WrkUnits.bytes("512.00B") == 512)
        #expect(WrkUnits.bytes("1.50KB") == 1536)
        #expect(WrkUnits.bytes("2.00GB") == 2_147_483_648)
        #expect(WrkUnits.bytes("1.50K") == nil)  // wrk always appends B
        #expect(WrkUnits.millis("1.5") == nil)  // a time always has a unit
        #expect(WrkUnits.metric("nan") == nil)
    }

    @Test func headerOfAOneMinuteRunReadsItsNominalDuration() throws {
        // Header and summary lines in the layout of main() in wrk.c, for a 1-minute run.
        let output = """
            Running 1m test @ http://127.0.0.1:8080/
              4 threads and 64 connections
            1234567 requests in 1.00m, 1.18GB read
            Requests/sec:  20576.12
            Transfer/sec:     20.14MB
            """
        let report = try WrkOutput.parse(output)
        #expect(report.nominalDurationSeconds == 60 && report.durationSeconds == 60)
        #expect(report.threads == 4 && report.connections == 64)
        #expect(report.latency == nil && report.measurement.maxMillis == nil)
    }
}
