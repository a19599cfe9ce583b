import Foundation

/// The GC fields of `runtime.MemStats` as `expvar` serves them (`GET /debug/vars`, key
/// `memstats`).
///
/// What one entry is (`src/runtime/mstats.go` and `src/runtime/mgc.go`, Go 1.27): at the end
/// of GC cycle k (1-based), `gcMarkTermination` stores `work.pauseNS` in
/// `PauseNs[(k − 1) % 256]` and the Unix time in `PauseEnd[(k − 1) % 256]`, then counts the
/// cycle in `NumGC`. `work.pauseNS` is the **sum of all stop-the-world phases of that cycle**:
/// sweep termination (from just before stopping the world until it restarted) plus mark
/// termination (from just before stopping until the moment the world is restarted), plus any
/// mark-termination attempt that had to restart. So one entry is one cycle's total, where
/// gctrace prints two pauses per cycle; `PauseEnd` is the end of the cycle's last pause.
/// `PauseTotalNs` is the running sum of every cycle's entry.
public struct ExpvarMemStats: Codable, Sendable, Equatable {
    /// Completed GC cycles.
    public var numGC: Int
    /// Sum of every cycle's stop-the-world time since start, nanoseconds.
    public var pauseTotalNs: UInt64
    /// Ring of the last 256 cycles' stop-the-world totals, nanoseconds (see the type's comment).
    public var pauseNs: [UInt64]
    /// Ring of the same cycles' last-pause end times, Unix nanoseconds.
    public var pauseEnd: [UInt64]
    /// End of the last cycle, Unix nanoseconds (0 before the first).
    public var lastGC: UInt64

    public init(numGC: Int, pauseTotalNs: UInt64, pauseNs: [UInt64], pauseEnd: [UInt64], lastGC: UInt64) {
        self.numGC = numGC
        self.pauseTotalNs = pauseTotalNs
        self.pauseNs = pauseNs
        self.pauseEnd = pauseEnd
        self.lastGC = lastGC
    }

    private struct Fields: Decodable {
        var NumGC: Int
        var PauseTotalNs: UInt64
        var PauseNs: [UInt64]
        var PauseEnd: [UInt64]
        var LastGC: UInt64
    }

    private struct Vars: Decodable { var memstats: Fields }

    /// Parses a `/debug/vars` body (`{"memstats": {…}, …}`) or a bare `runtime.MemStats` JSON
    /// object.
    /// - Throws: `PauseSourceError.malformed` naming what is missing.
    public static func parse(_ data: Data) throws -> ExpvarMemStats {
        let decoder = JSONDecoder()
        let fields: Fields
        let wrapped = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["memstats"] != nil
        do {
            fields = wrapped ? try decoder.decode(Vars.self, from: data).memstats : try decoder.decode(Fields.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw PauseSourceError.malformed(source: .expvar, reason: "memstats has no \(key.stringValue); is this a /debug/vars body?")
        } catch {
            throw PauseSourceError.malformed(source: .expvar, reason: "not a /debug/vars JSON body with memstats (\(error))")
        }
        guard fields.PauseNs.count == fields.PauseEnd.count, !fields.PauseNs.isEmpty else {
            throw PauseSourceError.malformed(source: .expvar, reason: "PauseNs and PauseEnd must be rings of one length")
        }
        return ExpvarMemStats(
            numGC: fields.NumGC, pauseTotalNs: fields.PauseTotalNs, pauseNs: fields.PauseNs,
            pauseEnd: fields.PauseEnd, lastGC: fields.LastGC)
    }

    /// Cycle k's entry (1-based), when this snapshot still holds it: k ≤ NumGC and k is among the
    /// last `ring` cycles.
    public func cycle(_ k: Int) -> (pauseNs: UInt64, endUnixNanos: UInt64)? {
        let ring = pauseNs.count
        guard k >= 1, k <= numGC, k > numGC - ring else { return nil }
        let i = (k - 1) % ring
        return (pauseNs[i], pauseEnd[i])
    }
}

/// GC pauses in a window from `/debug/vars` snapshots polled at its start, during it and at its
/// end.
public enum ExpvarPauses {
    /// The cycles whose `PauseEnd` falls in [windowStart, windowEnd] (Unix ns), exact, one sample
    /// per cycle (`sampleUnit == .cycle`).
    ///
    /// Every snapshot's ring is read, so polling during the window recovers cycles that a
    /// start/end pair alone would lose. Cycles counted between the first and the last snapshot
    /// (`NumGC` difference) that no snapshot still held are `missedPauses`; their combined time
    /// is known from the `PauseTotalNs` difference and is included in `totalMillis` (so then
    /// `totalMillis` exceeds the sum of `pausesMillis`), their individual values are not.
    /// - Parameter snapshots: in poll order, at least two (the first at or before the window's
    ///   start, the last at or after its end).
    /// - Throws: `PauseSourceError.counterReset` if `NumGC` or `PauseTotalNs` goes down;
    ///   `.malformed` for fewer than two snapshots or rings of different lengths.
    public static func summary(
        snapshots: [ExpvarMemStats], windowStartUnixNanos: Int64,
        windowEndUnixNanos: Int64
    ) throws -> PauseSummary {
        guard let first = snapshots.first, let last = snapshots.last, snapshots.count >= 2 else {
            throw PauseSourceError.malformed(
                source: .expvar, reason: "need a /debug/vars snapshot at the window's start and one at its end")
        }
        guard Set(snapshots.map(\.pauseNs.count)).count == 1 else {
            throw PauseSourceError.malformed(source: .expvar, reason: "snapshots have rings of different lengths")
        }
        for (a, b) in zip(snapshots, snapshots.dropFirst()) {
            guard b.numGC >= a.numGC else {
                throw PauseSourceError.counterReset(
                    source: .expvar, name: "memstats.NumGC", before: Double(a.numGC), after: Double(b.numGC))
            }
            guard b.pauseTotalNs >= a.pauseTotalNs else {
                throw PauseSourceError.counterReset(
                    source: .expvar, name: "memstats.PauseTotalNs",
                    before: Double(a.pauseTotalNs), after: Double(b.pauseTotalNs))
            }
        }
        // Every cycle any snapshot still holds.
        var records: [Int: (pauseNs: UInt64, end: UInt64)] = [:]
        let ring = first.pauseNs.count
        for s in snapshots {
            for k in max(1, s.numGC - ring + 1)...max(1, s.numGC) {
                if let r = s.cycle(k) { records[k] = (r.pauseNs, r.endUnixNanos) }
            }
        }
        let inWindow = records.filter { _, r in
            let end = Int64(clamping: r.end)
            return end >= windowStartUnixNanos && end <= windowEndUnixNanos
        }.sorted { $0.key < $1.key }

        let between = (first.numGC + 1)...max(first.numGC + 1, last.numGC)
        let counted = last.numGC > first.numGC ? Array(between) : []
        let missed = counted.filter { records[$0] == nil }
        let heldNs = counted.compactMap { records[$0]?.pauseNs }.reduce(0, +)
        let missedNs = last.pauseTotalNs - first.pauseTotalNs > heldNs ? last.pauseTotalNs - first.pauseTotalNs - heldNs : 0

        let pauses = inWindow.map { Double($0.value.pauseNs) / 1e6 }
        var notes = [
            "memstats PauseNs holds one figure per GC cycle, the sum of its stop-the-world pauses (sweep termination plus mark termination), so there are about half as many samples as pauses and their quantiles are of per-cycle totals",
            "every /debug/vars request stops the world once (runtime.ReadMemStats); that pause is not a GC pause and is not counted",
        ]
        var summary = PauseSummary.exact(
            source: .expvar, sampleUnit: .cycle, pausesMillis: pauses,
            gcCycles: inWindow.count + missed.count, missedPauses: missed.count)
        if !missed.isEmpty {
            notes.append(
                "\(missed.count) GC cycle(s) fell out of MemStats' \(ring)-entry ring before a poll read them; poll /debug/vars more often than every \(ring) cycles. Their combined \(formatMillis(Double(missedNs) / 1e6)) ms (from PauseTotalNs) is in the total, their individual pauses are not"
            )
            summary.totalMillis += Double(missedNs) / 1e6
            summary.totalMillisLower = summary.totalMillis
            summary.totalMillisUpper = summary.totalMillis
        }
        summary.notes = notes
        return summary
    }

    private static func formatMillis(_ ms: Double) -> String { String(format: "%.3f", ms) }
}

extension ExpvarPauses: ScrapedPauseFormat {
    public static var kind: PauseSourceKind { .expvar }
    public static var exampleURL: String { "http://127.0.0.1:{port}/debug/vars" }
    /// MemStats keeps the last 256 pauses: scraped twice a second so a busy collector's ring
    /// does not wrap between reads.
    public static var defaultIntervalSeconds: Double { 0.5 }
    public static var countsTheWindowItself: Bool { true }

    public static func summary(of scrapes: [(unixNanos: Int64, body: Data)], windowStart: Int64, windowEnd: Int64) throws -> PauseSummary {
        try summary(
            snapshots: scrapes.map { try ExpvarMemStats.parse($0.body) }, windowStartUnixNanos: windowStart, windowEndUnixNanos: windowEnd)
    }
}
