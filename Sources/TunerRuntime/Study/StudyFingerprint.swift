import Foundation
import TunerCore

/// The parts of a spec that make trials comparable: a change to any of them makes old trials
/// incomparable with new ones. (Parameters, repeats and the number of settings may change: they
/// only add or drop trials.)
public enum StudyFingerprint {
    public static func of(_ spec: StudySpec) -> [String: String] {
        var fingerprint: [String: String] = [
            "target.command": spec.target.command.joined(separator: " "),
            "target.workdir": spec.target.workdir,
            "target.build": spec.target.build?.joined(separator: " ") ?? "",
            "target.cpus": spec.target.cpus ?? "",
            "load.cpus": spec.load.cpus ?? "",
            "target.env": spec.target.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            "budget.warmup": DurationText.format(spec.budget.warmupSeconds),
            "budget.duration": DurationText.format(spec.budget.durationSeconds),
            "objectives": spec.objectives.map { "\($0.direction.rawValue) \($0.metric.rawValue)" }.joined(separator: ", "),
        ]
        // The pause source changes what pause figures mean; gctrace (the default) adds no key,
        // so studies recorded before sources existed stay comparable.
        if spec.target.pauses.kind != .gctrace {
            fingerprint["target.pauses"] = "\(spec.target.pauses.kind.rawValue) \(spec.target.pauses.url ?? "")"
        }
        fingerprint.merge(spec.load.kind.spec.fingerprint) { _, kind in kind }
        return fingerprint
    }

    /// The first difference, as "KEY changed from 'A' to 'B'", or nil when comparable.
    public static func difference(stored: [String: String], current: [String: String]) -> String? {
        for key in Set(stored.keys).union(current.keys).sorted() where stored[key] != current[key] {
            return "\(key) changed from '\(stored[key] ?? "(unset)")' to '\(current[key] ?? "(unset)")'"
        }
        return nil
    }
}
