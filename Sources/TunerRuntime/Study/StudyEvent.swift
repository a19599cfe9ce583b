import Foundation
import TunerCore

/// What a running study reports, in the order it happens. A log renders each event as the
/// line of text it always printed (`plainText`); a progress display (`ProgressDisplay`) also
/// uses the structure: which trial runs, how long it should take, what the last one measured.
public enum StudyEvent: Sendable, Equatable {
    /// A plan, phase change or note, as one line ("plan: …", "confirmation: …", "next: …").
    case message(String)
    /// A warning the user should see even with `--quiet`; printed as "WARNING: <text>".
    case warning(String)
    /// A trial is about to run (nothing is printed for it in a log).
    case trialStarted(TrialStart)
    /// A trial finished, measured or failed, and is recorded; `total` is the count its line
    /// shows as `[k/total]`.
    case trialFinished(TrialSample, total: Int)

    /// The event's line in a plain log (off a terminal, and in tests); nil for events that print
    /// nothing (a trial starting).
    public var plainText: String? {
        switch self {
        case .message(let text): return text
        case .warning(let text): return "WARNING: \(text)"
        case .trialStarted: return nil
        case .trialFinished(let sample, let total): return TrialLine.text(sample, total: total)
        }
    }

    /// The event a log line stands for: lines that start with "WARNING: " are warnings.
    public static func line(_ text: String) -> StudyEvent {
        text.hasPrefix("WARNING: ") ? .warning(String(text.dropFirst("WARNING: ".count))) : .message(text)
    }
}
