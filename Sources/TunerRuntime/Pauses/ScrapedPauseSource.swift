import Foundation
import TunerCore

/// Pauses from an endpoint the service serves, scraped before, during and after the measured
/// run, in any ``ScrapedPauseFormat``: runtime/metrics as JSON, expvar's `/debug/vars`, or a
/// Prometheus `/metrics`.
public struct ScrapedPauseSource: PauseSource {
    /// Every scraped format, one per `target.pauses.source`: adding one is a line here.
    public static let formats: [any ScrapedPauseFormat.Type] = [RuntimeMetricsPauses.self, ExpvarPauses.self, PrometheusPauses.self]

    /// The scraped format of `kind`, or nil for a source that is not scraped.
    public static func format(of kind: PauseSourceKind) -> (any ScrapedPauseFormat.Type)? { formats.first { $0.kind == kind } }

    public let format: any ScrapedPauseFormat.Type
    public var kind: PauseSourceKind { format.kind }
    /// The spec's URL, with port placeholders.
    public let url: String
    public let intervalSeconds: Double

    public init(format: any ScrapedPauseFormat.Type, url: String, intervalSeconds: Double) {
        self.format = format
        self.url = url
        self.intervalSeconds = intervalSeconds
    }

    /// The source of a scraped `kind` (see ``formats``).
    public init(kind: PauseSourceKind, url: String, intervalSeconds: Double) {
        guard let format = Self.format(of: kind) else { preconditionFailure("\(kind.rawValue) is not a scraped source") }
        self.init(format: format, url: url, intervalSeconds: intervalSeconds)
    }

    public func begin(_ context: PauseContext) throws -> PauseSession {
        Session(
            source: self, context: context,
            scraper: Scraper(url: PortPlaceholders.substitute(url, ports: context.ports), intervalSeconds: intervalSeconds))
    }

    final class Session: PauseSession, @unchecked Sendable {
        let source: ScrapedPauseSource
        let context: PauseContext
        let scraper: Scraper

        init(source: ScrapedPauseSource, context: PauseContext, scraper: Scraper) {
            self.source = source
            self.context = context
            self.scraper = scraper
        }

        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            let (scrapes, failures) = scraper.finish()
            let key = "target.pauses.url \(scraper.url)"
            guard scrapes.count >= 2 else {
                throw TrialFailure(
                    "\(key) \(failures.first ?? "gave fewer than two reads") (source \(source.kind.rawValue)): is the endpoint served on that port and path?"
                )
            }
            let chosen = bracket(scrapes, windowStart: windowStart, windowEnd: windowEnd)
            let knobs = source.format.reportedKnobs(chosen.last!.body)
            if let mismatch = context.setting.mismatch(reportedGOGC: knobs.gogc, reportedLimitBytes: knobs.limitBytes) {
                throw TrialFailure(
                    "the service runs with \(mismatch), as \(key) reports: it sets its own GC knobs, so the trial's environment does not take effect; remove that call (or make it honour GOGC/GOMEMLIMIT) before tuning"
                )
            }
            var summary: PauseSummary
            do {
                summary = try source.format.summary(
                    of: chosen.map { ($0.unixNanos, $0.body) }, windowStart: windowStart, windowEnd: windowEnd)
            } catch {
                throw TrialFailure("\(key): \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
            }
            if !source.format.countsTheWindowItself {
                summary.spanStartUnixNanos = chosen.first!.unixNanos
                summary.spanEndUnixNanos = chosen.last!.unixNanos
            }
            let lead = Double(windowStart - chosen.first!.unixNanos) / 1e9
            let lag = Double(chosen.last!.unixNanos - windowEnd) / 1e9
            if !source.format.countsTheWindowItself {
                summary.notes.append(
                    "counted between reads \(formatFixed(lead, decimals: 3)) s before the window's start and \(formatFixed(lag, decimals: 3)) s after its end (\(scrapes.count) reads, one every \(DurationText.format(source.intervalSeconds)))"
                )
            }
            if !failures.isEmpty {
                summary.notes.append("\(failures.count) read(s) of \(scraper.url) failed during the trial (\(failures[0]))")
            }
            var result = reading(summary, context: context, windowStart: windowStart, windowEnd: windowEnd)
            if let first = source.format.cpuClasses(chosen.first!.body), let last = source.format.cpuClasses(chosen.last!.body),
                last.usedSeconds - first.usedSeconds > 0
            {
                result.runtimeGCShare = (last.gcSeconds - first.gcSeconds) / (last.usedSeconds - first.usedSeconds)
            }
            return result
        }
    }
}
