import Foundation

/// A pause format read by scraping an endpoint of the service before, during and after the
/// measured window (runtime/metrics JSON, expvar, Prometheus text). Each format is one type in
/// `Pauses/` that parses its body and summarises the window; the runtime's
/// `ScrapedPauseSource` scrapes for any of them and never asks which one it holds.
public protocol ScrapedPauseFormat {
    /// `target.pauses.source` of this format.
    static var kind: PauseSourceKind { get }
    /// Where services usually serve it, for the message when `target.pauses.url` is missing.
    static var exampleURL: String { get }
    /// Seconds between scrapes when `target.pauses.interval` is not given.
    static var defaultIntervalSeconds: Double { get }
    /// Whether the summary counts exactly the window itself (per-pause timestamps, as expvar's
    /// rings have) rather than everything between the first and the last scrape.
    static var countsTheWindowItself: Bool { get }
    /// The window's pauses from the scrapes that bracket it, oldest first (at least two).
    /// - Throws: `PauseSourceError` when a body cannot be read or lacks what the summary needs.
    static func summary(of scrapes: [(unixNanos: Int64, body: Data)], windowStart: Int64, windowEnd: Int64) throws -> PauseSummary
    /// GOGC (percent) and GOMEMLIMIT (bytes) as the service reports them, when the format carries them.
    static func reportedKnobs(_ body: Data) -> (gogc: Double?, limitBytes: Double?)
    /// The runtime's cumulative CPU classes, seconds: the GC's (`/cpu/classes/gc/total`) and what
    /// the process's Go code used (`/cpu/classes/total` minus `/cpu/classes/idle`), when the
    /// format carries all three.
    static func cpuClasses(_ body: Data) -> (gcSeconds: Double, usedSeconds: Double)?
}

extension ScrapedPauseFormat {
    public static var defaultIntervalSeconds: Double { 1 }
    public static var countsTheWindowItself: Bool { false }
    public static func reportedKnobs(_ body: Data) -> (gogc: Double?, limitBytes: Double?) { (nil, nil) }
    public static func cpuClasses(_ body: Data) -> (gcSeconds: Double, usedSeconds: Double)? { nil }
}
