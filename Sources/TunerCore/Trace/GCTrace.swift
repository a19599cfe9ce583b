import Foundation

/// One garbage-collection cycle as `GODEBUG=gctrace=1` reports it.
///
/// The line format (Go 1.19 to current; `runtime/mgc.go`, `gcMarkTermination`):
///
///     gc 7 @0.207s 1%: 0.87+2.6+0.032 ms clock, 1.7+0.32/0.68/0+0.065 ms cpu,
///        3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
///
/// The three clock figures are the wall-clock durations of sweep termination (stop-the-world),
/// concurrent mark, and mark termination (stop-the-world). The cpu figures are sweep
/// termination × P, assist / background / idle mark, mark termination × P. Heap figures are
/// heap at start, at end, and live heap marked, in MB (2^20 bytes, truncated by the runtime).
/// Go before 1.18 has no `stacks`/`globals` fields; newer Go may add ones we don't know
/// (e.g. `(checking for goroutine leaks)` after the percent), which are skipped.
public struct GCCycle: Sendable, Equatable, Codable {
    /// The runtime's GC sequence number (1-based).
    public var number: Int
    /// When the cycle started, in seconds since the runtime initialised.
    public var startSeconds: Double
    /// Cumulative share of CPU spent in GC since program start, in percent (as printed).
    public var cumulativeCPUPercent: Int
    /// Stop-the-world sweep termination, wall clock, milliseconds.
    public var sweepTerminationMillis: Double
    /// Concurrent mark, wall clock, milliseconds (not a pause).
    public var concurrentMarkMillis: Double
    /// Stop-the-world mark termination, wall clock, milliseconds.
    public var markTerminationMillis: Double
    /// CPU milliseconds spent on this cycle, excluding idle-time marking (which uses otherwise
    /// idle processors): sweep-term × P + assist + background mark + mark-term × P.
    /// `nil` when the cpu section is missing (truncated line).
    public var cpuMillis: Double?
    /// CPU milliseconds of idle-time marking (gctrace's fourth cpu figure): GC work on
    /// processors that had nothing else to run, still CPU the process used. `nil` when missing.
    public var idleMarkMillis: Double? = nil
    /// Heap size at start / end of the cycle and live heap marked, in MiB. `nil` when truncated.
    public var heapStartMiB: Int?
    public var heapEndMiB: Int?
    public var liveHeapMiB: Int?
    /// Heap goal in MiB. `nil` when truncated.
    public var heapGoalMiB: Int?
    /// Number of Ps (GOMAXPROCS). `nil` when truncated.
    public var processors: Int?
    /// True for cycles forced by `runtime.GC()` or `debug.FreeOSMemory`.
    public var forced: Bool

    /// The cycle's two stop-the-world pauses in milliseconds: sweep termination, mark termination.
    public var pausesMillis: [Double] { [sweepTerminationMillis, markTerminationMillis] }

    public init(
        number: Int, startSeconds: Double, cumulativeCPUPercent: Int, sweepTerminationMillis: Double,
        concurrentMarkMillis: Double, markTerminationMillis: Double, cpuMillis: Double?, heapStartMiB: Int?,
        heapEndMiB: Int?, liveHeapMiB: Int?, heapGoalMiB: Int?, processors: Int?, forced: Bool
    ) {
        self.number = number
        self.startSeconds = startSeconds
        self.cumulativeCPUPercent = cumulativeCPUPercent
        self.sweepTerminationMillis = sweepTerminationMillis
        self.concurrentMarkMillis = concurrentMarkMillis
        self.markTerminationMillis = markTerminationMillis
        self.cpuMillis = cpuMillis
        self.heapStartMiB = heapStartMiB
        self.heapEndMiB = heapEndMiB
        self.liveHeapMiB = liveHeapMiB
        self.heapGoalMiB = heapGoalMiB
        self.processors = processors
        self.forced = forced
    }
}

/// What one line of a server's stderr is, as far as the gctrace parser is concerned.
public enum GCTraceLine: Sendable, Equatable {
    /// A complete or usable cycle line (pauses always present; later fields may be nil).
    case cycle(GCCycle)
    /// Starts like a gctrace line (`gc N @`) but its pause figures cannot be read.
    case malformed(reason: String)
    /// Any other output of the program.
    case other
}

/// Parses `GODEBUG=gctrace=1` output. Pure; no I/O.
public enum GCTraceParser {
    /// Classifies and parses one line (without its newline).
    ///
    /// Rule for truncated lines: a cycle is kept when its clock section (`a+b+c ms clock`) is
    /// complete, because that is where the pauses are; fields after it that are missing or cut
    /// become `nil`. A line cut inside the clock section is `.malformed`.
    public static func parse(line rawLine: String) -> GCTraceLine {
        // Program output can share a line with the trace when both write to stderr without
        // newlines, so try every "gc " in the line, first to last.
        var searchFrom = rawLine.startIndex
        while let start = rawLine[searchFrom...].range(of: "gc ") {
            let result = parseCycle(rawLine[start.lowerBound...])
            if result != .other { return result }
            searchFrom = start.upperBound
        }
        return .other
    }

    private static func parseCycle(_ line: Substring) -> GCTraceLine {
        var scanner = Scanner(line)
        guard scanner.consume("gc "), let number = scanner.integer(), number >= 0 else { return .other }
        guard scanner.consume(" @") else { return .other }
        guard let startSeconds = scanner.decimal(), scanner.consume("s ") else {
            return .malformed(reason: "cycle \(number): no start time")
        }
        guard let percent = scanner.integer(), scanner.consume("%") else {
            return .malformed(reason: "cycle \(number): no CPU percentage")
        }
        // Skip any annotation between the percent and the colon, e.g. "(checking for goroutine leaks)".
        guard scanner.skip(through: ": ") else {
            return .malformed(reason: "cycle \(number): truncated before the clock section")
        }
        guard let clock = scanner.decimals(separators: "+"), clock.count == 3,
            scanner.consume(" ms clock")
        else {
            return .malformed(reason: "cycle \(number): clock section is incomplete")
        }
        var cycle = GCCycle(
            number: number, startSeconds: startSeconds, cumulativeCPUPercent: percent,
            sweepTerminationMillis: clock[0], concurrentMarkMillis: clock[1],
            markTerminationMillis: clock[2], cpuMillis: nil,
            heapStartMiB: nil, heapEndMiB: nil, liveHeapMiB: nil, heapGoalMiB: nil,
            processors: nil, forced: line.hasSuffix("(forced)"))

        // cpu: a+b/c/d+e ms cpu
        guard scanner.consume(", "), let cpu = scanner.decimals(separators: "+/"), cpu.count == 5,
            scanner.consume(" ms cpu")
        else { return .cycle(cycle) }
        cycle.cpuMillis = cpu[0] + cpu[1] + cpu[2] + cpu[4]
        cycle.idleMarkMillis = cpu[3]

        // heap: a->b->c MB
        guard scanner.consume(", "), let h0 = scanner.integer(), scanner.consume("->"),
            let h1 = scanner.integer(), scanner.consume("->"), let h2 = scanner.integer(),
            scanner.consume(" MB")
        else { return .cycle(cycle) }
        cycle.heapStartMiB = h0
        cycle.heapEndMiB = h1
        cycle.liveHeapMiB = h2

        guard scanner.consume(", "), let goal = scanner.integer(), scanner.consume(" MB goal")
        else { return .cycle(cycle) }
        cycle.heapGoalMiB = goal

        // Optional fields in any order until "N P": stacks, globals, and any future "N MB x".
        while scanner.consume(", ") {
            guard let value = scanner.integer() else { break }
            if scanner.consume(" P") {
                cycle.processors = value
                break
            }
            // e.g. " MB stacks" — skip to the next comma.
            scanner.skip(until: ",")
        }
        return .cycle(cycle)
    }

    /// Parses a whole stderr capture; lines that are not trace lines are ignored.
    /// - Returns: the cycles in order and the reasons of malformed lines.
    public static func parse(text: String) -> (cycles: [GCCycle], malformed: [String]) {
        var cycles: [GCCycle] = []
        var malformed: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            switch parse(line: String(line)) {
            case .cycle(let cycle): cycles.append(cycle)
            case .malformed(let reason): malformed.append(reason)
            case .other: break
            }
        }
        return (cycles, malformed)
    }
}

/// A minimal forward scanner over a substring; every method consumes only on success.
struct Scanner {
    private var rest: Substring

    init(_ text: Substring) { rest = text }

    mutating func consume(_ literal: String) -> Bool {
        guard rest.hasPrefix(literal) else { return false }
        rest = rest.dropFirst(literal.count)
        return true
    }

    mutating func integer() -> Int? {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        return value
    }

    mutating func decimal() -> Double? {
        let text = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
        guard !text.isEmpty, text.first != ".", let value = Double(text) else { return nil }
        rest = rest.dropFirst(text.count)
        return value
    }

    /// Decimals separated by any of `separators`, e.g. "0.1+2/3" -> [0.1, 2, 3].
    mutating func decimals(separators: String) -> [Double]? {
        var saved = self
        var values: [Double] = []
        repeat {
            guard let value = saved.decimal() else { return nil }
            values.append(value)
        } while saved.rest.first.map(separators.contains) == true
            && {
                saved.rest.removeFirst()
                return true
            }()
        self = saved
        return values
    }

    /// Skips past the first occurrence of `literal`; false (and nothing consumed) if absent.
    mutating func skip(through literal: String) -> Bool {
        guard let range = rest.range(of: literal) else { return false }
        rest = rest[range.upperBound...]
        return true
    }

    /// Skips up to (not including) the first occurrence of `character`, or to the end.
    mutating func skip(until character: Character) {
        if let index = rest.firstIndex(of: character) { rest = rest[index...] } else { rest = rest[rest.endIndex...] }
    }
}
