/// One point of the search space: the two knobs Go's garbage collector reads from the
/// environment at start-up.
public struct GCSetting: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// `GOGC` in percent of live heap growth before a collection; `nil` means `GOGC=off`.
    public var gogc: Int?
    /// `GOMEMLIMIT` in bytes; `nil` means no limit (`GOMEMLIMIT=off`, Go's default).
    public var memoryLimitBytes: Int64?

    public init(gogc: Int?, memoryLimitBytes: Int64?) {
        self.gogc = gogc
        self.memoryLimitBytes = memoryLimitBytes
    }

    /// Go's default: `GOGC=100`, no memory limit. Every study measures it as the baseline.
    public static let goDefault = GCSetting(gogc: 100, memoryLimitBytes: nil)

    public var isGoDefault: Bool { self == .goDefault }

    /// Why a service's own report of its GC knobs (runtime/metrics `/gc/gogc:percent` and
    /// `/gc/gomemlimit:bytes`, or client_golang's `go_gc_gogc_percent` / `go_gc_gomemlimit_bytes`)
    /// shows it is not running this setting, or nil when it is (or it reports neither). The
    /// runtime reports GOGC=off as -1 (read as an unsigned 2⁶⁴−1 through runtime/metrics) and no
    /// limit as the largest int64.
    public func mismatch(reportedGOGC: Double?, reportedLimitBytes: Double?) -> String? {
        var problems: [String] = []
        if let reported = reportedGOGC {
            let reportedOff = reported < 0 || reported >= 9.2e18
            if reportedOff != (gogc == nil) || (!reportedOff && gogc.map { Double($0) != reported } ?? false) {
                problems.append(
                    "GOGC=\(reportedOff ? "off" : String(Int(reported))) instead of \(gogc.map(String.init) ?? "off") (debug.SetGCPercent?)"
                )
            }
        }
        if let reported = reportedLimitBytes {
            let unlimited = reported >= 9.2e18
            let expected = memoryLimitBytes.map(Double.init)
            if unlimited != (expected == nil) || (expected.map { abs($0 - reported) > 1 } ?? false) {
                problems.append(
                    "GOMEMLIMIT=\(unlimited ? "off" : ByteSize.goSyntax(Int64(reported))) instead of \(memoryLimitBytes.map { ByteSize.goSyntax($0) } ?? "off") (debug.SetMemoryLimit?)"
                )
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: " and ")
    }

    /// `GOGC` as Go reads it: an integer or `off`.
    public var gogcValue: String { gogc.map(String.init) ?? "off" }

    /// `GOMEMLIMIT` in Go's syntax: e.g. `512MiB`, or `off`.
    public var memoryLimitValue: String { memoryLimitBytes.map(ByteSize.goSyntax) ?? "off" }

    /// The environment variables that select this setting.
    public var environment: [String: String] {
        ["GOGC": gogcValue, "GOMEMLIMIT": memoryLimitValue]
    }

    /// e.g. `GOGC=200 GOMEMLIMIT=512MiB`.
    public var description: String { "GOGC=\(gogcValue) GOMEMLIMIT=\(memoryLimitValue)" }

    /// Orders by GOGC (off last), then memory limit (off last).
    public static func < (lhs: GCSetting, rhs: GCSetting) -> Bool {
        let l = (lhs.gogc ?? Int.max, lhs.memoryLimitBytes ?? Int64.max)
        let r = (rhs.gogc ?? Int.max, rhs.memoryLimitBytes ?? Int64.max)
        return l < r
    }
}
