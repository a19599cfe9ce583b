#if Postgres
    import Foundation
    import Testing
    import TunerFakes

    @testable import TunerCore
    @testable import TunerRuntime

    /// What only a shared store does: atomic claims, ownership by heartbeat, migrations once. On a
    /// throwaway PostgreSQL server (`TestPostgresCluster`); skipped, saying why, where PostgreSQL is
    /// not installed (a skip fails CI).
    @Suite(.enabled(if: TestPostgresCluster.unavailableReason == nil, "PostgreSQL is not installed (scripts/setup.sh installs it)"))
    struct PostgresStudyStoreTests {
        let location: StoreLocation.Postgres

        init() throws {
            location = try TestPostgresCluster.shared.get().newDatabase()
        }

        /// An owner on another host (judged by heartbeat only), distinct per `pid`.
        func remote(_ pid: Int32) -> StudyOwner {
            StudyOwner(host: "elsewhere-\(pid)", pid: pid, startTicks: 1, sinceUnixSeconds: Date().timeIntervalSince1970)
        }

        func sample(_ index: Int, _ setting: GCSetting, repeatIndex: Int) -> TrialSample {
            TrialSample(
                trialIndex: index, setting: setting, repeatIndex: repeatIndex, outcome: .measured,
                startedAtUnixSeconds: Double(index), wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
                load: FakeLoadDriver.result(), gc: nil, memory: nil)
        }

        @Test func workersClaimingAtOnceTakeEveryPlannedTrialExactlyOnce() throws {
            let plan = [25, 50, 100, 200, 400, 800].map { GCSetting(gogc: $0, memoryLimitBytes: nil) }
            let sampler = PlannedSampler(name: "grid", plan: plan, repeats: 2, seed: 3)
            let stores = try (1...4).map { try PostgresStudyStore(location: location, study: "claims", owner: remote(Int32($0))) }
            for store in stores { try store.heartbeat() }
            let claimed = Claimed()
            DispatchQueue.concurrentPerform(iterations: stores.count) { worker in
                let store = stores[worker]
                while true {
                    guard
                        let claim = try? store.claimNext(propose: { finished, pending in
                            sampler.next(completed: ConstantLiar.searchState(finished: finished, pending: pending))
                        })
                    else { return claimed.fail() }
                    guard case .claimed(let index, let setting, let repeatIndex, nil, _) = claim else {
                        if case .wait = claim {
                            Thread.sleep(forTimeInterval: 0.01)
                            continue
                        }
                        return
                    }
                    claimed.add("\(setting)#\(repeatIndex)")
                    do { try store.append(sample(index, setting, repeatIndex: repeatIndex)) } catch { return claimed.fail() }
                }
            }
            #expect(!claimed.failed)
            #expect(claimed.keys.count == 12, "every planned trial is claimed: \(claimed.keys)")
            #expect(Set(claimed.keys).count == claimed.keys.count, "no trial is claimed twice")
            let stored = try stores[0].samples()
            #expect(stored.count == 12 && Set(stored.map(\.trialIndex)).count == 12)
        }

        @Test func aTrialWhoseOwnerStopsHeartbeatingIsTakenOverAfterTheTimeout() throws {
            let far = remote(77)
            let dying = try PostgresStudyStore(location: location, study: "takeover", owner: far, heartbeatTimeoutSeconds: 1)
            let survivor = try PostgresStudyStore(location: location, study: "takeover", owner: remote(78), heartbeatTimeoutSeconds: 1)
            try dying.heartbeat()
            try survivor.heartbeat()
            let planned = PlannedSampler(name: "grid", plan: [.goDefault, GCSetting(gogc: 50, memoryLimitBytes: nil)])
            let propose: ([TrialSample], [PendingTrial]) -> SearchDecision = { finished, pending in
                planned.next(completed: ConstantLiar.searchState(finished: finished, pending: pending))
            }
            guard case .claimed(let index, let setting, _, nil, _) = try dying.claimNext(propose: propose) else {
                Issue.record("the first claim got nothing")
                return
            }
            guard case .claimed(_, let other, _, nil, _) = try survivor.claimNext(propose: propose) else {
                Issue.record("a live owner's trial was taken over, or nothing was left")
                return
            }
            #expect(other != setting)
            #expect(try survivor.isAlive(far), "a fresh heartbeat is alive")
            Thread.sleep(forTimeInterval: 1.3)
            try survivor.heartbeat()
            #expect(try !survivor.isAlive(far), "a heartbeat older than the timeout is dead")
            #expect(try survivor.interruptedTrials().map(\.trialIndex) == [index])
            guard case .claimed(index, setting, 0, let previous?, _) = try survivor.claimNext(propose: propose) else {
                Issue.record("the dead owner's trial was not taken over")
                return
            }
            #expect(previous.isSameProcess(as: far))
            #expect(throws: StoreError.self, "the slow owner's late result is dropped: the trial counts once") {
                try dying.append(sample(index, setting, repeatIndex: 0))
            }
            try survivor.append(sample(index, setting, repeatIndex: 0))
            #expect(try survivor.samples().count == 1)
            #expect(try survivor.runningTrials().allSatisfy { $0.owner.isSameProcess(as: survivor.owner) })
        }

        /// The deciding run's confirmation trials are its own: a worker whose search is over does
        /// not wait on them, and does not take one over when that run dies (the run reruns it
        /// when it resumes).
        @Test func aConfirmationTrialIsNeitherWaitedOnNorTakenOverByWorkers() throws {
            let decider = try PostgresStudyStore(location: location, study: "confirming", owner: remote(81), heartbeatTimeoutSeconds: 1)
            let worker = try PostgresStudyStore(location: location, study: "confirming", owner: remote(82), heartbeatTimeoutSeconds: 1)
            try decider.heartbeat()
            try worker.heartbeat()
            try decider.begin(trialIndex: 0, setting: .goDefault, repeatIndex: 0, phase: "search")
            try decider.append(sample(0, .goDefault, repeatIndex: 0))
            let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)
            try decider.begin(trialIndex: 1, setting: candidate, repeatIndex: 0, phase: "confirm \(candidate)")
            let over: ([TrialSample], [PendingTrial]) -> SearchDecision = { _, pending in
                #expect(pending.isEmpty, "a confirmation trial is not pending for the search")
                return .stop(reason: "trial budget spent")
            }
            guard case .done = try worker.claimNext(propose: over) else {
                Issue.record("the worker waited on the deciding run's confirmation")
                return
            }
            Thread.sleep(forTimeInterval: 1.3)
            try worker.heartbeat()
            #expect(try !worker.isAlive(decider.owner))
            guard case .done = try worker.claimNext(propose: over) else {
                Issue.record("the worker took over a dead deciding run's confirmation trial")
                return
            }
            #expect(try worker.runningTrials().map(\.trialIndex) == [1], "the trial stays for its run to rerun")
        }

        @Test func aWorkerOnASecondHostMeasuresTheGoDefaultThereAndTheHostsAreCompared() throws {
            let spec = try SpecLoader.parse(
                yaml: """
                    study: hosts
                    target: {command: [none, "{port}"]}
                    load: {}
                    parameters: {gogc: {values: [50, 100, 200]}}
                    budget: {sampler: grid, settings: 3, repeats: 1, duration: 1s, noise_check: off}
                    """, file: "hosts.yml", absolutePath: "/tmp/hosts.yml")
            func worker(_ host: String, _ lines: Lines) throws -> StudyRunner {
                let store = try PostgresStudyStore(
                    location: location, study: "hosts",
                    owner: StudyOwner(host: host, pid: 1, startTicks: 1, sinceUnixSeconds: 0))
                var runner = StudyRunner(spec: spec, store: store, trialRunner: WobblyEvaluator(spread: 0.01), log: { lines.add($0) })
                runner.exports = nil
                runner.host = host
                return runner
            }
            let (first, second) = (Lines(), Lines())
            var a = try worker("host-a", first)
            let (_, summaryA) = try a.work(on: a.store as! PostgresStudyStore, pollSeconds: 0.01)
            #expect(summaryA.trialsRun == 3)
            var b = try worker("host-b", second)
            let (samples, summaryB) = try b.work(on: b.store as! PostgresStudyStore, pollSeconds: 0.01)
            #expect(summaryB.trialsRun == 1, "the plan is done; host-b measures only its own Go default")
            let onB = samples.filter { $0.host == "host-b" }
            #expect(onB.map(\.setting) == [.goDefault] && onB.first?.repeatIndex == 1)
            #expect(second.all.contains { $0.hasPrefix("claimed trial 4: GOGC=100 GOMEMLIMIT=off rep 2 — the Go default on this host") })
            #expect(
                second.all.contains { $0.hasPrefix("hosts: host-a (1 default trial(s)), host-b (1 default trial(s))") }, "\(second.all)")
        }

        /// With a noise check in the spec, each host measures the Go default the check's number of
        /// times and judges its own noise; host b, 20 % slower, then enters the frontier on host
        /// a's scale.
        @Test func eachHostRunsTheNoiseCheckOnItsOwnDefaultAndASlowerHostIsScaled() throws {
            let spec = try SpecLoader.parse(
                yaml: """
                    study: noisy-hosts
                    target: {command: [none, "{port}"]}
                    load: {}
                    parameters: {gogc: {values: [50, 100, 200]}}
                    objectives: [{minimize: pause_p99_ms}, {maximize: throughput_ops_per_sec}]
                    budget: {sampler: grid, settings: 3, repeats: 1, duration: 1s, noise_check: {repeats: 3, max_cv: 0.5, action: warn}}
                    """, file: "noisy-hosts.yml", absolutePath: "/tmp/noisy-hosts.yml")
            func worker(_ host: String, _ lines: Lines, slowdown: Double) throws -> StudyRunner {
                let store = try PostgresStudyStore(
                    location: location, study: "noisy-hosts",
                    owner: StudyOwner(host: host, pid: 1, startTicks: 1, sinceUnixSeconds: 0))
                var runner = StudyRunner(
                    spec: spec, store: store, trialRunner: SlowedEvaluator(base: WobblyEvaluator(spread: 0.01), slowdown: slowdown),
                    log: { lines.add($0) })
                runner.exports = nil
                runner.host = host
                return runner
            }
            let (first, second) = (Lines(), Lines())
            var a = try worker("host-a", first, slowdown: 1)
            _ = try a.work(on: a.store as! PostgresStudyStore, pollSeconds: 0.01)
            var b = try worker("host-b", second, slowdown: 0.8)
            let (samples, summaryB) = try b.work(on: b.store as! PostgresStudyStore, pollSeconds: 0.01)
            let onA = samples.filter { $0.host == "host-a" }
            let onB = samples.filter { $0.host == "host-b" }
            #expect(
                onA.filter { $0.phase == "noise-check" }.count == 3 && onA.count == 5, "\(onA.map { "\($0.setting) \($0.phase ?? "")" })")
            #expect(summaryB.trialsRun == 3 && onB.allSatisfy { $0.setting.isGoDefault && $0.phase == "noise-check" })
            #expect(
                first.all.contains { $0.hasPrefix("noise check on host-a: coefficient of variation over 3 default runs") }, "\(first.all)")
            #expect(
                second.all.contains { $0.hasPrefix("noise check on host-b: coefficient of variation over 3 default runs") }, "\(second.all)"
            )
            let hosts = try #require(spec.report(of: samples).hosts)
            let factor = try #require(hosts.factors["host-b"]?[.throughputOpsPerSecond], "\(hosts.lines)")
            #expect(abs(factor - 1.25) < 0.05, "\(hosts.lines)")
            #expect(second.all.contains { $0.contains("on host-a's scale") }, "\(second.all)")
        }

        @Test func theSchemaIsMigratedOnceWhateverTheNumberOfWorkersOpeningIt() throws {
            let stores = try (1...3).map { try PostgresStudyStore(location: location, study: "m", owner: remote(Int32($0))) }
            #expect(try stores.map { try $0.appliedMigrations() } == Array(repeating: ["v1", "v2-verification", "v3-phase"], count: 3))
        }

        @Test func aBadStorageURLNamesTheFlagAndTheFix() throws {
            #expect(throws: StoreError.self) { try StoreLocation.parse("mysql://x/y") }
            do { _ = try StoreLocation.parse("postgres://tuner@host") } catch { #expect("\(error)".contains("--storage")) }
            #expect(try StoreLocation.parse("sqlite:///tmp/s.sqlite") == .sqlite(path: "/tmp/s.sqlite"))
            let parsed = try StoreLocation.parse("postgres://tuner:pw@db.example:5433/studies")
            #expect(parsed == .postgres(.init(user: "tuner", password: "pw", host: "db.example", port: 5433, database: "studies")))
        }

        @Test func anUnreachableServerIsNamedWithoutItsPassword() throws {
            let nowhere = StoreLocation.Postgres(
                user: "tuner", password: "secret", host: nil, port: 1, database: "x", socketDirectory: "/nonexistent")
            do {
                _ = try PostgresStudyStore(location: nowhere, study: "s")
                Issue.record("connected to nothing")
            } catch {
                #expect("\(error)".contains("cannot connect to postgres://tuner@/x"))
                #expect(!"\(error)".contains("secret"))
            }
        }
    }

    /// Lines a worker logged.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        var all: [String] { lock.withLock { lines } }
        func add(_ line: String) { lock.withLock { lines.append(line) } }
    }

    /// Claims seen by concurrent workers.
    final class Claimed: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var keys: [String] = []
        private(set) var failed = false
        func add(_ key: String) { lock.withLock { keys.append(key) } }
        func fail() { lock.withLock { failed = true } }
    }

    /// A machine slower than the evaluator it wraps: throughput and operations times `slowdown`.
    struct SlowedEvaluator: TrialEvaluator {
        var base: WobblyEvaluator
        var slowdown: Double
        func run(setting: GCSetting, trialIndex: Int, repeatIndex: Int, seed: UInt64) -> TrialSample {
            var sample = base.run(setting: setting, trialIndex: trialIndex, repeatIndex: repeatIndex, seed: seed)
            sample.load?.throughputOpsPerSecond *= slowdown
            if let operations = sample.load?.operations { sample.load?.operations = Int(Double(operations) * slowdown) }
            return sample
        }
    }
#endif
