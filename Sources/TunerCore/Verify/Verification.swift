import Foundation

/// `tuner verify`'s result: the stored recommendation against Go's default at several load
/// levels, stored with the study beside its decision and rendered by the summary, decision.json
/// and the env file header.
public struct Verification: Sendable, Codable {
    /// The setting verified (the stored decision's recommendation).
    public var candidate: GCSetting
    /// Alternating pairs planned per level.
    public var pairsPerLevel: Int
    /// Each run's measured window and warm-up, seconds.
    public var durationSeconds: Double
    public var warmupSeconds: Double
    public var levels: [LevelVerification]
    /// Levels planned; fewer in `levels` when the verification was stopped.
    public var plannedLevels: [LoadLevel]
    public var startedAtUnixSeconds: Double
    public var finishedAtUnixSeconds: Double?
    /// The soak of the default and the recommendation (`tuner verify --soak`), when it ran.
    public var soak: [SoakResult]? = nil

    public init(
        candidate: GCSetting, pairsPerLevel: Int, durationSeconds: Double, warmupSeconds: Double, levels: [LevelVerification],
        plannedLevels: [LoadLevel], startedAtUnixSeconds: Double, finishedAtUnixSeconds: Double? = nil
    ) {
        self.candidate = candidate
        self.pairsPerLevel = pairsPerLevel
        self.durationSeconds = durationSeconds
        self.warmupSeconds = warmupSeconds
        self.levels = levels
        self.plannedLevels = plannedLevels
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.finishedAtUnixSeconds = finishedAtUnixSeconds
    }

    /// Whether every planned level was verified.
    public var isComplete: Bool { finishedAtUnixSeconds != nil && plannedLevels.allSatisfy { p in levels.contains { $0.level == p } } }

    /// Whether the recommendation held: every planned level verified, none flagged, and its
    /// soak (when one ran) within every budget with no leak signal.
    public var held: Bool { isComplete && levels.allSatisfy(\.held) && soakHeld != false }

    /// Whether the recommendation's soak held; nil when no soak of it ran.
    public var soakHeld: Bool? { soak?.first { $0.setting == candidate }.map(\.held) }

    /// The levels that did not hold.
    public var flaggedLevels: [LevelVerification] { levels.filter { !$0.held } }

    /// One sentence: held, or where it did not.
    public var headline: String {
        let scope =
            plannedLevels.isEmpty
            ? "a soak" : "\(levels.count) of \(plannedLevels.count) load level(s), \(pairsPerLevel) alternating pair(s) each"
        if !isComplete && flaggedLevels.isEmpty { return "verification INCOMPLETE (\(scope)): stopped before every level was run" }
        let soakText = soakHeld.map { $0 ? "; its soak met every budget" : "" } ?? ""
        if held { return "verified: \(candidate) held against the Go default at \(scope)\(soakText)" }
        if flaggedLevels.isEmpty, soakHeld == false {
            let failed = soak?.first { $0.setting == candidate }
            let missed =
                (failed?.checks.filter { $0.met != true }.map(\.name) ?? []) + (failed?.leaks.map { "leak: \($0.kind.rawValue)" } ?? [])
            return "NOT HELD in the soak (\(missed.joined(separator: ", "))); \(scope) held"
        }
        let names = flaggedLevels.map(\.level.name).joined(separator: ", ")
        let soakFailed = soakHeld == false ? "; its soak did not hold either" : ""
        return "NOT HELD at \(names) (\(scope)): \(flaggedLevels.flatMap(\.flags).first ?? "")\(soakFailed)"
    }
}
