#if Postgres
    import Foundation
    import Testing
    import TunerFakes

    @testable import TunerCore
    @testable import TunerRuntime

    #if canImport(Glibc)
        import Glibc
    #endif

    /// Issue 25's acceptance: one study, a real PostgreSQL server, three tuners on this machine (two
    /// `tuner worker`s and a `tuner run` that joins them), a tiny real study of the bundled server.
    /// One worker is SIGKILLed mid-trial: the study still completes, that trial is rerun by another
    /// worker, every planned trial is recorded exactly once, and nothing of the killed worker lives on.
    @Suite(
        .serialized,
        .enabled(if: TestPostgresCluster.unavailableReason == nil, "PostgreSQL is not installed (scripts/setup.sh installs it)"))
    struct WorkersEndToEndTests {
        let directory: String

        init() throws {
            directory = NSTemporaryDirectory() + "tuner-workers-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        /// GOGC 25 … 800: 6 settings × 1 repeat of 0.5 s + 2 s, no confirmation.
        func spec() throws -> String {
            let path = "\(directory)/workers.yml"
            try """
            study: workers
            seed: 5
            \(TunerBinary.bundledTarget)
            load: {binary: bin/sync-bench, mode: closed, clients: 4, docs: 2, doc_size: 16KiB}
            parameters:
              gogc: {values: [25, 50, 100, 200, 400, 800]}
            budget: {sampler: grid, settings: 6, repeats: 1, warmup: 500ms, duration: 2s, noise_check: off, confirm: 0}
            output: {data_dir: \(directory)/data}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func start(_ arguments: [String], name: String) throws -> RunningProcess {
            try PosixLauncher().launch(
                LaunchRequest(
                    arguments: [TunerBinary.path] + arguments, workingDirectory: directory,
                    environment: ProcessInfo.processInfo.environment,
                    stdoutPath: "\(directory)/\(name).stdout", stderrPath: "\(directory)/\(name).stderr"))
        }

        func output(_ name: String) -> String {
            ["stdout", "stderr"].map { (try? String(contentsOfFile: "\(directory)/\(name).\($0)", encoding: .utf8)) ?? "" }
                .joined(separator: "\n")
        }

        @Test func threeTunersFinishAStudyOnceEachTrialThoughOneWorkerIsKilledMidTrial() throws {
            let cluster = try TestPostgresCluster.shared.get()
            let location = try cluster.newDatabase()
            let url = cluster.url(location)
            let spec = try spec()
            let observer = try PostgresStudyStore(location: location, study: "workers")

            // The first worker builds the target; the others start once it measures (the build is then cached).
            let first = try start(["worker", spec, "--storage", url, "--share-machine", "--poll-seconds", "0.2"], name: "first")
            defer { first.stop(graceSeconds: 1) }
            #expect(
                TunerBinary.waitFor(180) { (try? observer.runningTrials().isEmpty == false) ?? false },
                "the first worker never claimed a trial: \(output("first"))")
            let victim = try start(["worker", spec, "--storage", url, "--share-machine", "--poll-seconds", "0.2"], name: "victim")
            defer { victim.stop(graceSeconds: 1) }
            let joiner = try start(["run", spec, "--storage", url], name: "joiner")
            defer { joiner.stop(graceSeconds: 1) }

            // Kill the victim (the tuner alone, not its group) while its trial is under load.
            var victimGroups: [Int32] = []
            var victimTrial: RunningTrial?
            let underLoad = TunerBinary.waitFor(120) {
                guard let trial = try? observer.runningTrials().first(where: { $0.owner.pid == victim.pid }),
                    let groups = try? observer.recordedProcessGroups(), Set(groups.map(\.role)).isSuperset(of: ["server", "load"])
                else { return false }
                let rows = (try? observer.execute("SELECT pgid FROM tuner_process WHERE owner_pid = \(Int(victim.pid))")) ?? []
                victimGroups = rows.compactMap { try? Int32($0.decode(Int.self)) }
                victimTrial = trial
                return victimGroups.count >= 2
            }
            #expect(underLoad, "the victim never got a trial under load: \(output("victim"))")
            guard underLoad, let victimTrial else { return }
            kill(victim.pid, SIGKILL)
            _ = victim.wait(timeoutSeconds: 10)
            #expect(
                TunerBinary.waitFor(5) { victimGroups.allSatisfy { ProcessTable.liveMembers(ofGroup: $0).isEmpty } },
                "a process of the killed worker outlived it (groups \(victimGroups))")

            let firstExit = first.wait(timeoutSeconds: 240)
            let joinerExit = joiner.wait(timeoutSeconds: 240)
            #expect(firstExit == .exited(code: 0), "worker: \(output("first"))")
            #expect(joinerExit == .exited(code: 0), "tuner run: \(output("joiner"))")

            let samples = try observer.samples()
            let keys = samples.map { "\($0.setting)#\($0.repeatIndex)" }
            #expect(samples.count == 6 && Set(keys).count == 6, "every planned trial recorded once: \(keys)")
            let failed = samples.filter { !$0.isMeasured }.map(\.outcome)
            #expect(failed.isEmpty, "\(failed)")
            let stillRunning = try observer.runningTrials()
            #expect(stillRunning.isEmpty)
            let rerun = samples.first { $0.trialIndex == victimTrial.trialIndex }
            #expect(rerun?.setting.gogcValue == victimTrial.gogc, "the killed trial was rerun and recorded")
            let logs = output("first") + output("joiner")
            #expect(logs.contains("was left by pid \(victim.pid) on"), "a surviving worker says it took the trial over: \(logs)")
            let claims = (output("first") + output("victim") + output("joiner")).split(separator: "\n").filter {
                $0.contains("claimed trial ")
            }
            #expect(claims.count == 6, "six planned trials, six claims (the rerun is a takeover, not a claim): \(claims)")
            #expect(output("joiner").contains("worker(s) run study 'workers'"), "tuner run says it joins the workers")
            #expect(try observer.decision() != nil, "tuner run decided when the search was over")
        }

        @Test func aWorkerNeedsASharedStoreAndSaysSo() throws {
            let spec = try spec()
            let sqlite = try TunerBinary.run(["worker", spec, "--storage", "sqlite://\(directory)/s.sqlite"], timeoutSeconds: 60)
            #expect(sqlite.status != 0)
            #expect(sqlite.stderr.contains("workers share a study through PostgreSQL"), "\(sqlite.stderr)")
            let malformed = try TunerBinary.run(["worker", spec, "--storage", "postgres://tuner@db.example"], timeoutSeconds: 60)
            #expect(malformed.status != 0)
            #expect(malformed.stderr.contains("--storage postgres://tuner@db.example: no database named"), "\(malformed.stderr)")
            let changed = try TunerBinary.run(["run", spec, "--storage", "postgres://tuner@/x?host=/nonexistent"], timeoutSeconds: 60)
            #expect(changed.status != 0)
            #expect(changed.stderr.contains("cannot connect to postgres://tuner@/x"), "\(changed.stderr)")
        }

        @Test func aSecondTunerOnTheSameMachineIsRefusedByTheMachinesLock() throws {
            let cluster = try TestPostgresCluster.shared.get()
            let url = cluster.url(try cluster.newDatabase())
            let spec = try spec()
            try FileManager.default.createDirectory(atPath: "\(directory)/data/workers", withIntermediateDirectories: true)
            let lock = try StudyLock(path: "\(directory)/data/workers/study.lock")
            defer { lock.release() }
            let refused = try TunerBinary.run(["worker", spec, "--storage", url], timeoutSeconds: 60)
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains("study 'workers'") && refused.stderr.contains("is being run by another tuner"), "\(refused.stderr)")
        }
    }
#endif
