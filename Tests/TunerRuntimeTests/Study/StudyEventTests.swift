import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

@Suite struct StudyEventTests {
    /// A grid study of 3 settings × 2 repeats replayed from a recorded surface, with 2 confirmation pairs.
    func runner(events: @escaping (StudyEvent) -> Void) throws -> StudyRunner {
        let replay = ReplayEvaluator(
            samples: ReplayStudyTests.surface().map { sample in
                var sample = sample
                sample.wallSeconds = 4.5  // 1 s warm-up + 2 s window + 1.5 s of launching and stopping
                return sample
            })
        var spec = try SpecLoader.parse(
            yaml: """
                study: events
                target: {command: [none, "{port}"]}
                load: {}
                parameters: {gogc: {values: [50, 100, 200]}}
                budget: {sampler: grid, settings: 3, repeats: 2, confirm: 2, warmup: 1s, duration: 2s, noise_check: off}
                """, file: "events.yml", absolutePath: "/tmp/events.yml")
        spec.space = SearchSpace(gogc: .values([50, 100, 200]), memoryLimit: .values([nil]))
        var runner = StudyRunner(spec: spec, store: InMemoryStudyStore(), trialRunner: replay, events: events)
        runner.exports = nil
        return runner
    }

    @Test func everyTrialStartsBeforeItFinishesAndTheLogShowsTheLinesItAlwaysShowed() throws {
        var events: [StudyEvent] = []
        var lines: [String] = []
        var withEvents = try runner(events: { events.append($0) })
        var samples = try withEvents.runTrials()
        _ = try withEvents.confirm(candidate: GCSetting(gogc: 200, memoryLimitBytes: nil), samples: &samples)

        // The same study through the log-line initialiser prints exactly the events' plain text.
        let logged = try runner(events: { _ in })
        var withLog = StudyRunner(
            spec: logged.spec, store: InMemoryStudyStore(), trialRunner: logged.trialRunner, log: { lines.append($0) })
        withLog.exports = nil
        var again = try withLog.runTrials()
        _ = try withLog.confirm(candidate: GCSetting(gogc: 200, memoryLimitBytes: nil), samples: &again)
        #expect(lines == events.compactMap(\.plainText))
        #expect(lines.first?.hasPrefix("plan: grid") == true)
        #expect(lines.contains { $0.hasPrefix("[1/6] GOGC=") && $0.contains("ops/s, latency p99") })

        var started: TrialStart?
        var finished = 0
        for event in events {
            switch event {
            case .trialStarted(let start):
                #expect(started == nil, "a trial started while another ran")
                started = start
            case .trialFinished(let sample, _):
                let start = try #require(started)
                #expect(start.trialIndex == sample.trialIndex && start.setting == sample.setting && start.repeatIndex == sample.repeatIndex)
                #expect(start.phase == sample.phase)
                started = nil
                finished += 1
            case .message, .warning: break
            }
        }
        #expect(finished == samples.count && finished == 10)
    }

    @Test func eachStartCarriesTheStudysPlanAndTheExpectedTrialTime() throws {
        var starts: [TrialStart] = []
        var runner = try runner(events: { if case .trialStarted(let start) = $0 { starts.append(start) } })
        var samples = try runner.runTrials()
        _ = try runner.confirm(candidate: GCSetting(gogc: 200, memoryLimitBytes: nil), samples: &samples)
        // 6 search trials and 2 pairs: 10 planned from the first trial on.
        #expect(starts.map(\.plannedTrials) == Array(repeating: 10, count: 10))
        #expect(starts.map(\.phase) == Array(repeating: "search", count: 6) + Array(repeating: "confirm GOGC=200 GOMEMLIMIT=off", count: 4))
        // Warm-up + window, plus 1 s before any trial finished, then the recorded overhead (1.5 s).
        #expect(starts.first?.expectedSeconds == 4)
        #expect(starts.dropFirst().allSatisfy { $0.expectedSeconds == 4.5 })
    }

    @Test func warningLinesBecomeWarningEventsAndRenderAsBefore() {
        #expect(StudyEvent.line("WARNING: noisy") == .warning("noisy"))
        #expect(StudyEvent.line("plan: grid") == .message("plan: grid"))
        #expect(StudyEvent.warning("noisy").plainText == "WARNING: noisy")
        #expect(StudyEvent.trialStarted(ProgressFixtures.start(0, of: 1)).plainText == nil)
    }
}
