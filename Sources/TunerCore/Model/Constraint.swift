/// A bound on a metric, e.g. `latency_p99_ms <= 120` or `rss_peak <= 1GiB`.
public struct Constraint: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Comparison: String, Sendable, Codable {
        case atMost = "<="
        case atLeast = ">="
    }

    public var metric: Metric
    public var comparison: Comparison
    /// In the metric's units (bytes for `rss_peak`).
    public var bound: Double

    public init(metric: Metric, comparison: Comparison, bound: Double) {
        self.metric = metric
        self.comparison = comparison
        self.bound = bound
    }

    /// Why a constraint string cannot be read.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `"<metric> <= <value>"` or `">="`; byte metrics accept Go sizes (`1GiB`).
    public init(parsing text: String) throws(ParseError) {
        let comparison: Comparison
        let parts: [Substring]
        if text.contains("<=") {
            comparison = .atMost
            parts = text.split(separator: "<=", maxSplits: 1, omittingEmptySubsequences: false)
        } else if text.contains(">=") {
            comparison = .atLeast
            parts = text.split(separator: ">=", maxSplits: 1, omittingEmptySubsequences: false)
        } else {
            throw ParseError(description: "constraint '\(text)' needs <= or >=, e.g. 'latency_p99_ms <= 120'")
        }
        let name = String(parts[0]).trimmingSpaces
        let valueText = String(parts[1]).trimmingSpaces
        guard let metric = Metric(rawValue: name) else {
            throw ParseError(
                description:
                    "constraint '\(text)': unknown metric '\(name)'; known: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let bound: Double
        if metric.isBytes, let bytes = try? ByteSize.parse(valueText) {
            bound = Double(bytes)
        } else if let number = Double(valueText), number.isFinite {
            bound = number
        } else {
            let hint = metric.isBytes ? "a size such as 1GiB" : "a number"
            throw ParseError(description: "constraint '\(text)': '\(valueText)' is not \(hint)")
        }
        self.init(metric: metric, comparison: comparison, bound: bound)
    }

    public func isMet(by value: Double) -> Bool {
        comparison == .atMost ? value <= bound : value >= bound
    }

    public var description: String {
        let boundText = metric.isBytes ? ByteSize.goSyntax(Int64(bound)) : formatFixed(bound, decimals: bound == bound.rounded() ? 0 : 3)
        return "\(metric.rawValue) \(comparison.rawValue) \(boundText)"
    }
}
