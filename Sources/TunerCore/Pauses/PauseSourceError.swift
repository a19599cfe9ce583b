import Foundation

/// Why a pause source could not produce a `PauseSummary` for a window.
public enum PauseSourceError: LocalizedError, Equatable, Sendable {
    /// A metric the source needs is absent from a scrape or snapshot (`which` says which one,
    /// e.g. "the scrape before the window").
    case missingMetric(source: PauseSourceKind, name: String, which: String)
    /// The metric is there but of another type than the source reads (e.g. a gauge where a
    /// summary is expected).
    case wrongType(source: PauseSourceKind, name: String, expected: String, found: String)
    /// More than one series of the metric matches the labels asked for.
    case ambiguousSeries(source: PauseSourceKind, name: String, matches: Int)
    /// A cumulative figure went down between the two snapshots: the process restarted in between.
    case counterReset(source: PauseSourceKind, name: String, before: Double, after: Double)
    /// The two snapshots' histogram buckets differ, so their counts cannot be subtracted.
    case bucketsChanged(source: PauseSourceKind, name: String)
    /// The input is not what the source expects (not JSON, a field of the wrong kind, …).
    case malformed(source: PauseSourceKind, reason: String)

    public var errorDescription: String? {
        switch self {
        case .missingMetric(let source, let name, let which):
            "\(source.rawValue): \(name) is missing from \(which); check that the service exposes it"
        case .wrongType(let source, let name, let expected, let found):
            "\(source.rawValue): \(name) is a \(found), expected a \(expected)"
        case .ambiguousSeries(let source, let name, let matches):
            "\(source.rawValue): \(matches) series of \(name) match; give labels that select one"
        case .counterReset(let source, let name, let before, let after):
            "\(source.rawValue): \(name) went down from \(before) to \(after) during the window; the service restarted"
        case .bucketsChanged(let source, let name):
            "\(source.rawValue): the buckets of \(name) differ between the two snapshots"
        case .malformed(let source, let reason):
            "\(source.rawValue): \(reason)"
        }
    }
}
