import ArgumentParser
import Foundation
import TunerCore
import TunerRuntime

extension Tuner {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a study's stored recommendation against the Go default at several load levels (spec: verify:).",
            discussion:
                "Runs the recommendation and the default in alternating pairs at each level and stores the result with the study: the summary, decision.json and the env file header show it. Exit status 3 when the recommendation did not hold at some level."
        )

        @Argument(help: "Study spec (YAML) whose stored decision to verify, e.g. experiments/baseline.yml.")
        var spec: String

        @Option(help: "Levels instead of verify.levels: multiples of the study's load and client counts, e.g. 0.5x,1x,2x.")
        var levels: String?

        @Option(help: "Alternating pairs per level instead of verify.pairs.")
        var pairs: Int?

        @Option(help: "Measured window of each run instead of verify.duration, e.g. 6s.")
        var duration: String?

        @Flag(help: "Forget the runs of an earlier, stopped verification instead of continuing from them.")
        var fresh = false

        @Option(
            help:
                "Soak instead of the levels: serve the default, then the recommendation, this long each (e.g. 10m, 2h) and judge RSS growth, pause ms/s, p99 latency (verify.budgets) and leak signals."
        )
        var soak: String?

        @Option(help: "With --soak: the level to soak at, by its name in verify.levels (default 1x, the study's own load).")
        var soakLevel: String = "1x"

        @Option(help: "With --soak: load between two readings (default 30s; shorter soaks take 20 readings).")
        var segment: String?

        func run() throws {
            var studySpec: StudySpec
            do { studySpec = try SpecLoader.load(path: spec) } catch {
                Diagnostics.error(error.description)
                throw ExitCode.failure
            }
            do {
                if let levels { studySpec.verify.entries = try VerifySpec.levels(commandLine: levels) }
            } catch {
                Diagnostics.error("--levels \(levels ?? ""): \(error.message)")
                throw ExitCode.failure
            }
            if let pairs {
                guard (1...50).contains(pairs) else { throw ValidationError("--pairs \(pairs): use 1...50") }
                studySpec.verify.pairs = pairs
            }
            if let duration {
                do { studySpec.verify.durationSeconds = try DurationText.seconds(duration) } catch {
                    throw ValidationError("--duration \(duration): \(error)")
                }
            }
            if studySpec.load.level == nil, studySpec.verify.entries != [.multiple(1)] {
                Diagnostics.error(
                    "--levels: load.kind \(studySpec.load.kindName) has no client count tuner can scale; use --levels 1x")
                throw ExitCode.failure
            }
            let database = "\(studySpec.dataDirectory)/\(studySpec.study)/study.sqlite"
            guard FileManager.default.fileExists(atPath: database) else {
                Diagnostics.error(
                    "\(database) does not exist: tuner verify checks a study run here; run 'tuner run \(spec)' first (a folder of exports alone cannot be verified)"
                )
                throw ExitCode.failure
            }
            let stored: StoredStudy
            do { stored = try StoredStudy.load(spec: studySpec, specPath: spec) } catch {
                Diagnostics.error("\(error)")
                throw ExitCode.failure
            }
            guard stored.decision != nil, let candidate = stored.report.recommendation?.setting else {
                Diagnostics.error(
                    "study '\(studySpec.study)' has no stored decision to verify; run 'tuner run \(spec)' to the end first")
                throw ExitCode.failure
            }
            guard !candidate.isGoDefault else {
                say("The study recommends Go's default (GOGC=100, no limit): there is nothing to verify against it.")
                return
            }
            var soakPlan: StudyRunner.SoakPlan?
            if let soak {
                let seconds: Double
                do { seconds = try DurationText.seconds(soak) } catch { throw ValidationError("--soak \(soak): \(error)") }
                guard seconds >= 5 else { throw ValidationError("--soak \(soak): at least 5s (10m or more to judge growth)") }
                let levels = studySpec.verify.levels(for: studySpec.load)
                guard let level = levels.first(where: { $0.name == soakLevel }) ?? (soakLevel == "1x" ? studySpec.load.level : nil) else {
                    throw ValidationError(
                        "--soak-level \(soakLevel) is not a level of verify.levels (\(levels.map(\.name).joined(separator: ", ")))")
                }
                var segmentSeconds = StudyRunner.SoakPlan.defaultSegment(for: seconds)
                if let segment {
                    do { segmentSeconds = try DurationText.seconds(segment) } catch {
                        throw ValidationError("--segment \(segment): \(error)")
                    }
                }
                soakPlan = StudyRunner.SoakPlan(seconds: seconds, segmentSeconds: segmentSeconds, level: level)
            }
            let launcher = PosixLauncher()
            let stop = StopFlag.install(onAbort: { launcher.stopAll() })
            let verification: Verification
            let runner: StudyRunner
            do {
                runner = try StudyRunner.standard(
                    spec: studySpec, launcher: launcher, events: { event in if let line = event.plainText { say(line) } })
                try runner.build()
                if let soakPlan {
                    verification = try runner.soak(candidate: candidate, plan: soakPlan, shouldStop: { stop.isSet })
                } else {
                    verification = try runner.verify(candidate: candidate, fresh: fresh, shouldStop: { stop.isSet })
                }
            } catch {
                launcher.stopAll()
                Diagnostics.error("\(error)")
                throw ExitCode.failure
            }
            // The exports and the env file render the stored decision, now with its verification.
            do { try runner.exports?.render(from: runner.store) } catch {
                Diagnostics.error("cannot read the study back from its store to write its exports: \(error)")
            }
            let envPath = "\(runner.studyDirectory)/recommended.env"
            if let refreshed = try? StoredStudy.load(spec: studySpec, specPath: spec),
                let text = ReportRenderer.envFile(refreshed.report, specPath: spec)
            {
                try? text.write(toFile: envPath, atomically: true, encoding: .utf8)
            }
            say("")
            say(VerificationRenderer.table(verification))
            say("Stored with the study; decision.json and \(envPath) show it.")
            if !verification.held && verification.isComplete { throw ExitCode(3) }
        }
    }
}
