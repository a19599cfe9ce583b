import Foundation
import TunerCore

/// A character scatter of a report's first two objectives, for the terminal summary: x is the
/// first objective, y the second, each setting at its medians. A pure function of the report:
/// the marks show the report's own frontier, feasibility, default and recommendation; nothing
/// is chosen here.
///
/// Marks, the later winning where two settings share a cell: `·` dominated, `*` on the
/// frontier (of all the report's objectives, so a `*` may look dominated in two of them),
/// `x` infeasible (violates a constraint), `d` the Go default, `@` recommended.
/// An axis is logarithmic when its values are positive and span more than 10×.
public enum FrontierPlot {
    /// The plot's lines, or nil when the report has fewer than two objectives or no setting
    /// carries both. `width` × `height` is the plotting area in characters.
    public static func render(_ report: FrontierReport, width: Int = 60, height: Int = 15) -> String? {
        guard report.objectives.count >= 2, width >= 2, height >= 2 else { return nil }
        let (xMetric, xDirection) = report.objectives[0]
        let (yMetric, yDirection) = report.objectives[1]
        struct Point {
            var x: Double
            var y: Double
            var mark: Character
            var rank: Int
        }
        var points: [Point] = []
        for (index, row) in report.rows.enumerated() {
            guard let x = row.metrics[xMetric]?.value, let y = row.metrics[yMetric]?.value, x.isFinite, y.isFinite else { continue }
            let (mark, rank): (Character, Int)
            if index == report.recommendationIndex {
                (mark, rank) = ("@", 4)
            } else if index == report.baselineIndex {
                (mark, rank) = ("d", 3)
            } else if !row.isFeasible {
                (mark, rank) = ("x", 2)
            } else if row.onFrontier {
                (mark, rank) = ("*", 1)
            } else {
                (mark, rank) = ("·", 0)
            }
            points.append(Point(x: x, y: y, mark: mark, rank: rank))
        }
        guard !points.isEmpty else { return nil }
        let xAxis = Axis(points.map(\.x))
        let yAxis = Axis(points.map(\.y))

        var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
        var ranks = [[Int]](repeating: [Int](repeating: -1, count: width), count: height)
        for point in points {
            let column = xAxis.cell(point.x, cells: width)
            let row = height - 1 - yAxis.cell(point.y, cells: height)
            if point.rank > ranks[row][column] {
                grid[row][column] = point.mark
                ranks[row][column] = point.rank
            }
        }

        let yHigh = yMetric.format(yAxis.high)
        let yLow = yMetric.format(yAxis.low)
        let margin = max(yHigh.count, yLow.count)
        func pad(_ text: String) -> String { String(repeating: " ", count: margin - text.count) + text }
        var lines = ["\(yMetric.label), \(better(yDirection)), \(yAxis.scaleName)"]
        for (index, cells) in grid.enumerated() {
            let label = index == 0 ? pad(yHigh) : index == height - 1 ? pad(yLow) : String(repeating: " ", count: margin)
            lines.append("\(label) |\(String(cells))".replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        lines.append(String(repeating: " ", count: margin) + " +" + String(repeating: "-", count: width))
        let xLow = xMetric.format(xAxis.low)
        let xHigh = xMetric.format(xAxis.high)
        let gap = max(width - xLow.count - xHigh.count, 1)
        lines.append(String(repeating: " ", count: margin + 2) + xLow + String(repeating: " ", count: gap) + xHigh)
        lines.append(String(repeating: " ", count: margin + 2) + "\(xMetric.label), \(better(xDirection)), \(xAxis.scaleName)")
        lines.append(
            "* frontier  · dominated  x infeasible  d Go default  @ recommended"
                + (report.recommendation.map { " (\($0.setting))" } ?? "") + "; one mark per setting at its medians")
        return lines.joined(separator: "\n")
    }

    static func better(_ direction: ObjectiveDirection) -> String {
        direction == .minimize ? "lower is better" : "higher is better"
    }

    /// One axis: the data's range, linear or logarithmic.
    struct Axis {
        var low: Double
        var high: Double
        var logarithmic: Bool

        init(_ values: [Double]) {
            low = values.min() ?? 0
            high = values.max() ?? 1
            logarithmic = low > 0 && high / low > 10
        }

        var scaleName: String { logarithmic ? "log scale" : "linear scale" }

        func transform(_ value: Double) -> Double { logarithmic ? log10(value) : value }

        /// The cell (0 ..< cells) of `value`, the range's ends on the first and last cell; every
        /// value in the middle when the range is a single value.
        func cell(_ value: Double, cells: Int) -> Int {
            let span = transform(high) - transform(low)
            guard span > 0 else { return cells / 2 }
            let position = (transform(value) - transform(low)) / span * Double(cells - 1)
            return min(max(Int(position.rounded()), 0), cells - 1)
        }
    }
}
