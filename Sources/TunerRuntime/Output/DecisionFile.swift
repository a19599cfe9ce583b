import Foundation
import TunerCore

/// `data/<study>/decision.json`: the study's one decision, written by `tuner run` once it has
/// decided (atomically), read by every other output. When `tuner verify` has checked it, the
/// verification sits beside the decision's own keys under `verification`.
public enum DecisionFile {
    public static func write(_ decision: StudyDecision, verification: Verification? = nil, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(Export(decision: decision, verification: verification)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The stored decision, or nil when there is none (the study stopped before deciding).
    /// - Throws: when the file exists but cannot be read.
    public static func read(path: String) throws -> StudyDecision? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(StudyDecision.self, from: data)
    }

    /// The verification written beside the decision, or nil when there is none.
    /// - Throws: when the file exists but its verification cannot be read.
    public static func readVerification(path: String) throws -> Verification? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(Export.Verified.self, from: data).verification
    }

    /// The decision's keys, then `verification`.
    struct Export: Encodable {
        var decision: StudyDecision
        var verification: Verification?
        struct Verified: Decodable { var verification: Verification? }
        enum Keys: String, CodingKey { case verification }
        func encode(to encoder: Encoder) throws {
            try decision.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(verification, forKey: .verification)
        }
    }
}
