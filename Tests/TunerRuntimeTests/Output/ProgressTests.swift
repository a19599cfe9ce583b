import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// Trials for the progress tests: a measured one with throughput, pause p99 and peak RSS, or a failed one.
enum ProgressFixtures {
    static func sample(
        _ index: Int, gogc: Int? = 100, pauseMillis: Double = 0.4, throughput: Double = 5210,
        rssMiB: Int64 = 61, wall: Double = 9.6, failed: String? = nil, tool: String? = nil
    ) -> TrialSample {
        var sample = TrialSample(
            trialIndex: index, setting: GCSetting(gogc: gogc, memoryLimitBytes: nil), repeatIndex: 0,
            outcome: failed.map { .failed(reason: $0) } ?? .measured,
            startedAtUnixSeconds: 0, wallSeconds: wall, readySeconds: 0.1, tunerCPUSeconds: 0.012,
            load: nil, gc: nil, memory: nil)
        guard failed == nil else { return sample }
        sample.load = LoadResult(
            operations: 1, throughputOpsPerSecond: throughput, latencyP50Millis: 1, latencyP90Millis: 2,
            latencyP99Millis: 21.3, latencyMaxMillis: 30, errors: 0, converged: true,
            windowStartUnixNanos: 0, windowEndUnixNanos: 1_000_000_000)
        sample.load?.tool = tool
        let cycle = GCCycle(
            number: 1, startSeconds: 1, cumulativeCPUPercent: 1, sweepTerminationMillis: pauseMillis, concurrentMarkMillis: 1,
            markTerminationMillis: pauseMillis, cpuMillis: 1, heapStartMiB: 1, heapEndMiB: 1, liveHeapMiB: 1,
            heapGoalMiB: 1, processors: 2, forced: false)
        sample.gc = GCObservation(cycles: [cycle], windowSeconds: 1, processors: 2, malformedLines: 0)
        sample.memory = MemoryObservation(
            peakBytes: rssMiB << 20, windowStartBytes: rssMiB << 20, windowEndBytes: rssMiB << 20, sampleCount: 5)
        return sample
    }

    static func start(_ index: Int, of planned: Int, gogc: Int? = 25, phase: String = "search", expected: Double = 9.5) -> TrialStart {
        TrialStart(
            trialIndex: index, plannedTrials: planned, setting: GCSetting(gogc: gogc, memoryLimitBytes: nil),
            repeatIndex: 0, phase: phase, expectedSeconds: expected)
    }

    static func hasEscapeOrCarriageReturn(_ text: String) -> Bool {
        text.contains("\r") || text.unicodeScalars.contains("\u{1B}")
    }
}

@Suite struct ProgressLineTests {
    typealias F = ProgressFixtures

    @Test func theLineNamesTheTrialPhaseSettingAndTimesAndSaysETAUnknownBeforeAnyTrialFinished() {
        var state = ProgressState(startedAt: 100)
        state.apply(.trialStarted(F.start(2, of: 14)), at: 130)
        let line = ProgressLine.render(state, now: 134.2)
        #expect(line == "trial 3/14 · search · GOGC=25 GOMEMLIMIT=off rep 1 · 4s of ~10s · elapsed 34s · ETA ?")
    }

    @Test func betweenTrialsThereIsNoLine() {
        var state = ProgressState(startedAt: 0)
        #expect(ProgressLine.render(state, now: 1) == nil)
        state.apply(.trialStarted(F.start(0, of: 3)), at: 1)
        state.apply(.trialFinished(F.sample(0), total: 3), at: 11)
        #expect(ProgressLine.render(state, now: 12) == nil)
    }

    @Test func etaIsTheMeanWallTimeOfFinishedTrialsTimesTheTrialsLeft() {
        var state = ProgressState(startedAt: 0)
        state.apply(.trialStarted(F.start(0, of: 6)), at: 0)
        state.apply(.trialFinished(F.sample(0), total: 6), at: 9)
        state.apply(.trialStarted(F.start(1, of: 6)), at: 10)
        state.apply(.trialFinished(F.sample(1), total: 6), at: 30)
        state.apply(.trialStarted(F.start(2, of: 6)), at: 30)
        // 30 s for 2 trials, the second between them included: a mean of 15 s; the running
        // trial has 10 s of its mean left, then 3 more trials of 15 s.
        #expect(state.meanTrialSeconds == 15)
        #expect(state.etaSeconds(at: 35) == 55)
        #expect(ProgressLine.render(state, now: 35)?.contains("ETA 55s") == true)
        // A trial running past the mean counts as done soon, never negative.
        #expect(state.etaSeconds(at: 60) == 45)
    }

    @Test func theLastSampleShowsThroughputPauseP99AndPeakRSSOrWhyItFailed() {
        var state = ProgressState(startedAt: 0)
        state.apply(.trialStarted(F.start(0, of: 2)), at: 0)
        state.apply(.trialFinished(F.sample(0), total: 2), at: 9)
        state.apply(.trialStarted(F.start(1, of: 2)), at: 9)
        #expect(ProgressLine.render(state, now: 10)?.hasSuffix(" · last: 5210 ops/s, pause p99 0.400 ms, RSS 61.0 MiB") == true)
        #expect(ProgressLine.lastSample(F.sample(0, tool: "wrk")) == "5210 /s, pause p99 0.400 ms, RSS 61.0 MiB")
        #expect(ProgressLine.lastSample(F.sample(0, failed: "target.ready: timed out")) == "FAILED (target.ready: timed out)")
    }

    @Test func theLineCarriesNoControlCharacterEvenWhenAFailureQuotesOne() {
        var state = ProgressState(startedAt: 0)
        state.apply(.trialStarted(F.start(0, of: 2)), at: 0)
        state.apply(.trialFinished(F.sample(0, failed: "server said \u{1B}[31mpanic\u{1B}[0m\r\nexit 2"), total: 2), at: 9)
        state.apply(.trialStarted(F.start(1, of: 2)), at: 9)
        let line = ProgressLine.render(state, now: 10) ?? ""
        #expect(line.contains("panic"))
        #expect(!F.hasEscapeOrCarriageReturn(line) && !line.contains("\n"))
    }

    @Test func theLineIsCutToTheTerminalWidthSoItNeverWraps() {
        var state = ProgressState(startedAt: 0)
        state.apply(.trialStarted(F.start(0, of: 2)), at: 0)
        let line = ProgressLine.render(state, now: 1, width: 40) ?? ""
        #expect(line.count == 39)
        #expect(line.hasSuffix("…"))
        #expect(ProgressLine.render(state, now: 1, width: 400)?.hasSuffix("ETA ?") == true)
    }

    @Test func durationsReadAsSecondsMinutesAndHours() {
        #expect(ProgressLine.duration(0) == "0s")
        #expect(ProgressLine.duration(-3) == "0s")
        #expect(ProgressLine.duration(59.4) == "59s")
        #expect(ProgressLine.duration(185) == "3m05s")
        #expect(ProgressLine.duration(3720) == "1h02m")
    }
}

@Suite struct OutputModeTests {
    /// (flag, --quiet, is a terminal, environment) -> (colour, progress).
    static let cases: [(ColorChoice, Bool, Bool, [String: String], Bool, OutputMode.Progress)] = [
        (.auto, false, true, ["TERM": "xterm-256color"], true, .live),
        (.auto, false, false, ["TERM": "xterm-256color"], false, .plain),
        (.auto, false, true, ["TERM": "xterm", "NO_COLOR": "1"], false, .live),
        (.auto, false, true, ["TERM": "xterm", "NO_COLOR": ""], true, .live),  // empty NO_COLOR does not count
        (.auto, false, true, ["TERM": "dumb"], false, .plain),
        (.auto, false, true, [:], true, .live),
        (.auto, true, true, ["TERM": "xterm"], true, .quiet),
        (.on, false, false, [:], true, .plain),  // asked for: colour in a pipe
        (.on, false, true, ["NO_COLOR": "1", "TERM": "xterm"], true, .live),  // the flag overrides NO_COLOR
        (.on, false, true, ["TERM": "dumb"], true, .plain),  // but never a live line on a dumb terminal
        (.off, false, true, ["TERM": "xterm"], false, .live),
        (.off, true, false, [:], false, .quiet),
    ]

    @Test(arguments: cases.indices)
    func colourAndLiveLineFollowTheFlagTheTerminalAndTheEnvironment(_ index: Int) {
        let (flag, quiet, terminal, environment, color, progress) = Self.cases[index]
        let mode = OutputMode.decide(color: flag, quiet: quiet, isTerminal: terminal, environment: environment)
        #expect(
            mode == OutputMode(color: color, progress: progress), "case \(index): \(flag) quiet=\(quiet) tty=\(terminal) \(environment)")
    }

    @Test func colourIsAFewSGRCodesAndNothingWithoutColour() {
        let on = TerminalStyle(color: true)
        let off = TerminalStyle.plain
        #expect(on.red("FAILED") == "\u{1B}[1;31mFAILED\u{1B}[0m")
        #expect(off.red("FAILED") == "FAILED" && off.bold("x") == "x" && off.green("x") == "x")
        let failed = "[2/3] GOGC=25 GOMEMLIMIT=off rep 1: FAILED: target.ready: timed out"
        #expect(on.trialLine(failed) == "[2/3] GOGC=25 GOMEMLIMIT=off rep 1: \u{1B}[1;31mFAILED\u{1B}[0m: target.ready: timed out")
        #expect(off.trialLine(failed) == failed)
        let summary = "   GOGC\n=>*  200\n *d  100\nRecommended: GOGC=200 GOMEMLIMIT=off  — why"
        #expect(
            on.summary(summary)
                == "   GOGC\n\u{1B}[1;32m=>*  200\u{1B}[0m\n *d  100\n\u{1B}[1mRecommended: GOGC=200 GOMEMLIMIT=off  — why\u{1B}[0m")
        #expect(off.summary(summary) == summary)
    }
}

/// The display over a fake terminal: writes are collected, the clock is set by hand.
final class FakeTerminal: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []
    var now: Double = 0
    var all: String {
        lock.lock()
        defer { lock.unlock() }
        return writes.joined()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return writes.count
    }
    func write(_ text: String) {
        lock.lock()
        writes.append(text)
        lock.unlock()
    }

    func display(_ mode: OutputMode, width: Int? = nil) -> ProgressDisplay {
        ProgressDisplay(mode: mode, write: write, clock: { [unowned self] in self.now }, width: { width })
    }
}

@Suite struct ProgressDisplayTests {
    typealias F = ProgressFixtures

    /// A study's events: a plan, two trials (the second failed), a warning, a last message.
    static func feed(_ display: ProgressDisplay, _ terminal: FakeTerminal) {
        display.handle(.message("plan: grid: 2 settings × 1 repeats"))
        display.handle(.trialStarted(F.start(0, of: 2)))
        terminal.now = 9
        display.handle(.trialFinished(F.sample(0), total: 2))
        display.handle(.trialStarted(F.start(1, of: 2)))
        terminal.now = 12
        display.handle(.warning("noise check: this machine is noisy"))
        display.handle(.trialFinished(F.sample(1, failed: "target.ready: timed out"), total: 2))
        display.handle(.message("search stops: every planned trial is recorded"))
    }

    static let plainLines = [
        "plan: grid: 2 settings × 1 repeats",
        TrialLine.text(F.sample(0), total: 2),
        "WARNING: noise check: this machine is noisy",
        TrialLine.text(F.sample(1, failed: "target.ready: timed out"), total: 2),
        "search stops: every planned trial is recorded",
    ]

    @Test func offATerminalEachFinishedTrialAndMessageIsOnePlainLineWithNoEscapeCode() {
        let terminal = FakeTerminal()
        let display = terminal.display(OutputMode(color: false, progress: .plain))
        display.start()
        Self.feed(display, terminal)
        display.stop()
        display.permanent("Frontier of study 'x'")
        #expect(terminal.all == (Self.plainLines + ["Frontier of study 'x'"]).joined(separator: "\n") + "\n")
        #expect(!F.hasEscapeOrCarriageReturn(terminal.all))
    }

    @Test func quietPrintsOnlyWarningsAndWhatIsPrintedOnPurpose() {
        let terminal = FakeTerminal()
        let display = terminal.display(OutputMode(color: false, progress: .quiet))
        Self.feed(display, terminal)
        display.permanent("summary")
        #expect(terminal.all == "WARNING: noise check: this machine is noisy\nsummary\n")
    }

    @Test func onATerminalPermanentLinesPrintAboveALiveLineThatIsErasedAndRedrawn() {
        let terminal = FakeTerminal()
        let display = terminal.display(OutputMode(color: false, progress: .live))
        Self.feed(display, terminal)
        let text = terminal.all
        // Every plain line is there, in order, each erasing the live line before it when one was shown.
        let permanent = text.components(separatedBy: "\n").map { $0.components(separatedBy: "\r\u{1B}[K").last ?? "" }
        #expect(Array(permanent.dropLast()) == Self.plainLines)
        #expect(
            text.contains(
                "\r\u{1B}[K" + Self.plainLines[1]
                    + "\ntrial 2/2 · search · GOGC=25 GOMEMLIMIT=off rep 1 · 0s of ~10s · elapsed 9s · ETA 9s · last: 5210 ops/s"))
        // The trial start draws the line at once, and ends without a newline so it can be redrawn.
        #expect(
            text.hasPrefix(
                "plan: grid: 2 settings × 1 repeats\ntrial 1/2 · search · GOGC=25 GOMEMLIMIT=off rep 1 · 0s of ~10s · elapsed 0s · ETA ?\r\u{1B}[K"
            ))
        // Stopping erases the line and prints nothing else; later lines are plain.
        display.handle(.trialStarted(F.start(2, of: 3)))
        let before = terminal.all.count
        display.stop()
        #expect(String(terminal.all.dropFirst(before)) == "\r\u{1B}[K")
        display.permanent("summary")
        #expect(terminal.all.hasSuffix("\r\u{1B}[Ksummary\n"))
        display.stop()
        #expect(terminal.all.hasSuffix("\r\u{1B}[Ksummary\n"))
    }

    @Test func aDiagnosticIsWrittenWithTheLiveLineErasedAndTheLineComesBack() {
        let terminal = FakeTerminal()
        let display = terminal.display(OutputMode(color: false, progress: .live))
        display.handle(.trialStarted(F.start(0, of: 2)))
        display.aside { terminal.write("<stderr note>\n") }
        #expect(
            terminal.all.hasSuffix(
                "ETA ?\r\u{1B}[K<stderr note>\ntrial 1/2 · search · GOGC=25 GOMEMLIMIT=off rep 1 · 0s of ~10s · elapsed 0s · ETA ?"))
    }

    @Test func colourMarksFailedTrialsAndWarningsOnlyWhenOn() {
        let terminal = FakeTerminal()
        let display = terminal.display(OutputMode(color: true, progress: .plain))
        Self.feed(display, terminal)
        #expect(terminal.all.contains(": \u{1B}[1;31mFAILED\u{1B}[0m: target.ready"))
        #expect(terminal.all.contains("\u{1B}[1mWARNING:\u{1B}[0m noise check"))
    }

    /// What a tick costs: one redraw of the line (render and write), CPU of this thread only.
    @Test func aRedrawCostsFarLessThanAMillisecondOfCPU() {
        let display = ProgressDisplay(
            mode: OutputMode(color: false, progress: .live), write: { _ in }, clock: monotonicSeconds, width: { 120 })
        display.handle(.trialStarted(F.start(0, of: 3)))
        display.handle(.trialFinished(F.sample(0), total: 3))
        display.handle(.trialStarted(F.start(1, of: 3)))
        func threadCPUSeconds() -> Double {
            var usage = rusage()
            getrusage(1, &usage)  // RUSAGE_THREAD
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let before = threadCPUSeconds()
        for _ in 0..<1000 { display.aside {} }
        let perRedraw = (threadCPUSeconds() - before) / 1000
        print("one redraw of the live line: \(formatFixed(perRedraw * 1e6, decimals: 1)) µs of CPU")
        #expect(perRedraw < 0.001)
    }

    /// The timer redraws the line on its own, at most once a second (a shorter period is
    /// clamped), and not after `stop`. Counted against the time that really passed, since a
    /// loaded machine may oversleep.
    @Test func theTimerRedrawsAtMostOncePerSecondAndStopsWithTheDisplay() throws {
        let terminal = FakeTerminal()
        let display = ProgressDisplay(
            mode: OutputMode(color: false, progress: .live), write: terminal.write,
            clock: monotonicSeconds, width: { nil }, tickSeconds: 0.1)
        display.start()
        display.handle(.trialStarted(F.start(0, of: 2)))
        let drawn = terminal.count
        let started = monotonicSeconds()
        Thread.sleep(forTimeInterval: 2.6)
        let ticks = terminal.count - drawn
        let elapsed = monotonicSeconds() - started
        #expect(ticks >= 1 && ticks <= Int(elapsed) + 1, "\(ticks) redraws in \(formatFixed(elapsed, decimals: 1)) s")
        #expect(terminal.all.range(of: #"· [1-9][0-9]*s of ~10s ·"#, options: .regularExpression) != nil, "a redraw shows the trial's time")
        display.stop()
        let stopped = terminal.count
        Thread.sleep(forTimeInterval: 1.3)
        #expect(terminal.count == stopped)
    }
}
