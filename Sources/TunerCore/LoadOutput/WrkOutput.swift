/// One row of wrk's `Thread Stats` table (`Latency` or `Req/Sec`).
public struct WrkThreadStats: Sendable, Equatable {
    /// Mean, standard deviation and maximum, in milliseconds for `Latency` and requests per
    /// second per thread for `Req/Sec`.
    public var mean: Double
    public var stdev: Double
    public var max: Double
    /// Share of samples within one standard deviation of the mean, percent. `nil` when wrk
    /// printed `nan` / `-nan` (no samples at all: 0 / 0).
    public var withinStdevPercent: Double?

    public init(mean: Double, stdev: Double, max: Double, withinStdevPercent: Double?) {
        self.mean = mean
        self.stdev = stdev
        self.max = max
        self.withinStdevPercent = withinStdevPercent
    }
}

/// wrk's socket-error counters (`Socket errors: connect A, read B, write C, timeout D`; wrk
/// prints the line only when one of them is non-zero).
public struct WrkSocketErrors: Sendable, Equatable {
    public var connect = 0, read = 0, write = 0, timeout = 0
    public init(connect: Int = 0, read: Int = 0, write: Int = 0, timeout: Int = 0) {
        self.connect = connect
        self.read = read
        self.write = write
        self.timeout = timeout
    }
    public var total: Int { connect + read + write + timeout }
}

/// Everything `wrk --latency` printed, in its own terms. `measurement` converts it.
public struct WrkReport: Sendable, Equatable {
    /// `Running 3s test @ URL`: the URL and the requested duration in seconds. wrk rounds the
    /// requested duration to a whole unit here (`format_time_s`), so it is nominal only.
    public var url: String?
    public var nominalDurationSeconds: Double?
    /// `  2 threads and 16 connections`.
    public var threads: Int?
    public var connections: Int?
    /// The `Thread Stats` rows; `latency` is in milliseconds.
    public var latency: WrkThreadStats?
    public var requestsPerThreadPerSecond: WrkThreadStats?
    /// `Latency Distribution` (with `--latency`): percentile (50, 75, 90, 99) -> milliseconds.
    public var latencyDistributionMillis: [Double: Double] = [:]
    /// `N requests in 3.01s, 66.39MB read`: completed requests (any status), run time in
    /// seconds (2 decimals, as printed) and bytes read (binary units, 2 decimals, as printed).
    public var requests: Int
    public var durationSeconds: Double
    public var bytesRead: Double
    public var socketErrors = WrkSocketErrors()
    /// `Non-2xx or 3xx responses: N`. wrk counts status > 399 only (`response_complete`).
    public var non2xxOr3xxResponses = 0
    /// `Requests/sec:` (completed requests over the exact run time, 2 decimals).
    public var requestsPerSecond: Double
    /// `Transfer/sec:` in bytes per second (binary units, 2 decimals, as printed).
    public var transferBytesPerSecond: Double?
    /// Lines not recognised (a Lua script's output, stderr warnings), in order.
    public var unparsedLines: [String] = []

    /// The run in tool-independent terms.
    ///
    /// - `errors` = connect + read + write + timeout + non-2xx/3xx. A timeout in wrk is a
    ///   response that arrived later than `--timeout`: it is also among `requests`.
    /// - `attempted` = requests + connect + read + write errors. wrk counts a socket error per
    ///   connection event, not per request, so this is an approximation (a dead server can
    ///   produce many write errors per second).
    /// - Latency percentiles come from the distribution, the maximum from the Latency row.
    ///   When the Latency row's `+/- Stdev` is `nan`, wrk recorded no latency at all (every
    ///   response exceeded `--timeout`): its printed zeros are dropped and a note says so.
    public var measurement: LoadMeasurement {
        var breakdown: [String: Int] = [:]
        for (key, value) in [
            ("connect", socketErrors.connect), ("read", socketErrors.read),
            ("write", socketErrors.write), ("timeout", socketErrors.timeout),
            ("status", non2xxOr3xxResponses),
        ] where value > 0 {
            breakdown[key] = value
        }
        var notes: [String] = []
        var percentiles = latencyDistributionMillis
        var mean = latency?.mean
        var max = latency?.max
        if let latency, latency.withinStdevPercent == nil {
            percentiles = [:]
            mean = nil
            max = nil
            notes.append("wrk recorded no latency (every response took longer than --timeout, or none arrived)")
        } else if latency != nil, latencyDistributionMillis.isEmpty {
            notes.append("wrk printed no Latency Distribution: run it with --latency for percentiles")
        }
        return LoadMeasurement(
            operations: requests, durationSeconds: durationSeconds,
            throughputPerSecond: requestsPerSecond, latencyPercentilesMillis: percentiles,
            meanMillis: mean, maxMillis: max,
            errors: socketErrors.total + non2xxOr3xxResponses, errorBreakdown: breakdown,
            attempted: requests + socketErrors.connect + socketErrors.read + socketErrors.write,
            unparsedLines: unparsedLines, notes: notes)
    }
}

/// Parses the output of `wrk` 4.x (`wrk --latency -t T -c C -d D URL`). Pure; no I/O.
///
/// The formats follow wrk's `src/wrk.c` (identical in 4.1.0, Debian's version, and the current
/// master): `main` for the header, `requests in`, `Socket errors`, `Non-2xx or 3xx` and the
/// two `/sec` lines; `print_stats_header`, `print_stats` and `print_units` for the Thread
/// Stats table; `print_stats_latency` for the distribution; and `src/units.c`
/// (`format_units`, `format_time_us`, `format_metric`, `format_binary`) for the units:
///
/// - times (`format_time_us`): `us`, `ms` (from 850 us), and from 1 s on `s`, then `m`
///   (from 51 s); wrk never reaches `h` through `format_units`' loop but it is accepted;
/// - counts (`format_metric`): none, `k`, `M`, `G`, `T` (steps of 1000, from 850 of a unit);
/// - bytes (`format_binary` + `B`): `B`, `KB`, `MB`, `GB`, `TB` (steps of 1024);
/// - all with 2 decimals, except the header's duration (0 decimals, `format_time_s`).
///
/// Lines of other programs (a Lua script's `print`, wrk's stderr) land in `unparsedLines`.
/// A run without its `requests in` or `Requests/sec:` line did not finish (wrk printed only
/// `unable to connect to …`, say) and is an error that lists the lines it could not read.
public enum WrkOutput {
    public static func parse(_ output: String) throws(LoadOutputError) -> WrkReport {
        var report = WrkReport(requests: 0, durationSeconds: 0, bytesRead: 0, requestsPerSecond: 0)
        var sawRequests = false
        var sawRate = false
        var unread: [String] = []
        for raw in OutputLines.split(output) {
            let line = OutputLines.trimmed(raw)
            if line.isEmpty { continue }
            let t = OutputLines.tokens(line)
            if parseLine(t, into: &report, sawRequests: &sawRequests, sawRate: &sawRate) { continue }
            unread.append(String(raw))
        }
        report.unparsedLines = unread
        var missing: [String] = []
        if !sawRequests { missing.append("N requests in Xs, Y read") }
        if !sawRate { missing.append("Requests/sec:") }
        guard missing.isEmpty else {
            throw .incomplete(tool: "wrk", missing: missing, unreadLines: LoadOutputError.tail(unread))
        }
        return report
    }

    /// One recogniser per `printf` of wrk; true when the line was understood.
    private static func parseLine(
        _ t: [Substring], into r: inout WrkReport,
        sawRequests: inout Bool, sawRate: inout Bool
    ) -> Bool {
        // main: "Running %s test @ %s"
        if t.count >= 5, t[0] == "Running", t[2] == "test", t[3] == "@",
            let d = WrkUnits.seconds(t[1])
        {
            r.nominalDurationSeconds = d
            r.url = t[4...].joined(separator: " ")
            return true
        }
        // main: "  %"PRIu64" threads and %"PRIu64" connections"
        if t.count == 5, t[1] == "threads", t[2] == "and", t[4] == "connections",
            let threads = OutputLines.integer(t[0]), let connections = OutputLines.integer(t[3])
        {
            r.threads = threads
            r.connections = connections
            return true
        }
        // print_stats_header: "  Thread Stats%6s%11s%8s%12s" with Avg, Stdev, Max, +/- Stdev
        if t == ["Thread", "Stats", "Avg", "Stdev", "Max", "+/-", "Stdev"] { return true }
        // print_stats_latency: "  Latency Distribution", then "%7.0Lf%%" + print_units(time)
        if t == ["Latency", "Distribution"] { return true }
        if t.count == 2, t[0].hasSuffix("%"), let p = OutputLines.decimal(t[0].dropLast()),
            let ms = WrkUnits.millis(t[1])
        {
            r.latencyDistributionMillis[p] = ms
            return true
        }
        // print_stats: "    %-10s" + print_units(mean, stdev, max) + "%8.2Lf%%"
        if t.count == 5, t[0] == "Latency" || t[0] == "Req/Sec", t[4].hasSuffix("%") {
            let isLatency = t[0] == "Latency"
            func value(_ token: Substring) -> Double? {
                isLatency ? WrkUnits.millis(token) : WrkUnits.metric(token)
            }
            guard let mean = value(t[1]), let stdev = value(t[2]), let max = value(t[3]),
                let within = OutputLines.decimal(t[4].dropLast())
            else { return false }
            let row = WrkThreadStats(
                mean: mean, stdev: stdev, max: max,
                withinStdevPercent: within.isNaN ? nil : within)
            if isLatency { r.latency = row } else { r.requestsPerThreadPerSecond = row }
            return true
        }
        // main: "  %"PRIu64" requests in %s, %sB read" (format_time_us, format_binary)
        if t.count == 6, t[1] == "requests", t[2] == "in", t[3].hasSuffix(","), t[5] == "read",
            let n = OutputLines.integer(t[0]), let s = WrkUnits.seconds(t[3].dropLast()),
            let bytes = WrkUnits.bytes(t[4])
        {
            r.requests = n
            r.durationSeconds = s
            r.bytesRead = bytes
            sawRequests = true
            return true
        }
        // main: "  Socket errors: connect %d, read %d, write %d, timeout %d"
        if t.count == 10, t[0] == "Socket", t[1] == "errors:", t[2] == "connect", t[4] == "read",
            t[6] == "write", t[8] == "timeout",
            let c = OutputLines.integer(t[3].dropLast()), let rd = OutputLines.integer(t[5].dropLast()),
            let w = OutputLines.integer(t[7].dropLast()), let to = OutputLines.integer(t[9])
        {
            r.socketErrors = WrkSocketErrors(connect: c, read: rd, write: w, timeout: to)
            return true
        }
        // main: "  Non-2xx or 3xx responses: %d"
        if t.count == 5, t[0...3] == ["Non-2xx", "or", "3xx", "responses:"],
            let n = OutputLines.integer(t[4])
        {
            r.non2xxOr3xxResponses = n
            return true
        }
        // main: "Requests/sec: %9.2Lf"
        if t.count == 2, t[0] == "Requests/sec:", let rate = OutputLines.decimal(t[1]) {
            r.requestsPerSecond = rate
            sawRate = true
            return true
        }
        // main: "Transfer/sec: %10sB" (format_binary)
        if t.count == 2, t[0] == "Transfer/sec:", let bytes = WrkUnits.bytes(t[1]) {
            r.transferBytesPerSecond = bytes
            return true
        }
        return false
    }
}

/// wrk's unit suffixes (`src/units.c`).
enum WrkUnits {
    /// A `format_time_us` / `format_time_s` value in milliseconds: `12.34us`, `1.23ms`,
    /// `1.00s`, `0.85m`, `2h`.
    static func millis(_ token: Substring) -> Double? {
        seconds(token).map { $0 * 1000 }
    }

    /// The same in seconds.
    static func seconds(_ token: Substring) -> Double? {
        let units: [(String, Double)] = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where token.hasSuffix(suffix) {
            guard let v = OutputLines.decimal(token.dropLast(suffix.count)), v.isFinite else { return nil }
            return v * scale
        }
        return nil
    }

    /// A `format_metric` value: `123.45`, `0.90k`, `1.20M`, `3.00G`, `1.00T`.
    static func metric(_ token: Substring) -> Double? {
        scaled(token, units: ["k", "M", "G", "T", "P"], step: 1000)
    }

    /// A `format_binary` value followed by `B`, in bytes: `512.00B`, `1.50KB`, `66.39MB`.
    static func bytes(_ token: Substring) -> Double? {
        guard token.hasSuffix("B") else { return nil }
        return scaled(token.dropLast(), units: ["K", "M", "G", "T", "P"], step: 1024)
    }

    private static func scaled(_ token: Substring, units: [Character], step: Double) -> Double? {
        var scale = 1.0
        var number = token
        if let last = token.last, let i = units.firstIndex(of: last) {
            scale = (0...i).reduce(1.0) { acc, _ in acc * step }
            number = token.dropLast()
        }
        guard let v = OutputLines.decimal(number), v.isFinite else { return nil }
        return v * scale
    }
}
