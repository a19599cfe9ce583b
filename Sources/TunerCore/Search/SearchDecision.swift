import Foundation

/// What the search wants next, with its reason for the log.
public enum SearchDecision: Sendable, Equatable {
    case measure(GCSetting, reason: String)
    case stop(reason: String)
}
