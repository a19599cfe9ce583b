import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// The terminal scatter of the first two objectives: its exact text on a fixed report.
@Suite struct FrontierPlotTests {
    /// Six settings, one trial each: (GOGC, pause p99 ms, throughput ops/s, peak RSS MiB).
    static let settings: [(Int?, Double, Double, Int64)] = [
        (25, 0.12, 4100, 30), (50, 0.35, 4900, 35), (100, 0.80, 5200, 40),
        (200, 1.9, 6100, 60), (400, 2.6, 5600, 90), (nil, 4.0, 6400, 400),
    ]

    /// The report with its marks fixed by hand (frontier, an infeasible GOGC=off, the default,
    /// GOGC=200 recommended), so the snapshot tests the plot and nothing that decides.
    static func report(
        objectives: [(metric: Metric, direction: ObjectiveDirection)] = [
            (.pauseP99Millis, .minimize), (.throughputOpsPerSecond, .maximize),
        ]
    ) -> FrontierReport {
        let samples = settings.enumerated().map { index, row in
            ProgressFixtures.sample(index, gogc: row.0, pauseMillis: row.1, throughput: row.2, rssMiB: row.3)
        }
        var report = FrontierReport.make(
            study: "plot", samples: samples, objectives: objectives, constraints: [],
            rule: .best(objective: objectives.count - 1), seed: 1)
        let rss = Constraint(metric: .rssPeakBytes, comparison: .atMost, bound: Double(256 << 20))
        for index in report.rows.indices {
            let gogc = report.rows[index].setting.gogc
            report.rows[index].onFrontier = [25, 50, 200].contains(gogc)
            report.rows[index].violatedConstraints = gogc == nil ? [rss] : []
        }
        report.baselineIndex = report.rows.firstIndex { $0.setting.isGoDefault }
        report.recommendationIndex = report.rows.firstIndex { $0.setting.gogc == 200 }
        return report
    }

    @Test func theScatterOfPauseAgainstThroughputMarksFrontierDominatedInfeasibleDefaultAndRecommended() throws {
        let plot = try #require(FrontierPlot.render(Self.report()))
        #expect(plot == Self.snapshot, "got:\n\(plot)")
    }

    static let snapshot = """
        throughput (ops/s), higher is better, linear scale
        6400 |                                                           x
             |
             |                                              @
             |
             |
             |                                                    ·
             |
             |                                d
             |
             |                  *
             |
             |
             |
             |
        4100 |*
             +------------------------------------------------------------
              0.120                                                  4.000
              pause p99 (ms), lower is better, log scale
        * frontier  · dominated  x infeasible  d Go default  @ recommended (GOGC=200 GOMEMLIMIT=off); one mark per setting at its medians
        """

    @Test func thePlotShowsTheReportsRecommendationAndChoosesNoneOfItsOwn() throws {
        var report = Self.report()
        // A dominated setting recommended (say, by a confirmation): it is the one marked @.
        report.recommendationIndex = report.rows.firstIndex { $0.setting.gogc == 400 }
        let plot = try #require(FrontierPlot.render(report))
        #expect(plot.components(separatedBy: "\n")[6].hasSuffix("@"))
        #expect(plot.components(separatedBy: "\n")[3].hasSuffix("*"))
        #expect(plot.contains("@ recommended (GOGC=400 GOMEMLIMIT=off)"))
        report.recommendationIndex = nil
        let none = try #require(FrontierPlot.render(report))
        #expect(!none.contains("@ recommended (") && none.filter { $0 == "@" }.count == 1)
    }

    @Test func axesFollowTheObjectivesOrderAndGoLogarithmicOnlyPastTenfold() throws {
        let plot = try #require(
            FrontierPlot.render(Self.report(objectives: [(.throughputOpsPerSecond, .maximize), (.rssPeakBytes, .minimize)])))
        let lines = plot.components(separatedBy: "\n")
        #expect(lines[0] == "peak RSS, lower is better, log scale")
        #expect(lines[1].hasPrefix("400.0 MiB |"))
        #expect(lines[15].hasPrefix(" 30.0 MiB |"))
        #expect(lines[17].trimmingCharacters(in: .whitespaces).hasPrefix("4100"))
        #expect(lines[18].contains("throughput (ops/s), higher is better, linear scale"))
    }

    @Test func noPlotWithoutTwoObjectivesOrWithoutMeasuredSettings() {
        #expect(FrontierPlot.render(Self.report(objectives: [(.throughputOpsPerSecond, .maximize)])) == nil)
        var empty = Self.report()
        for index in empty.rows.indices { empty.rows[index].metrics = [:] }
        #expect(FrontierPlot.render(empty) == nil)
    }

    @Test func oneSettingSitsInTheMiddleOfBothAxes() throws {
        var report = Self.report()
        report.rows = [report.rows[0]]
        report.baselineIndex = nil
        report.recommendationIndex = 0
        let lines = try #require(FrontierPlot.render(report, width: 11, height: 5)).components(separatedBy: "\n")
        #expect(lines[3] == "     |     @")
        #expect(lines[1].hasPrefix("4100 |") && lines[5].hasPrefix("4100 |"))
    }

    @Test func theSummaryShowsThePlotAfterTheTable() throws {
        let summary = ReportRenderer.summary(Self.report(), envFilePath: nil)
        let table = try #require(summary.range(of: "P(front) = share"))
        let plot = try #require(summary.range(of: "throughput (ops/s), higher is better"))
        let rule = try #require(summary.range(of: "Recommended: "))
        #expect(table.upperBound < plot.lowerBound && plot.upperBound < rule.lowerBound)
    }
}
