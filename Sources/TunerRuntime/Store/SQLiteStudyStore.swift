import Foundation
import GRDB
import TunerCore

/// The study store of record: SQLite through GRDB, WAL mode, at `data/<study>/study.sqlite`.
///
/// Schema (version 1):
/// - `study`: one row; the spec's comparable parts as JSON (`fingerprint`), creation time,
///   tuner version.
/// - `trial`: one row per (setting, repeat); `status` is `running`, `measured` or `failed`;
///   the full sample as JSON; timings; tuner version, the target's Go version, machine facts.
/// - `process`: process groups a running trial started (pgid plus its start time in clock ticks
///   since boot, so a reused pid is never mistaken for ours), for reaping after a crash.
///
/// Version 2 adds the owner (host, tuner pid, the pid's start time) to every running trial and
/// process group: leftovers are reaped, and running trials rerun, only when their owner is gone.
/// Version 3 adds `decision`: one row holding the study's decision as JSON.
/// Version 4 adds `verification_trial` (one row per run of `tuner verify`, its level and sample
/// as JSON) and `verification` (one row: the verification of the decision as JSON).
///
/// Each finished trial is committed in one transaction before the next trial starts.
public final class SQLiteStudyStore: StudyStore, @unchecked Sendable {
    public let path: String
    private let database: DatabaseQueue
    private let machine: MachineFacts
    /// The tuner process writing through this store.
    public let owner: StudyOwner

    /// Opens (creating if needed) the store at `path`.
    public init(path: String, machine: MachineFacts = .current(), owner: StudyOwner = .current) throws {
        self.path = path
        self.machine = machine
        self.owner = owner
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "study") { t in
                t.column("id", .integer).primaryKey()
                t.column("fingerprint", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("tuner_version", .text).notNull()
            }
            try db.create(table: "trial") { t in
                t.column("gogc", .text).notNull()
                t.column("gomemlimit", .text).notNull()
                t.column("repeat_index", .integer).notNull()
                t.column("trial_index", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("reason", .text)
                t.column("sample", .text)
                t.column("started_at", .double).notNull()
                t.column("finished_at", .double)
                t.column("tuner_pid", .integer).notNull()
                t.column("tuner_version", .text).notNull()
                t.column("go_version", .text)
                t.column("cpu_model", .text).notNull()
                t.column("cores", .integer).notNull()
                t.column("hostname", .text).notNull()
                t.primaryKey(["gogc", "gomemlimit", "repeat_index"])
            }
            try db.create(table: "process") { t in
                t.column("pgid", .integer).notNull()
                t.column("start_ticks", .integer).notNull()
                t.column("gogc", .text).notNull()
                t.column("gomemlimit", .text).notNull()
                t.column("repeat_index", .integer).notNull()
                t.column("role", .text).notNull()
            }
        }
        migrator.registerMigration("v2-owner") { db in
            for table in ["trial", "process"] {
                try db.alter(table: table) { t in
                    t.add(column: "owner_host", .text).notNull().defaults(to: "")
                    t.add(column: "owner_pid", .integer).notNull().defaults(to: 0)
                    t.add(column: "owner_start_ticks", .integer).notNull().defaults(to: 0)
                }
            }
        }
        migrator.registerMigration("v3-decision") { db in
            try db.create(table: "decision") { t in
                t.column("id", .integer).primaryKey()
                t.column("decision", .text).notNull()
                t.column("decided_at", .double).notNull()
            }
        }
        migrator.registerMigration("v4-verification") { db in
            try db.create(table: "verification_trial") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("trial", .text).notNull()
                t.column("recorded_at", .double).notNull()
            }
            try db.create(table: "verification") { t in
                t.column("id", .integer).primaryKey()
                t.column("verification", .text).notNull()
                t.column("saved_at", .double).notNull()
            }
        }
        return migrator
    }

    /// The owner of a `trial` or `process` row.
    private static func owner(of row: Row) -> StudyOwner {
        StudyOwner(
            host: row["owner_host"], pid: Int32(row["owner_pid"] as Int),
            startTicks: row["owner_start_ticks"], sinceUnixSeconds: 0)
    }

    // MARK: - Study identity

    /// The fingerprint stored with the study, or nil for a new store.
    public func storedFingerprint() throws -> [String: String]? {
        try database.read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT fingerprint FROM study LIMIT 1") else { return nil }
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
    }

    /// Records the study's fingerprint (first run only).
    public func saveFingerprint(_ fingerprint: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(fingerprint), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: "DELETE FROM study")
            try db.execute(
                sql: "INSERT INTO study (id, fingerprint, created_at, tuner_version) VALUES (1, ?, ?, ?)",
                arguments: [text, Date().timeIntervalSince1970, TunerVersion.current])
        }
    }

    // MARK: - Trials

    public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, phase _: String?) throws {
        try database.write { db in
            try db.execute(
                sql: "DELETE FROM process WHERE gogc = ? AND gomemlimit = ? AND repeat_index = ?",
                arguments: [setting.gogcValue, setting.memoryLimitValue, repeatIndex])
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO trial (gogc, gomemlimit, repeat_index, trial_index, status, started_at,
                        tuner_pid, tuner_version, go_version, cpu_model, cores, hostname,
                        owner_host, owner_pid, owner_start_ticks)
                    VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    setting.gogcValue, setting.memoryLimitValue, repeatIndex, trialIndex,
                    Date().timeIntervalSince1970, Int(getpid()), TunerVersion.current,
                    machine.targetGoVersion, machine.cpuModel, machine.cores, machine.hostname,
                    owner.host, Int(owner.pid), owner.startTicks,
                ])
        }
    }

    public func recordProcess(group: Int32, startTicks ticks: Int, role: String, setting: GCSetting, repeatIndex: Int) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO process (pgid, start_ticks, gogc, gomemlimit, repeat_index, role, owner_host, owner_pid, owner_start_ticks)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Int(group), ticks, setting.gogcValue, setting.memoryLimitValue, repeatIndex, role,
                    owner.host, Int(owner.pid), owner.startTicks,
                ])
        }
    }

    public func append(_ sample: TrialSample) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(sample), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO trial (gogc, gomemlimit, repeat_index, trial_index, status, reason, sample,
                        started_at, finished_at, tuner_pid, tuner_version, go_version, cpu_model, cores, hostname)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sample.setting.gogcValue, sample.setting.memoryLimitValue, sample.repeatIndex,
                    sample.trialIndex, sample.isMeasured ? "measured" : "failed",
                    sample.outcome.failureReason, json, sample.startedAtUnixSeconds,
                    Date().timeIntervalSince1970, Int(getpid()), TunerVersion.current,
                    machine.targetGoVersion, machine.cpuModel, machine.cores, machine.hostname,
                ])
            try db.execute(
                sql: "DELETE FROM process WHERE gogc = ? AND gomemlimit = ? AND repeat_index = ?",
                arguments: [sample.setting.gogcValue, sample.setting.memoryLimitValue, sample.repeatIndex])
        }
    }

    /// Finished trials (measured and failed), in trial order.
    public func samples() throws -> [TrialSample] {
        let decoder = JSONDecoder()
        return try database.read { db in
            try String.fetchAll(db, sql: "SELECT sample FROM trial WHERE status != 'running' AND sample IS NOT NULL ORDER BY trial_index")
                .compactMap { try? decoder.decode(TrialSample.self, from: Data($0.utf8)) }
        }
    }

    /// Every trial marked `running`, whoever marked it.
    public func runningTrials() throws -> [RunningTrial] {
        try database.read { db in try Self.fetchRunningTrials(db) }
    }

    private static func fetchRunningTrials(_ db: Database) throws -> [RunningTrial] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT trial_index, gogc, gomemlimit, repeat_index, started_at, owner_host, owner_pid, owner_start_ticks
                FROM trial WHERE status = 'running' ORDER BY trial_index
                """
        ).map {
            RunningTrial(
                trialIndex: $0["trial_index"], gogc: $0["gogc"], gomemlimit: $0["gomemlimit"],
                repeatIndex: $0["repeat_index"], owner: owner(of: $0), startedAtUnixSeconds: $0["started_at"])
        }
    }

    /// Whether the study holds any trial at all (finished, failed or running).
    public func isEmpty() throws -> Bool {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trial") ?? 0 } == 0
    }

    /// Process groups recorded in the store at `path`, read without writing anything (for
    /// watching a study another tuner is running).
    public static func recordedProcessGroups(path: String) throws -> [(group: Int32, role: String)] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            guard try db.tableExists("process") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT pgid, role FROM process").map { (Int32($0["pgid"] as Int), $0["role"]) }
        }
    }

    /// Trials marked `running` in the store at `path`, read without writing anything (to name
    /// what another tuner is doing).
    public static func runningTrials(path: String) throws -> [RunningTrial] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            guard try db.tableExists("trial"), try db.columns(in: "trial").contains(where: { $0.name == "owner_pid" }) else { return [] }
            return try fetchRunningTrials(db)
        }
    }

    /// Process groups recorded for running trials: (pgid, role).
    public func recordedProcessGroups() throws -> [(group: Int32, role: String)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT pgid, role FROM process").map { (Int32($0["pgid"] as Int), $0["role"]) }
        }
    }

    public func takeLeftovers() throws -> [ProcessRecord] {
        try database.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid, pgid, start_ticks, role, owner_host, owner_pid, owner_start_ticks FROM process")
            var leftovers: [ProcessRecord] = []
            for row in rows {
                let record = ProcessRecord(
                    group: Int32(row["pgid"] as Int), startTicks: row["start_ticks"], role: row["role"], owner: Self.owner(of: row))
                guard record.isLeftover(seenBy: owner) else { continue }
                leftovers.append(record)
                try db.execute(sql: "DELETE FROM process WHERE rowid = ?", arguments: [row["rowid"] as Int64])
            }
            return leftovers
        }
    }

    // MARK: - Decision

    public func saveDecision(_ decision: StudyDecision) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(decision), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO decision (id, decision, decided_at) VALUES (1, ?, ?)",
                arguments: [json, Date().timeIntervalSince1970])
        }
    }

    /// The stored decision; nil when none is stored, or the store predates decisions (version 2).
    /// - Throws: when a stored decision cannot be decoded.
    public func decision() throws -> StudyDecision? {
        let text = try database.read { db -> String? in
            guard try db.tableExists("decision") else { return nil }
            return try String.fetchOne(db, sql: "SELECT decision FROM decision WHERE id = 1")
        }
        guard let text else { return nil }
        return try JSONDecoder().decode(StudyDecision.self, from: Data(text.utf8))
    }

    // MARK: - Verification

    public func appendVerificationTrial(_ trial: VerificationTrial) throws {
        let json = String(decoding: try JSONEncoder().encode(trial), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO verification_trial (trial, recorded_at) VALUES (?, ?)", arguments: [json, Date().timeIntervalSince1970])
        }
    }

    public func verificationTrials() throws -> [VerificationTrial] {
        let texts = try database.read { db -> [String] in
            guard try db.tableExists("verification_trial") else { return [] }
            return try String.fetchAll(db, sql: "SELECT trial FROM verification_trial ORDER BY id")
        }
        return try texts.map { try JSONDecoder().decode(VerificationTrial.self, from: Data($0.utf8)) }
    }

    public func saveVerification(_ verification: Verification) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(verification), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO verification (id, verification, saved_at) VALUES (1, ?, ?)",
                arguments: [json, Date().timeIntervalSince1970])
        }
    }

    /// The stored verification; nil when none is stored, or the store predates it (version 3).
    /// - Throws: when a stored verification cannot be decoded.
    public func verification() throws -> Verification? {
        let text = try database.read { db -> String? in
            guard try db.tableExists("verification") else { return nil }
            return try String.fetchOne(db, sql: "SELECT verification FROM verification WHERE id = 1")
        }
        guard let text else { return nil }
        return try JSONDecoder().decode(Verification.self, from: Data(text.utf8))
    }

    public func clearVerification() throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM verification_trial")
            try db.execute(sql: "DELETE FROM verification")
        }
    }
}
