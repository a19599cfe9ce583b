import Testing

@testable import TunerCore

/// hey 0.1.4 output captured against the bundled collab-server (Fixtures/loads/README.md).
@Suite struct HeyOutputTests {
    @Test func normalRunGivesResponsesPercentilesAndSlowest() throws {
        let report = try HeyOutput.parse(LoadFixtures.text("hey-normal.txt"))
        #expect(report.totalSeconds == 2.0524)
        #expect(report.slowestSeconds == 0.2333 && report.fastestSeconds == 0.0008 && report.averageSeconds == 0.0251)
        #expect(report.requestsPerSecond == 625.5982)
        #expect(report.totalDataBytes == 171_523_140 && report.sizePerRequestBytes == 133_585)
        #expect(report.histogram.count == 11 && report.histogram.map(\.count).reduce(0, +) == 1284)
        #expect(report.histogram.first == HeyHistogramBucket(markSeconds: 0.001, count: 1))
        #expect(report.latencyDistributionSeconds == [10: 0.0029, 25: 0.0067, 50: 0.0160, 75: 0.0361, 90: 0.0590, 95: 0.0776, 99: 0.1112])
        #expect(report.details.keys.sorted() == ["DNS+dialup", "DNS-lookup", "req write", "resp read", "resp wait"])
        #expect(report.details["resp wait"] == HeyPhase(averageSeconds: 0.0240, secondSeconds: 0.0007, thirdSeconds: 0.2331))
        #expect(report.statusCodes == [200: 1284])
        #expect(report.errors.isEmpty && report.unparsedLines.isEmpty)

        let m = report.measurement
        #expect(m.operations == 1284 && m.durationSeconds == 2.0524)
        #expect(close(m.throughputPerSecond, 1284 / 2.0524))
        #expect(m.reportedThroughputPerSecond == 625.5982)
        #expect(close(m.p50Millis, 16.0) && close(m.p90Millis, 59.0) && close(m.p99Millis, 111.2))
        #expect(m.latencyPercentilesMillis.count == 7)
        #expect(close(m.maxMillis, 233.3) && close(m.meanMillis, 25.1))
        #expect(m.errors == 0 && m.attempted == 1284 && m.notes.isEmpty)
    }

    @Test func non2xxStatusCodesCountAsErrors() throws {
        let m = try HeyOutput.parse(LoadFixtures.text("hey-404.txt")).measurement
        #expect(m.operations == 27673)
        #expect(m.errors == 27673 && m.errorBreakdown == ["status 404": 27673])
        #expect(m.errorRate == 1)
        #expect(close(m.p99Millis, 8.4))
    }

    @Test func refusedConnectionsAreErrorsWithNoLatency() throws {
        let report = try HeyOutput.parse(LoadFixtures.text("hey-refused.txt"))
        #expect(report.averageSeconds == nil)  // "NaN secs"
        #expect(report.latencyDistributionSeconds.isEmpty && report.statusCodes.isEmpty)
        #expect(report.unparsedLines.isEmpty)  // the NaN Details rows are read too
        let message = #"Get "http://127.0.0.1:18439/docs/d1/view": dial tcp 127.0.0.1:18439: connect: connection refused"#
        #expect(report.errors == [message: 83476])
        let m = report.measurement
        #expect(m.operations == 0 && m.throughputPerSecond == 0)
        #expect(m.reportedThroughputPerSecond == 41686.4535)  // hey counts the failed attempts
        #expect(m.errors == 83476 && m.errorBreakdown == [message: 83476] && m.attempted == 83476)
        #expect(m.maxMillis == nil && m.meanMillis == nil && m.p99Millis == nil)
        #expect(m.notes == ["hey got no response: latency figures are absent"])
    }

    @Test func serverKilledMidRunMixesResponsesAndTransportErrors() throws {
        let m = try HeyOutput.parse(LoadFixtures.text("hey-server-killed.txt")).measurement
        #expect(m.operations == 1445)
        #expect(m.errors == 80187 && m.errorBreakdown.count == 2)
        #expect(m.attempted == 1445 + 80187)
        #expect(close(m.throughputPerSecond, 1445 / 3.0050))
        #expect(m.reportedThroughputPerSecond == 27165.4883)
        #expect(close(m.p99Millis, 53.6))
    }

    @Test func outputWithoutSummaryIsAnErrorListingItsLines() {
        // What hey before 0.1.4 prints when no request got a response: only the errors.
        let output = """

            Error distribution:
              [12]\tGet "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused

            """
        #expect(
            throws: LoadOutputError.incomplete(
                tool: "hey", missing: ["Summary:", "Total: … secs", "Requests/sec:"], unreadLines: [])
        ) {
            try HeyOutput.parse(output)
        }
        #expect(throws: LoadOutputError.self) { try HeyOutput.parse("hey: unknown flag -q") }
    }

    @Test func resultCapOfOneMillionFallsBackToRequestsPerSecondTimesTotal() {
        var report = HeyReport(totalSeconds: 100, requestsPerSecond: 20_000)
        report.statusCodes = [200: 1_000_000]
        report.errors = ["context deadline exceeded": 500]
        let m = report.measurement
        #expect(m.operations == 2_000_000 - 500)
        #expect(m.notes.count == 1)
    }

    @Test func zeroPercentPlaceholdersAreDropped() throws {
        // hey prints "0% in 0.0000 secs" for percentiles it has no value for (report.go, latencies).
        let output = try LoadFixtures.text("hey-normal.txt")
            .replacingOccurrences(of: "  10% in 0.0029 secs", with: "  0% in 0.0000 secs")
        let report = try HeyOutput.parse(output)
        #expect(report.latencyDistributionSeconds[10] == nil && report.latencyDistributionSeconds.count == 6)
        #expect(report.unparsedLines.isEmpty)
    }
}
