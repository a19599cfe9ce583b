import Foundation

/// One stop-the-world range of an execution trace.
///
/// The range runs from `STWStart` (inside `stopTheWorldWithSema`) to `STWDone` (in
/// `startTheWorldWithSema`, after the Ps are running again), `src/runtime/proc.go`. For mark
/// termination that includes the work `gcMarkTermination` does after it has taken the time it
/// reports as the pause (`now` in `src/runtime/mgc.go`: waking sweep waiters, `mProf_NextCycle`,
/// …; the runtime's comment: the pause time is computed "before the pause actually ends"). So a
/// trace's mark termination is longer than gctrace's, runtime/metrics' and MemStats' figure for
/// it: in the captured run (Fixtures/pauses) by 0.05 ms at the median, 0.47 ms at the 90th
/// percentile and 4.2 ms at most; sweep termination agrees within gctrace's truncation.
public struct StopTheWorld: Codable, Sendable, Equatable {
    /// The runtime's reason (`stwReasonStrings` in `src/runtime/proc.go`): "GC sweep
    /// termination", "GC mark termination", "read mem stats", "start trace", …
    public var reason: String
    /// Start on the trace's clock, nanoseconds.
    public var startNanos: Int64
    /// Length, nanoseconds.
    public var durationNanos: Int64

    /// The two reasons the runtime counts as GC (`stwReason.isGC`).
    public static let gcReasons: Set<String> = ["GC sweep termination", "GC mark termination"]

    public var isGC: Bool { Self.gcReasons.contains(reason) }
}

/// What `ExecutionTraceParser` found in one trace.
public struct ExecutionTraceSummary: Codable, Sendable, Equatable {
    /// A point where the trace's clock and Unix time are both known (a `Sync` event's clock
    /// snapshot, Go 1.25+).
    public struct ClockAnchor: Codable, Sendable, Equatable {
        /// The trace clock, nanoseconds.
        public var traceNanos: Int64
        /// Unix time at that instant, nanoseconds.
        public var unixNanos: Int64
    }

    /// Every completed stop-the-world range, GC or not, in the order they ended.
    public var stopTheWorlds: [StopTheWorld]
    /// First and last `Sync` event, trace clock nanoseconds: the trace's span.
    public var traceStartNanos: Int64?
    public var traceEndNanos: Int64?
    /// The first clock snapshot, if the trace has one.
    public var clock: ClockAnchor?
    /// Reasons of stop-the-world ranges that began but did not end before the trace did.
    public var unfinished: [String]
    /// Stop-the-world ends whose beginning is not in the trace.
    public var unmatchedEnds: Int

    /// The trace's span in seconds (first to last `Sync`), if known.
    public var durationSeconds: Double? {
        guard let a = traceStartNanos, let b = traceEndNanos else { return nil }
        return Double(b - a) / 1e9
    }

    /// `traceNanos` on the Unix clock, when the trace has a clock snapshot.
    public func unixNanos(atTrace traceNanos: Int64) -> Int64? {
        clock.map { $0.unixNanos + (traceNanos - $0.traceNanos) }
    }

    /// The GC stop-the-world pauses (sweep and mark termination) as an exact `PauseSummary`;
    /// the whole trace is the window. Other stop-the-world kinds are named in a note and not
    /// counted.
    public var pauseSummary: PauseSummary {
        let gc = stopTheWorlds.filter(\.isGC)
        var notes = [
            "the execution trace's stop-the-world ranges end once the world has restarted; gctrace, runtime/metrics and MemStats stop their clock earlier, before the runtime's end-of-cycle bookkeeping in mark termination, so trace pauses are longer, mostly by tens of µs, occasionally by milliseconds"
        ]
        let other = stopTheWorlds.filter { !$0.isGC }
        if !other.isEmpty {
            let byReason = Dictionary(grouping: other, by: \.reason).sorted { $0.key < $1.key }
            let parts = byReason.map { reason, list in
                "\(reason) ×\(list.count), " + String(format: "%.3f", list.reduce(0) { $0 + Double($1.durationNanos) } / 1e6) + " ms"
            }
            notes.append("\(other.count) stop-the-world pause(s) that are not GC (\(parts.joined(separator: "; "))) are not counted")
        }
        let unfinishedGC = unfinished.filter { StopTheWorld.gcReasons.contains($0) }
        if !unfinishedGC.isEmpty {
            notes.append("\(unfinishedGC.count) GC stop-the-world pause(s) were still running when the trace ended and are missing")
        }
        return .exact(
            source: .trace, sampleUnit: .pause, pausesMillis: gc.map { Double($0.durationNanos) / 1e6 },
            gcCycles: gc.filter { $0.reason == "GC sweep termination" }.count,
            missedPauses: unfinishedGC.count, notes: notes)
    }
}

/// Reads the stop-the-world ranges of `go tool trace -d=parsed TRACE` output (Go 1.23+ trace
/// format; checked with Go 1.27.3), line by line, in chunks of any size.
///
/// Among the 8 million lines a 3 s trace of a busy server prints (about 440 MB), only these
/// matter:
///
///     M=-1 P=-1 G=-1 Sync Time=551328440256 N=1 Trace=551328861952 Mono=551328861940 Wall=2026-12-02T05:16:56.651744857Z
///     M=20626 P=1 G=59 RangeBegin Time=551331003456 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(59)
///     M=20626 P=1 G=59 RangeEnd Time=551331186304 Name="stop-the-world (GC sweep termination)" Scope=Goroutine(59) Attributes=[]
///
/// (`internal/trace.Event.String`). Times are the trace clock in nanoseconds. A range is
/// paired by its name and scope. Every other line (events, and the tab-indented stack frames
/// after them) is rejected after looking at a few bytes, so the cost is one pass over the
/// bytes. `-d=footprint` (event counts) and `-d=wire` (undecoded batches) lack this.
public struct ExecutionTraceParser: Sendable {
    private var carry: [UInt8] = []
    private var lineNumber = 0
    private var open: [String: (reason: String, start: Int64)] = [:]
    private var summary = ExecutionTraceSummary(
        stopTheWorlds: [], traceStartNanos: nil, traceEndNanos: nil,
        clock: nil, unfinished: [], unmatchedEnds: 0)

    public init() {}

    /// A line the parser could not read, with its 1-based number.
    public struct ParseError: LocalizedError, Equatable, Sendable {
        public var line: Int
        public var message: String
        public var errorDescription: String? { "go tool trace -d=parsed output, line \(line): \(message)" }
    }

    /// Feeds the next chunk of output; a line may be split across chunks.
    public mutating func consume(_ data: Data) throws {
        try data.withUnsafeBytes { try consume($0) }
    }

    /// Feeds the next chunk of output; a line may be split across chunks.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var start = 0
        let count = bytes.count
        while start < count {
            guard let found = memchr(base + start, 0x0A, count - start) else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
                return
            }
            let end = base.distance(to: UnsafeRawPointer(found))
            lineNumber += 1
            if carry.isEmpty {
                try line(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            } else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                let whole = carry
                carry.removeAll(keepingCapacity: true)
                try whole.withUnsafeBytes { try line($0) }
            }
            start = end + 1
        }
    }

    /// Ends the input (a last line without a newline is read) and returns what was found.
    public mutating func finish() throws -> ExecutionTraceSummary {
        if !carry.isEmpty {
            lineNumber += 1
            let whole = carry
            carry.removeAll()
            try whole.withUnsafeBytes { try line($0) }
        }
        var result = summary
        result.unfinished = open.values.sorted { $0.start < $1.start }.map(\.reason)
        return result
    }

    /// Parses a whole output held in memory.
    public static func parse(_ text: String) throws -> ExecutionTraceSummary {
        var parser = ExecutionTraceParser()
        try parser.consume(Data(text.utf8))
        return try parser.finish()
    }

    // MARK: - One line

    private enum Kind { case rangeBegin, rangeActive, rangeEnd, sync }

    /// Fast rejection: the event kind is the 4th space-separated field of an `M=` line.
    private static func kind(of line: UnsafeRawBufferPointer) -> Kind? {
        guard line.count > 24, line[0] == UInt8(ascii: "M"), line[1] == UInt8(ascii: "=") else { return nil }
        var spaces = 0
        var i = 2
        while i < line.count {
            if line[i] == 0x20 {
                spaces += 1
                if spaces == 3 { break }
            }
            i += 1
        }
        i += 1
        func has(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard i + n <= line.count else { return false }
            return memcmp(line.baseAddress! + i, literal.utf8Start, n) == 0
        }
        if has("RangeBegin ") { return .rangeBegin }
        if has("RangeEnd ") { return .rangeEnd }
        if has("RangeActive ") { return .rangeActive }
        if has("Sync ") { return .sync }
        return nil
    }

    private mutating func line(_ bytes: UnsafeRawBufferPointer) throws {
        guard let kind = Self.kind(of: bytes) else { return }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        guard let time = Self.integer(after: " Time=", in: text) else {
            throw ParseError(line: lineNumber, message: "event without Time=: \(text.prefix(120))")
        }
        if kind == .sync {
            if summary.traceStartNanos == nil { summary.traceStartNanos = time }
            summary.traceEndNanos = time
            if summary.clock == nil, let trace = Self.integer(after: " Trace=", in: text),
                let wall = Self.field(after: " Wall=", in: text)
            {
                guard let unix = Self.unixNanos(rfc3339: wall) else {
                    throw ParseError(line: lineNumber, message: "unreadable Wall= time \(wall)")
                }
                summary.clock = .init(traceNanos: trace, unixNanos: unix)
            }
            return
        }
        guard let name = Self.quoted(after: " Name=", in: text) else {
            throw ParseError(line: lineNumber, message: "range without Name=: \(text.prefix(120))")
        }
        let prefix = "stop-the-world ("
        guard name.hasPrefix(prefix), name.hasSuffix(")") else { return }
        let reason = String(name.dropFirst(prefix.count).dropLast())
        let scope = Self.field(after: " Scope=", in: text) ?? ""
        let key = scope + "\u{0}" + name
        switch kind {
        case .rangeBegin:
            open[key] = (reason, time)
        case .rangeActive:
            // Active at a generation boundary: already open, or begun before the trace.
            if open[key] == nil { open[key] = (reason, time) }
        case .rangeEnd:
            if let begun = open.removeValue(forKey: key) {
                summary.stopTheWorlds.append(
                    StopTheWorld(
                        reason: begun.reason, startNanos: begun.start,
                        durationNanos: time - begun.start))
            } else {
                summary.unmatchedEnds += 1
            }
        case .sync:
            break
        }
    }

    /// The space-delimited value after `key`.
    private static func field(after key: String, in text: String) -> String? {
        guard let r = text.range(of: key) else { return nil }
        let rest = text[r.upperBound...]
        return String(rest.prefix { $0 != " " })
    }

    private static func integer(after key: String, in text: String) -> Int64? {
        field(after: key, in: text).flatMap { Int64($0) }
    }

    /// A Go-quoted (`%q`) value after `key`, unescaped for `\"` and `\\`.
    private static func quoted(after key: String, in text: String) -> String? {
        guard let r = text.range(of: key + "\"") else { return nil }
        var out = ""
        var escaped = false
        for ch in text[r.upperBound...] {
            if escaped {
                out.append(ch)
                escaped = false
                continue
            }
            if ch == "\\" {
                escaped = true
                continue
            }
            if ch == "\"" { return out }
            out.append(ch)
        }
        return nil
    }

    /// RFC 3339 with optional fraction of up to 9 digits and `Z` or `±hh:mm` (Go's
    /// `time.RFC3339Nano`), as Unix nanoseconds.
    static func unixNanos(rfc3339 s: String) -> Int64? {
        let u = Array(s.utf8)
        func number(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= u.count else { return nil }
            var v = 0
            for c in u[from..<from + n] {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard u.count >= 20, let year = number(0, 4), u[4] == UInt8(ascii: "-"), let month = number(5, 2),
            u[7] == UInt8(ascii: "-"), let day = number(8, 2), u[10] == UInt8(ascii: "T"),
            let hour = number(11, 2), u[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            u[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        var i = 19
        var nanos = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                if digits < 9 {
                    nanos = nanos * 10 + Int(u[i] - 0x30)
                    digits += 1
                }
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offsetSeconds = 0
        guard i < u.count else { return nil }
        if u[i] == UInt8(ascii: "Z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard let oh = number(i + 1, 2), u.count > i + 3, u[i + 3] == UInt8(ascii: ":"), let om = number(i + 4, 2)
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from 1970-01-01 to year-month-day (proleptic Gregorian; H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000_000 + Int64(nanos)
    }
}
