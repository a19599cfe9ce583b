import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// A study measured on two hosts: the summary and the JSON export say how the hosts' defaults
/// compare and which figures were put on the reference host's scale.
@Suite struct HostLinesTests {
    static func report() -> FrontierReport {
        let rows: [(String, Int?, Double)] = [
            ("a", 100, 1000), ("a", 100, 1010), ("a", 100, 990), ("b", 100, 800), ("b", 100, 805), ("b", 400, 880),
        ]
        let samples = rows.enumerated().map { index, row in
            var sample = ProgressFixtures.sample(index, gogc: row.1, pauseMillis: 1, throughput: row.2, rssMiB: 40)
            sample.host = row.0
            return sample
        }
        return FrontierReport.make(
            study: "hosts", samples: samples, objectives: [(.throughputOpsPerSecond, .maximize)], constraints: [],
            rule: .best(objective: 0), seed: 1)
    }

    @Test func theSummarySaysWhichHostWasScaledAndWhy() {
        let summary = ReportRenderer.summary(Self.report(), envFilePath: nil)
        #expect(
            summary.contains("hosts: a (3 default trial(s)), b (2 default trial(s)); each compared with a on the Go default"), "\(summary)")
        #expect(summary.contains("b vs a: throughput_ops_per_sec -19.8 %, beyond noise"), "\(summary)")
        #expect(summary.contains("the frontier and the surrogate read every host's trials on a's scale"), "\(summary)")
    }

    @Test func theJSONCarriesTheReferenceAndTheFactors() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: ReportRenderer.json(Self.report())) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [String: Any])
        #expect(hosts["reference"] as? String == "a")
        let factor = try #require((hosts["scaled"] as? [String: [String: Double]])?["b"]?["throughput_ops_per_sec"])
        #expect(abs(factor - 1000 / 802.5) < 1e-9)
        let withoutHosts = try #require(
            try JSONSerialization.jsonObject(with: ReportRenderer.json(FrontierPlotTests.report())) as? [String: Any])
        #expect(withoutHosts["hosts"] == nil, "one machine: no hosts key")
    }
}
