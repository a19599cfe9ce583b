#if Postgres
    import Foundation
    import PostgresNIO
    import TunerCore

    /// A study store on PostgreSQL, shared by many tuner workers on many hosts (`tuner worker`).
    ///
    /// One database may hold many studies: every table is keyed by the study's name, and every table
    /// name starts with `tuner_` so a team's database can hold other things too.
    ///
    /// Schema (migrations `v1`, `v2-verification` and `v3-phase`, applied under an advisory lock so workers starting together migrate once):
    /// - `tuner_migration`: the migrations applied, by name.
    /// - `tuner_study`: the spec fingerprint of each study.
    /// - `tuner_trial`: one row per (study, setting, repeat), as in SQLite, with the setting as JSON
    ///   (so a claim reads it back exactly), the machine facts of the host that ran it, its owner,
    ///   and its phase (`confirm …` trials belong to the run that decides: no worker waits on them
    ///   or takes them over).
    /// - `tuner_process`: process groups a running trial started, with their owner.
    /// - `tuner_decision`: the study's decision as JSON.
    /// - `tuner_worker`: every tuner working on a study and its last heartbeat, in the database's
    ///   clock (`now()`), so hosts with skewed clocks agree on who is alive.
    /// - `tuner_verification_trial`, `tuner_verification`: `tuner verify`'s runs and its result as
    ///   JSON, apart from the study's trials.
    ///
    /// Ownership: an owner on this host is alive while its pid is (exact and immediate); an owner on
    /// another host is alive while its heartbeat is younger than `heartbeatTimeoutSeconds`. A
    /// running trial whose owner is not alive is taken over by the next claim (``claimNext(propose:)``).
    ///
    /// The connection is one postgres-nio connection used synchronously (the `StudyStore` protocol is
    /// synchronous): every statement waits for its result, under a lock so the heartbeat thread and
    /// the trial thread never interleave inside a transaction.
    public final class PostgresStudyStore: StudyStore, @unchecked Sendable {
        public let location: StoreLocation.Postgres
        public let study: String
        public let owner: StudyOwner
        /// How long a heartbeat stays valid: an owner on another host silent for longer is dead.
        public let heartbeatTimeoutSeconds: Double
        private let machine: MachineFacts
        private let connection: PostgresConnection
        private let lock = NSRecursiveLock()
        /// postgres-nio's log, kept to critical messages: tuner reports every failure itself.
        private static let logger: Logger = {
            var logger = Logger(label: "tuner.postgres")
            logger.logLevel = .critical
            return logger
        }()

        /// Connects and migrates the schema.
        /// - Throws: `StoreError` naming the URL when the server cannot be reached or refuses.
        public init(
            location: StoreLocation.Postgres, study: String, machine: MachineFacts = .current(), owner: StudyOwner = .current,
            heartbeatTimeoutSeconds: Double = 30
        ) throws {
            self.location = location
            self.study = study
            self.owner = owner
            self.machine = machine
            self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
            do {
                connection = try PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: location.configuration, id: 1,
                    logger: Self.logger
                ).wait()
            } catch {
                throw StoreError.unreachable("cannot connect to \(location.redacted): \(String(reflecting: error))")
            }
            try migrate()
        }

        deinit { try? connection.close().wait() }

        // MARK: - Statements

        /// Runs one statement and returns its rows.
        @discardableResult
        func execute(_ query: PostgresQuery) throws -> [PostgresRow] {
            lock.lock()
            defer { lock.unlock() }
            do {
                return try connection.query(query, logger: Self.logger).wait().rows
            } catch let error as PSQLError {
                throw StoreError.query("\(location.redacted): \(error.serverInfo?[.message] ?? String(reflecting: error))")
            }
        }

        /// Runs `body` in one transaction (rolled back if it throws).
        func transaction<T>(_ body: () throws -> T) throws -> T {
            lock.lock()
            defer { lock.unlock() }
            try execute("BEGIN")
            do {
                let value = try body()
                try execute("COMMIT")
                return value
            } catch {
                _ = try? execute("ROLLBACK")
                throw error
            }
        }

        /// The schema's migrations in order; each runs once, in its own transaction.
        static let migrations: [(name: String, statements: [String])] = [
            (
                "v1",
                [
                    """
                    CREATE TABLE tuner_study (study text PRIMARY KEY, fingerprint text NOT NULL,
                        created_at double precision NOT NULL, tuner_version text NOT NULL)
                    """,
                    """
                    CREATE TABLE tuner_trial (study text NOT NULL, gogc text NOT NULL, gomemlimit text NOT NULL,
                        repeat_index bigint NOT NULL, trial_index bigint NOT NULL, setting text NOT NULL, status text NOT NULL,
                        reason text, sample text, started_at double precision NOT NULL, finished_at double precision,
                        tuner_pid bigint NOT NULL, tuner_version text NOT NULL, go_version text, cpu_model text NOT NULL,
                        cores bigint NOT NULL, hostname text NOT NULL, owner_host text NOT NULL, owner_pid bigint NOT NULL,
                        owner_start_ticks bigint NOT NULL, PRIMARY KEY (study, gogc, gomemlimit, repeat_index))
                    """,
                    "CREATE INDEX tuner_trial_status ON tuner_trial (study, status)",
                    """
                    CREATE TABLE tuner_process (id bigserial PRIMARY KEY, study text NOT NULL, pgid bigint NOT NULL,
                        start_ticks bigint NOT NULL, gogc text NOT NULL, gomemlimit text NOT NULL, repeat_index bigint NOT NULL,
                        role text NOT NULL, owner_host text NOT NULL, owner_pid bigint NOT NULL, owner_start_ticks bigint NOT NULL)
                    """,
                    """
                    CREATE TABLE tuner_decision (study text PRIMARY KEY, decision text NOT NULL,
                        decided_at double precision NOT NULL)
                    """,
                    """
                    CREATE TABLE tuner_worker (study text NOT NULL, host text NOT NULL, pid bigint NOT NULL,
                        start_ticks bigint NOT NULL, since double precision NOT NULL, heartbeat_at timestamptz NOT NULL,
                        PRIMARY KEY (study, host, pid, start_ticks))
                    """,
                ]
            ),
            (
                "v2-verification",
                [
                    """
                    CREATE TABLE tuner_verification_trial (id bigserial PRIMARY KEY, study text NOT NULL, trial text NOT NULL,
                        recorded_at double precision NOT NULL)
                    """,
                    """
                    CREATE TABLE tuner_verification (study text PRIMARY KEY, verification text NOT NULL,
                        saved_at double precision NOT NULL)
                    """,
                ]
            ),
            ("v3-phase", ["ALTER TABLE tuner_trial ADD COLUMN phase text"]),
        ]

        /// Applies the migrations not yet applied, under a database-wide advisory lock.
        func migrate() throws {
            try transaction {
                try execute("SELECT pg_advisory_xact_lock(hashtext('tuner-migrate'))")
                try execute(
                    "CREATE TABLE IF NOT EXISTS tuner_migration (name text PRIMARY KEY, applied_at double precision NOT NULL)")
                let applied = Set(try execute("SELECT name FROM tuner_migration").map { try $0.decode(String.self) })
                for migration in Self.migrations where !applied.contains(migration.name) {
                    for statement in migration.statements { try execute(PostgresQuery(unsafeSQL: statement)) }
                    try execute(
                        "INSERT INTO tuner_migration (name, applied_at) VALUES (\(migration.name), \(Date().timeIntervalSince1970))")
                }
            }
        }

        /// The migrations applied to the database, in name order.
        public func appliedMigrations() throws -> [String] {
            try execute("SELECT name FROM tuner_migration ORDER BY name").map { try $0.decode(String.self) }
        }

        // MARK: - Study identity

        public func storedFingerprint() throws -> [String: String]? {
            guard let row = try execute("SELECT fingerprint FROM tuner_study WHERE study = \(study)").first else { return nil }
            return try JSONDecoder().decode([String: String].self, from: Data(try row.decode(String.self).utf8))
        }

        public func saveFingerprint(_ fingerprint: [String: String]) throws {
            let text = try Self.json(fingerprint)
            try execute(
                """
                INSERT INTO tuner_study (study, fingerprint, created_at, tuner_version)
                VALUES (\(study), \(text), \(Date().timeIntervalSince1970), \(TunerVersion.current))
                ON CONFLICT (study) DO UPDATE SET fingerprint = EXCLUDED.fingerprint
                """)
        }

        // MARK: - Trials

        public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, phase: String?) throws {
            try transaction {
                try execute(
                    """
                    DELETE FROM tuner_process WHERE study = \(study) AND gogc = \(setting.gogcValue)
                    AND gomemlimit = \(setting.memoryLimitValue) AND repeat_index = \(repeatIndex)
                    """)
                try insertRunning(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, phase: phase)
            }
        }

        /// Marks a trial running for this owner (inserting or taking over its row).
        private func insertRunning(trialIndex: Int, setting: GCSetting, repeatIndex: Int, phase: String?) throws {
            let settingJSON = try Self.json(setting)
            try execute(
                """
                INSERT INTO tuner_trial (study, gogc, gomemlimit, repeat_index, trial_index, setting, status, reason, sample,
                    started_at, finished_at, tuner_pid, tuner_version, go_version, cpu_model, cores, hostname,
                    owner_host, owner_pid, owner_start_ticks, phase)
                VALUES (\(study), \(setting.gogcValue), \(setting.memoryLimitValue), \(repeatIndex), \(trialIndex), \(settingJSON),
                    'running', NULL, NULL, \(Date().timeIntervalSince1970), NULL, \(Int(getpid())), \(TunerVersion.current),
                    \(machine.targetGoVersion), \(machine.cpuModel), \(machine.cores), \(machine.hostname),
                    \(owner.host), \(Int(owner.pid)), \(owner.startTicks), \(phase))
                ON CONFLICT (study, gogc, gomemlimit, repeat_index) DO UPDATE SET trial_index = EXCLUDED.trial_index,
                    status = 'running', reason = NULL, sample = NULL, started_at = EXCLUDED.started_at, finished_at = NULL,
                    tuner_pid = EXCLUDED.tuner_pid, tuner_version = EXCLUDED.tuner_version, go_version = EXCLUDED.go_version,
                    cpu_model = EXCLUDED.cpu_model, cores = EXCLUDED.cores, hostname = EXCLUDED.hostname,
                    owner_host = EXCLUDED.owner_host, owner_pid = EXCLUDED.owner_pid, owner_start_ticks = EXCLUDED.owner_start_ticks,
                    phase = COALESCE(EXCLUDED.phase, tuner_trial.phase)
                """)
        }

        public func recordProcess(group: Int32, startTicks ticks: Int, role: String, setting: GCSetting, repeatIndex: Int) throws {
            try execute(
                """
                INSERT INTO tuner_process (study, pgid, start_ticks, gogc, gomemlimit, repeat_index, role, owner_host, owner_pid,
                    owner_start_ticks)
                VALUES (\(study), \(Int(group)), \(ticks), \(setting.gogcValue), \(setting.memoryLimitValue), \(repeatIndex), \(role),
                    \(owner.host), \(Int(owner.pid)), \(owner.startTicks))
                """)
        }

        /// Records a finished trial, unless another owner holds its row (it took the trial over):
        /// then `StoreError.takenOver`, and the other's result stands, so a trial counts once.
        public func append(_ sample: TrialSample) throws {
            let json = try Self.json(sample)
            let settingJSON = try Self.json(sample.setting)
            try transaction {
                let takenOver = try execute(
                    """
                    INSERT INTO tuner_trial (study, gogc, gomemlimit, repeat_index, trial_index, setting, status, reason, sample,
                        started_at, finished_at, tuner_pid, tuner_version, go_version, cpu_model, cores, hostname,
                        owner_host, owner_pid, owner_start_ticks)
                    VALUES (\(study), \(sample.setting.gogcValue), \(sample.setting.memoryLimitValue), \(sample.repeatIndex),
                        \(sample.trialIndex), \(settingJSON), \(sample.isMeasured ? "measured" : "failed"), \(sample.outcome.failureReason),
                        \(json), \(sample.startedAtUnixSeconds), \(Date().timeIntervalSince1970), \(Int(getpid())),
                        \(TunerVersion.current), \(machine.targetGoVersion), \(machine.cpuModel), \(machine.cores), \(machine.hostname),
                        \(owner.host), \(Int(owner.pid)), \(owner.startTicks))
                    ON CONFLICT (study, gogc, gomemlimit, repeat_index) DO UPDATE SET trial_index = EXCLUDED.trial_index,
                        status = EXCLUDED.status, reason = EXCLUDED.reason, sample = EXCLUDED.sample,
                        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, tuner_pid = EXCLUDED.tuner_pid,
                        tuner_version = EXCLUDED.tuner_version, go_version = EXCLUDED.go_version, cpu_model = EXCLUDED.cpu_model,
                        cores = EXCLUDED.cores, hostname = EXCLUDED.hostname, owner_host = EXCLUDED.owner_host,
                        owner_pid = EXCLUDED.owner_pid, owner_start_ticks = EXCLUDED.owner_start_ticks
                    WHERE tuner_trial.owner_host = EXCLUDED.owner_host AND tuner_trial.owner_pid = EXCLUDED.owner_pid
                        AND tuner_trial.owner_start_ticks = EXCLUDED.owner_start_ticks
                    RETURNING 1
                    """
                ).isEmpty
                // Another worker took the trial over (this one was thought dead): its result counts, not this.
                if takenOver {
                    throw StoreError.takenOver(
                        "trial \(sample.trialIndex + 1) (\(sample.setting) rep \(sample.repeatIndex + 1)) was taken over by another worker while this one ran it (its heartbeat was late); this result is dropped"
                    )
                }
                try execute(
                    """
                    DELETE FROM tuner_process WHERE study = \(study) AND gogc = \(sample.setting.gogcValue)
                    AND gomemlimit = \(sample.setting.memoryLimitValue) AND repeat_index = \(sample.repeatIndex)
                    """)
            }
        }

        public func samples() throws -> [TrialSample] {
            let decoder = JSONDecoder()
            let rows = try execute(
                "SELECT sample FROM tuner_trial WHERE study = \(study) AND status <> 'running' AND sample IS NOT NULL ORDER BY trial_index")
            lock.lock()
            defer { lock.unlock() }
            return try rows.compactMap { decodedSample(try $0.decode(String.self), decoder: decoder) }
        }

        public func runningTrials() throws -> [RunningTrial] {
            try execute(
                """
                SELECT trial_index, gogc, gomemlimit, repeat_index, started_at, owner_host, owner_pid, owner_start_ticks
                FROM tuner_trial WHERE study = \(study) AND status = 'running' ORDER BY trial_index
                """
            ).map { row in
                let (index, gogc, limit, repeatIndex, started, host, pid, ticks) = try row.decode(
                    (Int, String, String, Int, Double, String, Int, Int).self)
                return RunningTrial(
                    trialIndex: index, gogc: gogc, gomemlimit: limit, repeatIndex: repeatIndex,
                    owner: StudyOwner(host: host, pid: Int32(pid), startTicks: ticks, sinceUnixSeconds: 0), startedAtUnixSeconds: started)
            }
        }

        public func isEmpty() throws -> Bool {
            try execute("SELECT COUNT(*) FROM tuner_trial WHERE study = \(study)").first?.decode(Int.self) ?? 0 == 0
        }

        public func recordedProcessGroups() throws -> [(group: Int32, role: String)] {
            try execute("SELECT pgid, role FROM tuner_process WHERE study = \(study) ORDER BY id").map { row in
                let (group, role) = try row.decode((Int, String).self)
                return (Int32(group), role)
            }
        }

        /// Hands over the process records of a dead owner on this host (only this host's kernel can
        /// kill them; another host's records wait for a worker there).
        public func takeLeftovers() throws -> [ProcessRecord] {
            try transaction {
                let rows = try execute(
                    """
                    SELECT id, pgid, start_ticks, role, owner_host, owner_pid, owner_start_ticks FROM tuner_process
                    WHERE study = \(study) AND owner_host = \(owner.host) ORDER BY id FOR UPDATE SKIP LOCKED
                    """)
                var leftovers: [ProcessRecord] = []
                for row in rows {
                    let (id, group, ticks, role, host, pid, ownerTicks) = try row.decode((Int, Int, Int, String, String, Int, Int).self)
                    let record = ProcessRecord(
                        group: Int32(group), startTicks: ticks, role: role,
                        owner: StudyOwner(host: host, pid: Int32(pid), startTicks: ownerTicks, sinceUnixSeconds: 0))
                    guard record.isLeftover(seenBy: owner) else { continue }
                    leftovers.append(record)
                    try execute("DELETE FROM tuner_process WHERE id = \(id)")
                }
                return leftovers
            }
        }

        // MARK: - Decision

        public func saveDecision(_ decision: StudyDecision) throws {
            let json = try Self.json(decision)
            try execute(
                """
                INSERT INTO tuner_decision (study, decision, decided_at) VALUES (\(study), \(json), \(Date().timeIntervalSince1970))
                ON CONFLICT (study) DO UPDATE SET decision = EXCLUDED.decision, decided_at = EXCLUDED.decided_at
                """)
        }

        public func decision() throws -> StudyDecision? {
            guard let row = try execute("SELECT decision FROM tuner_decision WHERE study = \(study)").first else { return nil }
            return try JSONDecoder().decode(StudyDecision.self, from: Data(try row.decode(String.self).utf8))
        }

        // MARK: - Verification

        public func appendVerificationTrial(_ trial: VerificationTrial) throws {
            let json = try Self.json(trial)
            try execute(
                "INSERT INTO tuner_verification_trial (study, trial, recorded_at) VALUES (\(study), \(json), \(Date().timeIntervalSince1970))"
            )
        }

        public func verificationTrials() throws -> [VerificationTrial] {
            let decoder = JSONDecoder()
            return try execute("SELECT trial FROM tuner_verification_trial WHERE study = \(study) ORDER BY id").map { row in
                try decoder.decode(VerificationTrial.self, from: Data(try row.decode(String.self).utf8))
            }
        }

        public func saveVerification(_ verification: Verification) throws {
            let json = try Self.json(verification)
            try execute(
                """
                INSERT INTO tuner_verification (study, verification, saved_at) VALUES (\(study), \(json), \(Date().timeIntervalSince1970))
                ON CONFLICT (study) DO UPDATE SET verification = EXCLUDED.verification, saved_at = EXCLUDED.saved_at
                """)
        }

        public func verification() throws -> Verification? {
            guard let row = try execute("SELECT verification FROM tuner_verification WHERE study = \(study)").first else { return nil }
            return try JSONDecoder().decode(Verification.self, from: Data(try row.decode(String.self).utf8))
        }

        public func clearVerification() throws {
            try transaction {
                try execute("DELETE FROM tuner_verification_trial WHERE study = \(study)")
                try execute("DELETE FROM tuner_verification WHERE study = \(study)")
            }
        }

        // MARK: - Ownership by heartbeat

        /// An owner on this host by its pid; an owner elsewhere by its heartbeat.
        public func isAlive(_ other: StudyOwner) throws -> Bool {
            if other.host == owner.host { return other.isAlive }
            return try execute(
                """
                SELECT 1 FROM tuner_worker WHERE study = \(study) AND host = \(other.host) AND pid = \(Int(other.pid))
                AND start_ticks = \(other.startTicks)
                AND heartbeat_at > now() - make_interval(secs => \(heartbeatTimeoutSeconds))
                """
            ).isEmpty == false
        }

        /// Says this owner is alive (inserting its worker row the first time).
        public func heartbeat() throws {
            try execute(
                """
                INSERT INTO tuner_worker (study, host, pid, start_ticks, since, heartbeat_at)
                VALUES (\(study), \(owner.host), \(Int(owner.pid)), \(owner.startTicks), \(owner.sinceUnixSeconds), now())
                ON CONFLICT (study, host, pid, start_ticks) DO UPDATE SET heartbeat_at = now()
                """)
        }

        /// Removes this owner's worker row (a worker that stops cleanly is gone at once).
        public func resign() throws {
            try execute(
                """
                DELETE FROM tuner_worker WHERE study = \(study) AND host = \(owner.host) AND pid = \(Int(owner.pid))
                AND start_ticks = \(owner.startTicks)
                """)
        }

        /// Tuners whose heartbeat is fresh, this one included if it beats.
        public func liveWorkers() throws -> [StudyOwner] {
            try execute(
                """
                SELECT host, pid, start_ticks, since FROM tuner_worker WHERE study = \(study)
                AND heartbeat_at > now() - make_interval(secs => \(heartbeatTimeoutSeconds)) ORDER BY since
                """
            ).map { row in
                let (host, pid, ticks, since) = try row.decode((String, Int, Int, Double).self)
                return StudyOwner(host: host, pid: Int32(pid), startTicks: ticks, sinceUnixSeconds: since)
            }
            .filter { $0.host != owner.host || $0.isAlive }
        }

        /// Expires the heartbeat of owners on this host whose process is gone, so their trials are
        /// claimable at once instead of after the timeout.
        func expireDeadLocalOwners() throws {
            for trial in try runningTrials() where trial.owner.host == owner.host && !trial.owner.isAlive {
                try execute(
                    """
                    UPDATE tuner_worker SET heartbeat_at = 'epoch' WHERE study = \(study) AND host = \(trial.owner.host)
                    AND pid = \(Int(trial.owner.pid)) AND start_ticks = \(trial.owner.startTicks)
                    """)
            }
        }

        // MARK: - Claims

        /// Claims the next trial for this owner, atomically with every other worker:
        /// 1. a running trial whose owner is dead (no fresh heartbeat) is taken over first, by
        ///    `SELECT … FOR UPDATE SKIP LOCKED` (two workers never take the same one);
        /// 2. otherwise, under the study's advisory lock (one proposer at a time), `propose` is asked
        ///    for the next setting given the finished trials and the pending ones, and the trial is
        ///    inserted as running for this owner before the lock is released.
        /// - Parameter propose: the finished samples and the pending trials (setting, repeat) →
        ///   the sampler's decision, or nil to claim nothing now (e.g. the budget is spent).
        public func claimNext(
            propose: (_ finished: [TrialSample], _ pending: [PendingTrial]) -> SearchDecision
        ) throws -> TrialClaim {
            try expireDeadLocalOwners()
            return try transaction {
                let stale = try execute(
                    """
                    SELECT t.trial_index, t.setting, t.repeat_index, t.owner_host, t.owner_pid, t.owner_start_ticks
                    FROM tuner_trial t WHERE t.study = \(study) AND t.status = 'running'
                    AND (t.phase IS NULL OR t.phase NOT LIKE 'confirm%') AND NOT (t.owner_host = \(owner.host)
                        AND t.owner_pid = \(Int(owner.pid)) AND t.owner_start_ticks = \(owner.startTicks))
                    AND NOT EXISTS (SELECT 1 FROM tuner_worker w WHERE w.study = t.study AND w.host = t.owner_host
                        AND w.pid = t.owner_pid AND w.start_ticks = t.owner_start_ticks
                        AND w.heartbeat_at > now() - make_interval(secs => \(heartbeatTimeoutSeconds)))
                    ORDER BY t.trial_index LIMIT 1 FOR UPDATE OF t SKIP LOCKED
                    """)
                if let row = stale.first {
                    let (index, settingJSON, repeatIndex, host, pid, ticks) = try row.decode((Int, String, Int, String, Int, Int).self)
                    let setting = try JSONDecoder().decode(GCSetting.self, from: Data(settingJSON.utf8))
                    try insertRunning(trialIndex: index, setting: setting, repeatIndex: repeatIndex, phase: nil)
                    return .claimed(
                        trialIndex: index, setting: setting, repeatIndex: repeatIndex,
                        takenOverFrom: StudyOwner(host: host, pid: Int32(pid), startTicks: ticks, sinceUnixSeconds: 0))
                }
                try execute("SELECT pg_advisory_xact_lock(hashtext('tuner-study:' || \(study)))")
                // Finished and pending in one statement, so one snapshot: a trial finishing between two
                // reads would otherwise be in neither, and proposed again.
                let decoder = JSONDecoder()
                var finished: [TrialSample] = []
                var pending: [PendingTrial] = []
                for row in try execute(
                    "SELECT status, setting, repeat_index, sample, phase FROM tuner_trial WHERE study = \(study) ORDER BY trial_index")
                {
                    let (status, settingJSON, repeatIndex, sample, phase) = try row.decode((String, String, Int, String?, String?).self)
                    if status == "running" {
                        // A deciding run's confirmation trial is not the search's to wait on.
                        if phase?.hasPrefix("confirm") == true { continue }
                        pending.append(
                            PendingTrial(
                                setting: try decoder.decode(GCSetting.self, from: Data(settingJSON.utf8)), repeatIndex: repeatIndex))
                    } else if let sample, let decoded = decodedSample(sample, decoder: decoder) {
                        finished.append(decoded)
                    }
                }
                switch propose(finished, pending) {
                case .stop(let reason):
                    return pending.isEmpty ? .done(reason: reason) : .wait(reason: reason, pending: pending.count)
                case .measure(let setting, let reason):
                    let next =
                        try execute("SELECT COALESCE(MAX(trial_index), -1) + 1 FROM tuner_trial WHERE study = \(study)")
                        .first?.decode(Int.self) ?? 0
                    let repeats =
                        try execute(
                            """
                            SELECT COALESCE(MAX(repeat_index), -1) + 1 FROM tuner_trial WHERE study = \(study)
                            AND gogc = \(setting.gogcValue) AND gomemlimit = \(setting.memoryLimitValue)
                            """
                        ).first?.decode(Int.self) ?? 0
                    try insertRunning(trialIndex: next, setting: setting, repeatIndex: repeats, phase: "search")
                    return .claimed(trialIndex: next, setting: setting, repeatIndex: repeats, takenOverFrom: nil, reason: reason)
                }
            }
        }

        // MARK: - Helpers

        /// Finished samples decoded before, by their JSON: a claim reads every finished trial, and
        /// decoding each one on every claim made a claim cost O(trials) decodes (about 0.8 s at 150
        /// trials in a debug build); unchanged JSON is now decoded once per worker.
        private var decoded: [String: TrialSample] = [:]

        private func decodedSample(_ json: String, decoder: JSONDecoder) -> TrialSample? {
            if let sample = decoded[json] { return sample }
            guard let sample = try? decoder.decode(TrialSample.self, from: Data(json.utf8)) else { return nil }
            decoded[json] = sample
            return sample
        }

        static func json(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
    }
#endif
