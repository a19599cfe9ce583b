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
    /// soak (when one ran) within every budget with no leak signal of its own.
    public var held: Bool { isComplete && levels.allSatisfy(\.held) && soakHeld != false }

    /// The recommendation's soak and the default's, when they ran.
    public var candidateSoak: SoakResult? { soak?.first { $0.setting == candidate } }
    public var baselineSoak: SoakResult? { soak?.first { $0.setting.isGoDefault } }

    /// Whether the recommendation's soak held: every budget met, and no leak signal that the
    /// default's soak does not show alike (``SoakResult/leaks(beyond:)``); nil when no soak of it
    /// ran.
    public var soakHeld: Bool? { candidateSoak.map { $0.held(beyond: baselineSoak) } }

    /// The levels that did not hold.
    public var flaggedLevels: [LevelVerification] { levels.filter { !$0.held } }

    /// One sentence: held, or where it did not.
    public var headline: String {
        let levelScope =
            plannedLevels.isEmpty
            ? nil : "\(levels.count) of \(plannedLevels.count) load level(s), \(pairsPerLevel) alternating pair(s) each"
        let scope = levelScope ?? "a soak"
        if !isComplete && flaggedLevels.isEmpty { return "verification INCOMPLETE (\(scope)): stopped before every level was run" }
        let shared = candidateSoak?.sharedLeaks(with: baselineSoak).map(\.kind.rawValue) ?? []
        let sharedText =
            shared.isEmpty
            ? ""
            : "; the default's soak shows the same rise (\(shared.joined(separator: ", "))): the service's or its load's, not this setting's"
        if held {
            let soakText = soakHeld == true && levelScope != nil ? "; its soak met every budget" : ""
            let what = levelScope == nil ? "in a soak, every budget met" : "at \(scope)"
            return "verified: \(candidate) held against the Go default \(what)\(soakText)\(sharedText)"
        }
        if flaggedLevels.isEmpty, soakHeld == false {
            let failed = candidateSoak
            let missed =
                (failed?.checks.filter { $0.met != true }.map(\.name) ?? [])
                + (failed?.leaks(beyond: baselineSoak).map { "leak: \($0.kind.rawValue)" } ?? [])
            return "NOT HELD in the soak (\(missed.joined(separator: ", ")))\(levelScope.map { "; \($0) held" } ?? "")\(sharedText)"
        }
        let names = flaggedLevels.map(\.level.name).joined(separator: ", ")
        let soakFailed = soakHeld == false ? "; its soak did not hold either" : ""
        return "NOT HELD at \(names) (\(scope)): \(flaggedLevels.flatMap(\.flags).first ?? "")\(soakFailed)"
    }
}
