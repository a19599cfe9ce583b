import Foundation
import TunerCore

/// `data/<study>/decision.json`: the study's one decision, written by `tuner run` once it has
/// decided (atomically), read by every other output.
public enum DecisionFile {
    public static func write(_ decision: StudyDecision, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(decision).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The stored decision, or nil when there is none (the study stopped before deciding).
    /// - Throws: when the file exists but cannot be read.
    public static func read(path: String) throws -> StudyDecision? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(StudyDecision.self, from: data)
    }
}
