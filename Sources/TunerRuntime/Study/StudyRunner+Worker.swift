#if Postgres
    import Foundation
    import TunerCore

    /// A worker on a shared study (`tuner worker`, and `tuner run` on a PostgreSQL store): claim a
    /// trial, run it here, record it, until the search is over.
    extension StudyRunner {
        /// What one worker did.
        public struct WorkSummary: Sendable, Equatable {
            /// Trials this worker ran, taken-over ones included.
            public var trialsRun = 0
            /// Trials it took over from a dead worker (rerun here).
            public var takenOver = 0
            /// Why it stopped.
            public var stopReason = ""
        }

        /// Claims and runs search trials until the sampler stops, the budget is spent, or
        /// `shouldStop` says so. Pending trials of other workers enter the search state by the
        /// constant-liar rule (``ConstantLiar``). A trial whose worker died (no heartbeat within the
        /// store's timeout, or its pid gone on this host) is claimed again and rerun here. While
        /// nothing is claimable but other workers' trials run, it polls every `pollSeconds`.
        /// - Returns: the study's finished samples (every worker's) and what this worker did.
        public mutating func work(
            on store: PostgresStudyStore, pollSeconds: Double = 1, shouldStop: () -> Bool = { false }
        ) throws -> (samples: [TrialSample], summary: WorkSummary) {
            let sampler = sampler()
            let budget = trialBudget(sampler)
            var summary = WorkSummary()
            var state = RunState(samples: try store.samples())
            log(
                "worker \(store.owner.description) on study '\(spec.study)' at \(store.location.redacted): \(sampler.methodDescription); at most \(budget) search trials in all, pending trials of other workers count by the constant-liar rule"
            )
            var waitingSaid = false
            var noiseJudged = false
            try judgeNoiseOnce(&noiseJudged, samples: state.samples)
            while true {
                if shouldStop() {
                    summary.stopReason = "stopped by request"
                    break
                }
                // Process groups a dead tuner on this machine left (its trial itself is claimed below).
                let killed = try store.takeLeftovers().filter { launcher?.reap($0) ?? false }
                if !killed.isEmpty {
                    log(
                        "killed \(killed.count) process group(s) left by a dead worker: \(killed.map { String($0.group) }.joined(separator: ", "))"
                    )
                }
                let claim = try store.claimNext { finished, pending in
                    let search = finished.filter { !$0.isConfirmation }
                    let searchPending = pending.filter { pendingTrial in
                        !finished.contains { $0.setting == pendingTrial.setting && $0.repeatIndex == pendingTrial.repeatIndex }
                    }
                    if sampler.plannedTrials == nil, search.count + searchPending.count >= budget {
                        return .stop(reason: "trial budget of \(budget) spent")
                    }
                    // Every host measures the Go default itself, its trials' own baseline: the noise
                    // check's runs when the spec has one (each host's noise is its own), else once,
                    // after the first default measured anywhere.
                    if let host {
                        let here = search.filter { $0.host == host && $0.setting.isGoDefault }.count
                        let pendingDefaults = searchPending.filter { $0.setting.isGoDefault }.count
                        if let check = spec.budget.noiseCheck, here + pendingDefaults < check.repeats {
                            return .measure(
                                .goDefault, reason: "noise check on this host (\(host)): the Go default \(here + 1)/\(check.repeats)")
                        }
                        if spec.budget.noiseCheck == nil, here == 0, pendingDefaults == 0,
                            search.contains(where: { $0.setting.isGoDefault && $0.isMeasured })
                        {
                            return .measure(.goDefault, reason: "the Go default on this host (\(host)), its own baseline")
                        }
                    }
                    return sampler.next(completed: ConstantLiar.searchState(finished: search, pending: searchPending))
                }
                switch claim {
                case .claimed(let index, let setting, let repeatIndex, let takenOver, let reason):
                    waitingSaid = false
                    if let takenOver {
                        log(
                            "trial \(index + 1) (\(setting) rep \(repeatIndex + 1)) was left by \(takenOver.description), whose heartbeat stopped; it runs again here"
                        )
                        summary.takenOver += 1
                    } else {
                        log("claimed trial \(index + 1): \(setting) rep \(repeatIndex + 1) — \(reason)")
                    }
                    state.samples = try store.samples()
                    let noiseCheck = setting.isGoDefault && reason.hasPrefix("noise check")
                    do {
                        try runOne(
                            setting, repeatIndex: repeatIndex, index: index, total: budget, phase: noiseCheck ? "noise-check" : "search",
                            &state)
                        summary.trialsRun += 1
                    } catch StoreError.takenOver(let message) {
                        events(.warning(message))
                    }
                    try judgeNoiseOnce(&noiseJudged, samples: state.samples)
                case .wait(let reason, let pending):
                    if !waitingSaid {
                        log("nothing to claim (\(reason)); \(pending) trial(s) still run on other workers, waiting in case one dies")
                        waitingSaid = true
                    }
                    Thread.sleep(forTimeInterval: pollSeconds)
                case .done(let reason):
                    summary.stopReason = reason
                    log("search over: \(reason); this worker ran \(summary.trialsRun) trial(s), \(summary.takenOver) taken over")
                    let samples = try store.samples()
                    let hosts = HostNormalisation.of(samples, metrics: Metric.allCases, shown: spec.objectives.map(\.metric))
                    for line in hosts?.lines ?? [] { log(line) }
                    return (samples, summary)
                }
            }
            return (try store.samples(), summary)
        }

        /// Once this host has measured the noise check's runs of the Go default, reports their
        /// noise and the up-front bound, and judges the noise as `tuner run` does on one machine
        /// (``NoiseGuard/judge(_:runner:sharedHost:)``).
        func judgeNoiseOnce(_ judged: inout Bool, samples: [TrialSample]) throws {
            guard !judged, let check = spec.budget.noiseCheck, let host else { return }
            let here = samples.filter { $0.host == host && $0.setting.isGoDefault && !$0.isConfirmation }
            guard here.count >= check.repeats else { return }
            judged = true
            let guardian = NoiseGuard(check: check, repeats: spec.budget.repeats, samplerIsPlanned: sampler().plannedTrials != nil)
            _ = try guardian.judge(here.filter(\.isMeasured), runner: self, sharedHost: host)
        }
    }
#endif
