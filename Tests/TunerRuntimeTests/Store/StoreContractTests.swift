import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// One suite for every study store (SQLite, PostgreSQL and in memory), as Optuna's storage tests
/// do. PostgreSQL runs on a throwaway server (`TestPostgresCluster`); where PostgreSQL is not
/// installed its cases drop out and `postgresIsHereToBeTested` is skipped, saying why (a skip
/// fails CI).
@Suite struct StoreContractTests {
    enum Kind: String, CaseIterable, Sendable {
        case sqlite, memory, postgres

        /// The kinds this machine can run: PostgreSQL only where it is installed.
        static var available: [Kind] {
            #if Postgres
                TestPostgresCluster.unavailableReason == nil ? allCases : allCases.filter { $0 != .postgres }
            #else
                allCases.filter { $0 != .postgres }
            #endif
        }
    }

    #if Postgres
        @Test(.enabled(if: TestPostgresCluster.unavailableReason == nil, "PostgreSQL is not installed (scripts/setup.sh installs it)"))
        func postgresIsHereToBeTested() throws {
            #expect(Kind.available.contains(.postgres))
            let store = try PostgresStudyStore(location: try TestPostgresCluster.shared.get().newDatabase(), study: "s")
            #expect(try store.appliedMigrations() == ["v1", "v2-verification", "v3-phase"])
        }
    #endif

    func store(_ kind: Kind) throws -> StudyStore {
        switch kind {
        case .sqlite: return try SQLiteStudyStore(path: NSTemporaryDirectory() + "tuner-store-\(UUID().uuidString)/study.sqlite")
        case .memory: return InMemoryStudyStore()
        case .postgres:
            #if Postgres
                return try PostgresStudyStore(location: try TestPostgresCluster.shared.get().newDatabase(), study: "s")
            #else
                throw StoreError.unsupported("built without the Postgres trait")
            #endif
        }
    }

    func sample(_ index: Int, _ setting: GCSetting, repeatIndex: Int = 0, failed: Bool = false) -> TrialSample {
        TrialSample(
            trialIndex: index, setting: setting, repeatIndex: repeatIndex,
            outcome: failed ? .failed(reason: "no") : .measured, startedAtUnixSeconds: Double(index),
            wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
            load: FakeLoadDriver.result(), gc: nil, memory: nil)
    }

    @Test(arguments: Kind.available)
    func finishedTrialsComeBackInTrialOrderFailedOnesIncluded(kind: Kind) throws {
        let store = try store(kind)
        let a = GCSetting(gogc: 50, memoryLimitBytes: nil)
        let b = GCSetting(gogc: 200, memoryLimitBytes: 64 << 20)
        let second = sample(1, b)
        try store.begin(trialIndex: 1, setting: b, repeatIndex: 0)
        try store.append(second)
        try store.begin(trialIndex: 0, setting: a, repeatIndex: 0)
        try store.append(sample(0, a, failed: true))
        let stored = try store.samples()
        #expect(stored.map(\.trialIndex) == [0, 1], "\(kind)")
        #expect(stored[0].outcome == .failed(reason: "no"))
        #expect(stored[1] == second, "\(kind): a trial comes back as it went in")
    }

    @Test(arguments: Kind.available)
    func aRunningTrialIsNotASampleAndARerunReplacesTheOldRecord(kind: Kind) throws {
        let store = try store(kind)
        let a = GCSetting(gogc: 50, memoryLimitBytes: nil)
        try store.begin(trialIndex: 0, setting: a, repeatIndex: 0)
        #expect(try store.samples().isEmpty, "\(kind)")
        try store.recordProcess(group: 12345, startTicks: 7, role: "server", setting: a, repeatIndex: 0)
        try store.append(sample(0, a, failed: true))
        try store.append(sample(3, a))
        let stored = try store.samples()
        #expect(stored.count == 1, "\(kind): one record per (setting, repeat)")
        #expect(stored.first?.isMeasured == true && stored.first?.trialIndex == 3)
    }

    /// A store seen by `reaper`, and a way to write into the same study as other owners.
    func shared(_ kind: Kind, reaper: StudyOwner) throws -> (store: StudyStore, write: (StudyOwner, Int, GCSetting, Int32) throws -> Void) {
        switch kind {
        case .sqlite:
            let path = NSTemporaryDirectory() + "tuner-store-\(UUID().uuidString)/study.sqlite"
            let store = try SQLiteStudyStore(path: path, owner: reaper)
            return (
                store,
                { owner, index, setting, group in
                    let other = try SQLiteStudyStore(path: path, owner: owner)
                    try other.begin(trialIndex: index, setting: setting, repeatIndex: 0)
                    try other.recordProcess(group: group, startTicks: 11, role: "server", setting: setting, repeatIndex: 0)
                }
            )
        case .postgres:
            #if Postgres
                let location = try TestPostgresCluster.shared.get().newDatabase()
                let store = try PostgresStudyStore(location: location, study: "s", owner: reaper)
                return (
                    store,
                    { owner, index, setting, group in
                        let other = try PostgresStudyStore(location: location, study: "s", owner: owner)
                        try other.begin(trialIndex: index, setting: setting, repeatIndex: 0)
                        try other.recordProcess(group: group, startTicks: 11, role: "server", setting: setting, repeatIndex: 0)
                    }
                )
            #else
                throw StoreError.unsupported("built without the Postgres trait")
            #endif
        case .memory:
            let store = InMemoryStudyStore(owner: reaper)
            return (
                store,
                { owner, index, setting, group in
                    let other = store.handle(owner: owner)
                    try other.begin(trialIndex: index, setting: setting, repeatIndex: 0)
                    try other.recordProcess(group: group, startTicks: 11, role: "server")
                }
            )
        }
    }

    @Test(arguments: Kind.available)
    func onlyADeadOwnersTrialIsInterruptedAndOnlyItsRecordsAreHandedOver(kind: Kind) throws {
        // A dead owner: a pid that has exited (this test's own short-lived child).
        let exited = try PosixLauncher().launch(
            LaunchRequest(
                arguments: ["true"], workingDirectory: "/", environment: [:],
                stdoutPath: "/dev/null", stderrPath: "/dev/null"))
        _ = exited.wait(timeoutSeconds: 5)
        let host = ProcessInfo.processInfo.hostName
        let dead = StudyOwner(host: host, pid: exited.pid, startTicks: 1, sinceUnixSeconds: 0)
        let live = StudyOwner.current
        let reaper = StudyOwner(host: host, pid: live.pid, startTicks: live.startTicks + 1, sinceUnixSeconds: 0)
        let (store, write) = try shared(kind, reaper: reaper)
        try write(dead, 0, GCSetting(gogc: 50, memoryLimitBytes: nil), 4242)
        try write(live, 1, GCSetting(gogc: 200, memoryLimitBytes: nil), 4343)
        #expect(try store.runningTrials().count == 2, "\(kind)")
        #expect(try store.interruptedTrials().map(\.trialIndex) == [0], "\(kind)")
        let leftovers = try store.takeLeftovers()
        #expect(leftovers.map(\.group) == [4242] && leftovers.map(\.startTicks) == [11] && leftovers.map(\.role) == ["server"], "\(kind)")
        #expect(try store.takeLeftovers().isEmpty, "\(kind): a leftover is handed over once")
        #expect(try store.recordedProcessGroups().map(\.group) == [4343], "\(kind): a live owner's record is kept")
        #expect(try !store.isEmpty())
    }

    @Test(arguments: Kind.available)
    func theDecisionIsStoredReplacedAndReadBack(kind: Kind) throws {
        let store = try store(kind)
        #expect(try store.decision() == nil, "\(kind)")
        let first = StudyDecision(surrogate: nil, confirmation: nil, trialCount: 3, decidedAtUnixSeconds: 1)
        try store.saveDecision(first)
        #expect(try store.decision()?.trialCount == 3, "\(kind)")
        let second = StudyDecision(surrogate: nil, confirmation: nil, trialCount: 9, decidedAtUnixSeconds: 2)
        try store.saveDecision(second)
        #expect(
            try store.decision()?.trialCount == 9 && store.decision()?.decidedAtUnixSeconds == 2,
            "\(kind): one decision per study, the latest")
    }

    @Test(arguments: Kind.available)
    func verificationRunsAndTheVerificationAreKeptApartFromTheStudyAndCleared(kind: Kind) throws {
        let store = try store(kind)
        #expect(try store.verification() == nil && store.verificationTrials().isEmpty, "\(kind)")
        let candidate = GCSetting(gogc: 400, memoryLimitBytes: 128 << 20)
        let level = LoadLevel(name: "2x", mode: .closed, clients: 128, rateHz: nil)
        try store.appendVerificationTrial(VerificationTrial(level: level, sample: sample(0, .goDefault)))
        try store.appendVerificationTrial(VerificationTrial(level: level, sample: sample(1, candidate, failed: true)))
        #expect(try store.verificationTrials().map(\.sample.trialIndex) == [0, 1], "\(kind): in the order recorded")
        #expect(try store.verificationTrials().last?.level == level, "\(kind)")
        #expect(try store.samples().isEmpty && store.isEmpty(), "\(kind): verification runs are not the study's trials")
        let verification = Verification(
            candidate: candidate, pairsPerLevel: 3, durationSeconds: 6, warmupSeconds: 2, levels: [], plannedLevels: [level],
            startedAtUnixSeconds: 5)
        try store.saveVerification(verification)
        #expect(try store.verification()?.candidate == candidate && store.verification()?.plannedLevels == [level], "\(kind)")
        try store.clearVerification()
        #expect(try store.verification() == nil && store.verificationTrials().isEmpty, "\(kind): a fresh verification forgets both")
    }

    @Test(arguments: Kind.available)
    func theFingerprintIsKeptAndAnEmptyStudyIsEmpty(kind: Kind) throws {
        let store = try store(kind)
        #expect(try store.isEmpty() && store.storedFingerprint() == nil, "\(kind)")
        try store.saveFingerprint(["target.command": "bin/server"])
        #expect(try store.storedFingerprint() == ["target.command": "bin/server"], "\(kind)")
    }
}
