#if Postgres
    import Foundation
    import TunerCore
    import TunerFakes
    import TunerRuntime

    #if canImport(Glibc)
        import Glibc
    #endif

    /// Many lightweight workers on one shared study (issue 25's hundred-worker note): each worker is
    /// a thread with its own PostgreSQL connection and owner, claiming trials of a surrogate search
    /// on a replayed surface and recording the replay's measurement at once (no process, no sleep),
    /// so what is measured is the claim path itself: the database's work and the proposal under the
    /// study's advisory lock.
    public struct WorkerBenchmark: Sendable {
        /// One claim: how many trials were pending when it was proposed, and how long the claim took.
        public struct Claim: Sendable {
            public var pending: Int
            public var finished: Int
            public var seconds: Double
            /// Seconds of the sampler's own proposal inside the claim.
            public var proposalSeconds: Double
        }

        public struct Result: Sendable {
            public var workers: Int
            public var claims: [Claim]
            public var wallSeconds: Double
            /// CPU seconds (user + system) of every PostgreSQL server process over the run.
            public var databaseCPUSeconds: Double?
            public var errors: [String]
            public var claimsPerSecond: Double { Double(claims.count) / max(wallSeconds, 1e-9) }
        }

        public let spec: StudySpec
        public let replay: ReplayEvaluator
        public let location: StoreLocation.Postgres

        public init(spec: StudySpec, replay: ReplayEvaluator, location: StoreLocation.Postgres) {
            self.spec = spec
            self.replay = replay
            self.location = location
        }

        /// Runs `workers` threads until the study's trial budget is spent.
        /// - Parameter databaseUser: the uid whose processes are the database server (for its CPU).
        public func run(workers: Int, study: String, databaseUser: uid_t?) throws -> Result {
            let sampler = Samplers.make(spec, repeats: spec.budget.repeats)
            let budget = sampler.plannedTrials ?? spec.budget.trials
            let stores = try (0..<workers).map { index in
                try PostgresStudyStore(
                    location: location, study: study,
                    owner: StudyOwner(host: "lab-worker-\(index)", pid: Int32(index + 1), startTicks: 1, sinceUnixSeconds: 0),
                    heartbeatTimeoutSeconds: 600)
            }
            for store in stores { try store.heartbeat() }
            let log = ClaimLog()
            let cpuBefore = databaseUser.map(Self.cpuSeconds(ofUser:))
            let started = monotonicSeconds()
            @Sendable func work(store: PostgresStudyStore) {
                while true {
                    var pendingCount = 0
                    var finishedCount = 0
                    var proposal = 0.0
                    let t0 = monotonicSeconds()
                    let claim: TrialClaim
                    do {
                        claim = try store.claimNext { finished, pending in
                            let p0 = monotonicSeconds()
                            defer { proposal = monotonicSeconds() - p0 }
                            pendingCount = pending.count
                            finishedCount = finished.count
                            if sampler.plannedTrials == nil, finished.count + pending.count >= budget {
                                return .stop(reason: "budget spent")
                            }
                            return sampler.next(completed: ConstantLiar.searchState(finished: finished, pending: pending))
                        }
                    } catch {
                        log.fail("\(error)")
                        return
                    }
                    let seconds = monotonicSeconds() - t0
                    switch claim {
                    case .claimed(let trialIndex, let setting, let repeatIndex, _, _):
                        log.add(Claim(pending: pendingCount, finished: finishedCount, seconds: seconds, proposalSeconds: proposal))
                        let sample = replay.run(
                            setting: setting, trialIndex: trialIndex, repeatIndex: repeatIndex, seed: spec.seed &+ UInt64(trialIndex))
                        do { try store.append(sample) } catch {
                            log.fail("\(error)")
                            return
                        }
                    case .wait:
                        Thread.sleep(forTimeInterval: 0.01)
                    case .done:
                        return
                    }
                }
            }
            // One thread per worker (concurrentPerform would run only as many as there are cores).
            let group = DispatchGroup()
            for index in 0..<workers {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    work(store: stores[index])
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.wait()
            let wall = monotonicSeconds() - started
            let cpuAfter = databaseUser.map(Self.cpuSeconds(ofUser:))
            var cpu: Double?
            if let cpuBefore, let cpuAfter { cpu = cpuAfter - cpuBefore }
            return Result(workers: workers, claims: log.claims, wallSeconds: wall, databaseCPUSeconds: cpu, errors: log.errors)
        }

        /// The spec's sampler's proposal time with `finished` trials measured (the sampler's own
        /// first choices, replayed) and each count of pending trials (random other settings of the
        /// surface, as lies): seconds of each of `repeats` proposals per count. In-process, no database.
        public func proposalSeconds(finished count: Int, pending counts: [Int], repeats: Int = 3) -> [(pending: Int, seconds: [Double])] {
            let sampler = Samplers.make(spec, repeats: spec.budget.repeats)
            var finished: [TrialSample] = []
            while finished.count < count, case .measure(let setting, _) = sampler.next(completed: finished) {
                let index = finished.count
                finished.append(replay.run(setting: setting, trialIndex: index, repeatIndex: 0, seed: spec.seed &+ UInt64(index)))
            }
            var generator = SeededGenerator(seed: spec.seed)
            let settings = Array(replay.surface.keys).sorted()
            return counts.map { pendingCount in
                let pending = (0..<pendingCount).map { _ in
                    PendingTrial(setting: settings[Int(generator.next() % UInt64(settings.count))], repeatIndex: 1)
                }
                let state = ConstantLiar.searchState(finished: finished, pending: pending)
                let seconds = (0..<repeats).map { _ in
                    let t0 = monotonicSeconds()
                    _ = sampler.next(completed: state)
                    return monotonicSeconds() - t0
                }
                return (pendingCount, seconds)
            }
        }

        /// User + system CPU seconds of every live process owned by `uid` (from /proc).
        public static func cpuSeconds(ofUser uid: uid_t) -> Double {
            var total = 0.0
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = Int32(entry), let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8),
                    let uidLine = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
                    uidLine.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first == Substring(String(uid)),
                    let seconds = ProcessTable.cpuSeconds(of: pid)
                else { continue }
                total += seconds
            }
            return total
        }
    }

    /// Claims and errors seen by the benchmark's threads.
    final class ClaimLog: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var claims: [WorkerBenchmark.Claim] = []
        private(set) var errors: [String] = []
        func add(_ claim: WorkerBenchmark.Claim) { lock.withLock { claims.append(claim) } }
        func fail(_ error: String) { lock.withLock { errors.append(error) } }
    }
#endif
