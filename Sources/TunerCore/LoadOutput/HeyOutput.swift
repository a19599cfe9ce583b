/// One `Details` row of hey: average, "fastest" and "slowest" seconds of one request phase.
///
/// hey 0.1.4 labels these columns the wrong way round (`ConnMax` is the smallest value) and
/// prints the whole request's fastest/slowest on the `DNS+dialup` row; the values are kept as
/// printed, in printed order.
public struct HeyPhase: Sendable, Equatable {
    public var averageSeconds: Double
    public var secondSeconds: Double
    public var thirdSeconds: Double
    public init(averageSeconds: Double, secondSeconds: Double, thirdSeconds: Double) {
        self.averageSeconds = averageSeconds
        self.secondSeconds = secondSeconds
        self.thirdSeconds = thirdSeconds
    }
}

/// One bar of hey's `Response time histogram`: requests at most `markSeconds` (and above the
/// previous mark).
public struct HeyHistogramBucket: Sendable, Equatable {
    public var markSeconds: Double
    public var count: Int
    public init(markSeconds: Double, count: Int) {
        self.markSeconds = markSeconds
        self.count = count
    }
}

/// Everything hey's default (summary) output says, in its own terms. `measurement` converts it.
public struct HeyReport: Sendable, Equatable {
    /// `Total:` seconds (the whole run, `-z` or until `-n` requests).
    public var totalSeconds: Double
    /// `Slowest:`, `Fastest:`, `Average:` in seconds over requests that got a response
    /// (`Average` is `nil` when hey printed `NaN`: no response at all).
    public var slowestSeconds: Double?
    public var fastestSeconds: Double?
    public var averageSeconds: Double?
    /// `Requests/sec:` as hey computes it: every finished attempt, failed ones included,
    /// over `Total`.
    public var requestsPerSecond: Double
    /// `Total data:` and `Size/request:` in bytes (printed only when a body was read).
    public var totalDataBytes: Int?
    public var sizePerRequestBytes: Int?
    public var histogram: [HeyHistogramBucket] = []
    /// `Latency distribution`: percentile (10, 25, 50, 75, 90, 95, 99) -> seconds. hey prints a
    /// percentile only when its value is above zero (`0% in 0.0000 secs` placeholders are dropped).
    public var latencyDistributionSeconds: [Double: Double] = [:]
    /// `Details`, keyed by row name (`DNS+dialup`, `DNS-lookup`, `req write`, `resp wait`, `resp read`).
    public var details: [String: HeyPhase] = [:]
    /// `Status code distribution`: HTTP status -> responses.
    public var statusCodes: [Int: Int] = [:]
    /// `Error distribution`: hey's error text -> count (requests without a response).
    public var errors: [String: Int] = [:]
    /// Lines not recognised, in order.
    public var unparsedLines: [String] = []

    /// hey keeps per-request results (and so status codes) for its first 1,000,000 responses only
    /// (`maxRes` in `requester/report.go`).
    public static let maxRecordedResults = 1_000_000

    /// The run in tool-independent terms.
    ///
    /// - `operations`: responses of any status (the sum of the status-code counts). If hey hit
    ///   its 1,000,000-result cap, it is `Requests/sec × Total − errors` instead, with a note.
    /// - `throughputPerSecond` = operations / `Total`; hey's own figure, which also counts
    ///   failed attempts, is `reportedThroughputPerSecond`.
    /// - `errors`: responses with a status outside 200...299 (`status NNN` in the breakdown) plus
    ///   every entry of the error distribution (keyed by hey's text).
    /// - `attempted` = operations + the error distribution's total.
    /// - Percentiles in milliseconds from the distribution; `maxMillis` from `Slowest`, kept only
    ///   when there was a response.
    public var measurement: LoadMeasurement {
        let transportErrors = errors.values.reduce(0, +)
        var operations = statusCodes.values.reduce(0, +)
        var notes: [String] = []
        if operations >= Self.maxRecordedResults {
            let estimated = Int((requestsPerSecond * totalSeconds).rounded()) - transportErrors
            if estimated > operations {
                notes.append(
                    "hey records status codes of its first \(Self.maxRecordedResults) responses only: operations estimated from Requests/sec × Total"
                )
                operations = estimated
            }
        }
        var breakdown: [String: Int] = [:]
        var statusErrors = 0
        for (code, count) in statusCodes where !(200...299).contains(code) {
            breakdown["status \(code)"] = count
            statusErrors += count
        }
        for (text, count) in errors { breakdown[text, default: 0] += count }
        let responded = operations > 0
        if !responded { notes.append("hey got no response: latency figures are absent") }
        return LoadMeasurement(
            operations: operations, durationSeconds: totalSeconds,
            throughputPerSecond: totalSeconds > 0 ? Double(operations) / totalSeconds : 0,
            reportedThroughputPerSecond: requestsPerSecond,
            latencyPercentilesMillis: latencyDistributionSeconds.mapValues { $0 * 1000 },
            meanMillis: responded ? averageSeconds.map { $0 * 1000 } : nil,
            maxMillis: responded ? slowestSeconds.map { $0 * 1000 } : nil,
            errors: statusErrors + transportErrors, errorBreakdown: breakdown,
            attempted: operations + transportErrors, unparsedLines: unparsedLines, notes: notes)
    }
}

/// Parses hey's default output (`hey -z 5s -c 16 URL`, not `-o csv`). Pure; no I/O.
///
/// The format follows `defaultTmpl` and `histogram` in hey's `requester/print.go` and
/// `snapshot` / `latencies` in `requester/report.go`, at v0.1.4 (Debian's 0.1.4 and the current
/// master print the same lines): section headers `Summary:`, `Response time histogram:`,
/// `Latency distribution:`, `Details (average, fastest, slowest):`,
/// `Status code distribution:`, `Error distribution:`; `key:<TAB>value` rows with numbers as
/// `%4.4f` (seconds), Go's `NaN` for an average of nothing; `  %4.3f [%v]<TAB>|∎∎∎` bars;
/// `  P% in S secs`; `  [code]<TAB>N responses`; `  [N]<TAB>error text`.
///
/// hey passes its rendered report through `Fprintf` as the format string, so an error text
/// holding `%` reaches the output garbled (`%!v(MISSING)`); such a text is kept as printed.
/// An output without `Summary:`, `Total:` or `Requests/sec:` is an error listing the lines it
/// could not read (older hey versions print no summary when no request got a response).
public enum HeyOutput {
    private enum Section { case none, summary, histogram, latency, details, status, errors }

    public static func parse(_ output: String) throws(LoadOutputError) -> HeyReport {
        var report = HeyReport(totalSeconds: 0, requestsPerSecond: 0)
        var section = Section.none
        var sawSummary = false
        var sawTotal = false
        var sawRate = false
        var unread: [String] = []
        for raw in OutputLines.split(output) {
            let line = OutputLines.trimmed(raw)
            if line.isEmpty { continue }
            switch line {
            case "Summary:":
                section = .summary
                sawSummary = true
                continue
            case "Response time histogram:":
                section = .histogram
                continue
            case "Latency distribution:":
                section = .latency
                continue
            case "Details (average, fastest, slowest):":
                section = .details
                continue
            case "Status code distribution:":
                section = .status
                continue
            case "Error distribution:":
                section = .errors
                continue
            default: break
            }
            var understood = false
            switch section {
            case .summary:
                understood = summaryRow(line, into: &report, sawTotal: &sawTotal, sawRate: &sawRate)
            case .histogram:
                // "  %4.3f [%v]\t|%v"
                let t = OutputLines.tokens(line.prefix { $0 != "|" })
                if t.count == 2, let mark = OutputLines.decimal(t[0]), t[1].hasPrefix("["), t[1].hasSuffix("]"),
                    let n = OutputLines.integer(t[1].dropFirst().dropLast()), line.contains("|")
                {
                    report.histogram.append(HeyHistogramBucket(markSeconds: mark, count: n))
                    understood = true
                }
            case .latency:
                // "  {{ .Percentage }}% in {{ formatNumber .Latency }} secs"
                let t = OutputLines.tokens(line)
                if t.count == 4, t[0].hasSuffix("%"), t[1] == "in", t[3] == "secs",
                    let p = OutputLines.integer(t[0].dropLast()), let s = OutputLines.decimal(t[2])
                {
                    if p > 0 { report.latencyDistributionSeconds[Double(p)] = s }
                    understood = true
                }
            case .details:
                // "  DNS+dialup:\t%4.4f secs, %4.4f secs, %4.4f secs"
                if let colon = line.firstIndex(of: ":") {
                    let values = line[line.index(after: colon)...].split(separator: ",").map {
                        OutputLines.trimmed($0)
                    }
                    let secs = values.compactMap { v -> Double? in
                        v.hasSuffix(" secs") ? OutputLines.decimal(OutputLines.trimmed(v.dropLast(5))) : nil
                    }
                    if secs.count == 3, values.count == 3 {
                        report.details[String(line[..<colon])] = HeyPhase(
                            averageSeconds: secs[0], secondSeconds: secs[1], thirdSeconds: secs[2])
                        understood = true
                    }
                }
            case .status:
                // "  [{{ $code }}]\t{{ $num }} responses"
                let t = OutputLines.tokens(line)
                if t.count == 3, t[0].hasPrefix("["), t[0].hasSuffix("]"), t[2] == "responses",
                    let code = OutputLines.integer(t[0].dropFirst().dropLast()), let n = OutputLines.integer(t[1])
                {
                    report.statusCodes[code, default: 0] += n
                    understood = true
                }
            case .errors:
                // "  [{{ $num }}]\t{{ $err }}"
                if line.hasPrefix("["), let close = line.firstIndex(of: "]"),
                    let n = OutputLines.integer(line[line.index(after: line.startIndex)..<close])
                {
                    let text = OutputLines.trimmed(line[line.index(after: close)...])
                    report.errors[String(text), default: 0] += n
                    understood = true
                }
            case .none:
                break
            }
            if !understood { unread.append(String(raw)) }
        }
        report.unparsedLines = unread
        var missing: [String] = []
        if !sawSummary { missing.append("Summary:") }
        if !sawTotal { missing.append("Total: … secs") }
        if !sawRate { missing.append("Requests/sec:") }
        guard missing.isEmpty else {
            throw .incomplete(tool: "hey", missing: missing, unreadLines: LoadOutputError.tail(unread))
        }
        return report
    }

    /// `key:<TAB>value` rows of the Summary block.
    private static func summaryRow(
        _ line: Substring, into r: inout HeyReport,
        sawTotal: inout Bool, sawRate: inout Bool
    ) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let key = line[..<colon]
        let value = OutputLines.trimmed(line[line.index(after: colon)...])
        func seconds() -> Double?? {
            guard value.hasSuffix(" secs") else { return nil }
            guard let v = OutputLines.decimal(OutputLines.trimmed(value.dropLast(5))) else { return nil }
            return .some(v.isNaN ? nil : v)
        }
        func bytes() -> Int? {
            guard value.hasSuffix(" bytes") else { return nil }
            return OutputLines.integer(value.dropLast(6))
        }
        switch key {
        case "Total":
            guard let s = seconds(), let s else { return false }
            r.totalSeconds = s
            sawTotal = true
        case "Slowest":
            guard let s = seconds() else { return false }
            r.slowestSeconds = s
        case "Fastest":
            guard let s = seconds() else { return false }
            r.fastestSeconds = s
        case "Average":
            guard let s = seconds() else { return false }
            r.averageSeconds = s
        case "Requests/sec":
            guard let v = OutputLines.decimal(value), v.isFinite else { return false }
            r.requestsPerSecond = v
            sawRate = true
        case "Total data":
            guard let b = bytes() else { return false }
            r.totalDataBytes = b
        case "Size/request":
            guard let b = bytes() else { return false }
            r.sizePerRequestBytes = b
        default:
            return false
        }
        return true
    }
}
