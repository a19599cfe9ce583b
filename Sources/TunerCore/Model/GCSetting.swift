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
