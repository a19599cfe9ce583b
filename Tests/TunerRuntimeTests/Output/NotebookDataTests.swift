import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// The notebook's data, computed from a stored study: the stored decision as every other output
/// renders it, the hypervolume after each trial, and the surrogate's grid.
@Suite struct NotebookDataTests {
    static let candidate = GCSetting(gogc: 400, memoryLimitBytes: nil)

    func spec(_ directory: String) throws -> StudySpec {
        try SpecLoader.parse(
            yaml: """
                study: notebook
                seed: 7
                target: {command: [none, "{port}"]}
                load: {}
                parameters:
                  gogc: {min: 25, max: 1600, off: true}
                  gomemlimit: {min: 64MiB, max: 1GiB, off: true}
                constraints: ["rss_peak <= 1GiB"]
                budget: {sampler: surrogate, trials: 12, confirm: 5, duration: 1s}
                output: {data_dir: \(directory)}
                """, file: "notebook.yml", absolutePath: "\(directory)/notebook.yml")
    }

    /// A trial of a smooth synthetic service: a larger heap goal (GOGC, or no GC at all) buys
    /// throughput and costs RSS; `cycles` GC cycles of two pauses each, in ms.
    func sample(_ index: Int, _ setting: GCSetting, phase: String, wobble: Double = 0) -> TrialSample {
        let goal = Double(setting.gogc ?? 3200) * (setting.memoryLimitBytes.map { min(1, Double($0) / Double(512 << 20)) } ?? 1)
        let throughput = 5000 + 900 * log(goal) + wobble
        let pause = 0.05 + 0.01 * log(goal)
        let cycles = (0..<max(2, Int(4000 / goal))).map { n in
            GCCycle(
                number: n + 1, startSeconds: Double(n) * 0.01, cumulativeCPUPercent: 1, sweepTerminationMillis: pause / 4,
                concurrentMarkMillis: 1, markTerminationMillis: pause * (1 + 0.01 * Double(n % 5)), cpuMillis: 1, heapStartMiB: 10,
                heapEndMiB: 11, liveHeapMiB: 8, heapGoalMiB: Int(8 * (1 + goal / 100)), processors: 2, forced: false)
        }
        let rss = Int64(40 << 20) + Int64(goal) * (200 << 10)
        var trial = TrialSample(
            trialIndex: index, setting: setting, repeatIndex: 0, outcome: .measured, startedAtUnixSeconds: 0,
            wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01, load: FakeLoadDriver.result(throughput: throughput),
            gc: GCObservation(cycles: cycles, windowSeconds: 1, processors: 2, malformedLines: 0),
            memory: MemoryObservation(peakBytes: rss, windowStartBytes: rss, windowEndBytes: rss, sampleCount: 5))
        trial.phase = phase
        return trial
    }

    /// Nine search trials (one failed), then five alternating confirmation pairs of the candidate.
    func samples(candidateWins: Bool) -> [TrialSample] {
        let settings: [GCSetting] = [
            .goDefault, GCSetting(gogc: 25, memoryLimitBytes: nil), GCSetting(gogc: 1600, memoryLimitBytes: nil),
            GCSetting(gogc: nil, memoryLimitBytes: 256 << 20), GCSetting(gogc: 200, memoryLimitBytes: 128 << 20),
            Self.candidate, GCSetting(gogc: 50, memoryLimitBytes: 1 << 30), GCSetting(gogc: 800, memoryLimitBytes: 512 << 20),
        ]
        var all = settings.enumerated().map { sample($0.offset, $0.element, phase: $0.offset == 0 ? "noise-check" : "search") }
        var failed = sample(all.count, GCSetting(gogc: nil, memoryLimitBytes: nil), phase: "search")
        failed.outcome = .failed(reason: "RSS above target.max_rss")
        failed.load = nil
        failed.gc = nil
        failed.memory = nil
        all.append(failed)
        let tag = "confirm \(Self.candidate)"
        for pair in 0..<5 {
            all.append(sample(all.count, .goDefault, phase: tag, wobble: Double(pair)))
            // A refuted candidate loses pairs 2 and 4 to the default.
            let loses = !candidateWins && pair % 2 == 1
            all.append(sample(all.count, Self.candidate, phase: tag, wobble: loses ? -5000 : Double(pair)))
        }
        // Each trial of a setting is its next repeat, as a study records it (a store keeps one
        // trial per setting and repeat).
        var seen: [GCSetting: Int] = [:]
        for index in all.indices {
            all[index].repeatIndex = seen[all[index].setting, default: 0]
            seen[all[index].setting, default: 0] += 1
        }
        return all
    }

    /// The study's files in a fresh folder, with the decision `tuner run` would have stored.
    func stored(candidateWins: Bool) throws -> StoredStudy {
        let directory = NSTemporaryDirectory() + "tuner-notebook-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(directory)/notebook", withIntermediateDirectories: true)
        let spec = try spec(directory)
        let trials = samples(candidateWins: candidateWins)
        try TrialsFile.write(trials, to: "\(directory)/notebook/trials.jsonl")
        let surrogate = Samplers.surrogate(spec).recommendation(samples: trials.filter { !$0.isConfirmation }, rule: spec.recommend)
        let confirmation = StudyRunner.recordedConfirmation(of: Self.candidate, in: trials, spec: spec)
        try DecisionFile.write(
            StudyDecision(surrogate: surrogate, confirmation: confirmation, trialCount: trials.count, decidedAtUnixSeconds: 0),
            to: "\(directory)/notebook/decision.json")
        return try StoredStudy.load(spec: spec, specPath: "notebook.yml")
    }

    @Test func theNotebookRendersTheStoredDecisionNotANewOne() throws {
        let stored = try stored(candidateWins: true)
        let data = NotebookData(stored: stored, specPath: "notebook.yml", gridPoints: 8)
        #expect(stored.report.confirmation?.confirmed == true)
        #expect(data.decision.recommended == stored.report.recommendation?.setting.description)
        #expect(data.decision.recommended == Self.candidate.description)
        #expect(data.decision.explanation == stored.report.recommendationExplanation)
        #expect(data.decision.source == "stored")
        #expect(data.decision.confirmed == true && data.decision.confirmationVerdict == stored.report.confirmation?.verdict)
        #expect(
            data.summaryText == ReportRenderer.summary(stored.report, envFilePath: nil), "the summary exactly as tuner report prints it")
        #expect(data.summaryText.contains("Recommended: \(Self.candidate)"))
        #expect(data.decision.changesVersusDefault.map(\.metric) == stored.report.changesVersusDefault.map(\.metric.rawValue))
        let recommendedRows = data.frontier.filter(\.isRecommended)
        #expect(recommendedRows.map(\.setting) == [Self.candidate.description])
        #expect(data.frontier.filter(\.isDefault).map(\.setting) == [GCSetting.goDefault.description])
        #expect(data.decision.rule == "highest throughput_ops_per_sec among frontier settings that meet the constraints")
        let run = try #require(data.decision.confirmations.first)
        #expect(data.decision.confirmations.count == 1 && run.isDecisive && run.pairs.count == 5)
        #expect(
            run.pairs.allSatisfy { pair in
                data.trials[pair[0]].setting == GCSetting.goDefault.description
                    && data.trials[pair[1]].setting == Self.candidate.description
            })
    }

    @Test func aRefutedCandidateLeavesTheDefaultInTheNotebookAsEverywhere() throws {
        let stored = try stored(candidateWins: false)
        let data = NotebookData(stored: stored, specPath: "notebook.yml", gridPoints: 4)
        #expect(stored.report.confirmation?.confirmed == false)
        #expect(data.decision.recommended == GCSetting.goDefault.description)
        #expect(data.decision.recommendedIsDefault)
        #expect(data.decision.explanation.hasPrefix("no setting beat the Go default beyond the noise here"))
        #expect(data.decision.confirmations.first?.confirmed == false)
    }

    @Test func everyTrialIsKeptWithItsPausesAndTheHypervolumeNeverFalls() throws {
        let stored = try stored(candidateWins: true)
        let data = NotebookData(stored: stored, specPath: "notebook.yml", gridPoints: 4)
        #expect(data.trials.count == stored.samples.count)
        #expect(data.trials.map(\.trialIndex) == Array(0..<stored.samples.count))
        for (trial, sample) in zip(data.trials, stored.samples) {
            #expect(trial.pausesMillis?.count == sample.gc.map { 2 * $0.cycles.count }, "trial \(trial.number)")
            #expect(trial.measured == sample.isMeasured)
        }
        let failed = try #require(data.trials.first { !$0.measured })
        #expect(failed.failure == "RSS above target.max_rss" && failed.metrics.isEmpty && failed.gogc == nil)
        let history = data.hypervolume.history
        #expect(history.count == data.trials.count)
        #expect(zip(history, history.dropFirst()).allSatisfy { $1.hypervolume >= $0.hypervolume - 1e-12 })
        #expect(history.first { $0.setting == failed.setting }?.counted == false)
        #expect(history.last!.hypervolume > 0 && history.last!.hypervolume <= data.hypervolume.maximum)
        #expect(data.hypervolume.normalisation.contains("reference point 1.1"))
    }

    @Test func theSurfaceIsTheDecisiveObjectivesGridFittedWithoutTheConfirmationRuns() throws {
        let stored = try stored(candidateWins: true)
        let data = NotebookData(stored: stored, specPath: "notebook.yml", gridPoints: 6)
        #expect(data.surface.available && data.surface.searchedBySurrogate)
        #expect(data.surface.objective == "throughput_ops_per_sec")
        let grid = try #require(data.surface.grid)
        #expect(grid.shape == (7, 7), "6 numeric points and off on each knob")
        #expect(grid.trainingTrials == 8, "8 measured search trials; the failed one and the 10 confirmation trials are left out")
        #expect(data.surface.note.contains("on 8 measured trials"))
    }

    @Test func theDataSurvivesJSON() throws {
        let data = NotebookData(stored: try stored(candidateWins: true), specPath: "notebook.yml", gridPoints: 3)
        let json = try data.json()
        let back = try JSONDecoder().decode(NotebookData.self, from: json)
        #expect(back.format == NotebookData.currentFormat)
        #expect(back.decision.recommended == data.decision.recommended)
        #expect(back.surface.grid?.gogcValues == data.surface.grid?.gogcValues)
        #expect(String(decoding: json, as: UTF8.self).contains("\"gogcValues\":[25,"))
    }
}
