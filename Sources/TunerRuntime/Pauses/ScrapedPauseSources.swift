import Foundation
import TunerCore

/// One read of a metrics endpoint: when (Unix ns, the request's midpoint) and what it answered.
struct Scrape: Sendable {
    var unixNanos: Int64
    var body: Data
}

/// Reads a URL now and then every `interval` seconds on its own thread, sleeping in between (no
/// busy loop: the tuner's own CPU during a trial stays near zero), until stopped.
final class Scraper: @unchecked Sendable {
    let url: String
    private let interval: Double
    private let lock = NSLock()
    private var scrapes: [Scrape] = []
    private var failures: [String] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    init(url: String, intervalSeconds: Double) {
        self.url = url
        self.interval = intervalSeconds
        scrapeOnce()
        let thread = Thread { [weak self] in self?.loop() }
        thread.name = "pause-scraper"
        thread.start()
    }

    private func loop() {
        // Sleeps on a semaphore, so `finish` wakes it at once instead of waiting out the interval.
        while wake.wait(timeout: .now() + interval) == .timedOut {
            lock.lock(); let keepGoing = running; lock.unlock()
            guard keepGoing else { break }
            scrapeOnce()
        }
        done.signal()
    }

    private func scrapeOnce() {
        let before = unixNanos()
        let answer = Loopback.httpGet(url: url)
        let midpoint = before + (unixNanos() - before) / 2
        lock.lock(); defer { lock.unlock() }
        switch answer {
        case .some(let (status, body)) where (200..<300).contains(status):
            scrapes.append(Scrape(unixNanos: midpoint, body: body))
        case .some(let (status, _)):
            failures.append("answered HTTP \(status)")
        case .none:
            failures.append("did not answer")
        }
    }

    /// Takes a last read, stops the thread and returns every successful read in order.
    func finish() -> (scrapes: [Scrape], failures: [String]) {
        lock.lock(); running = false; lock.unlock()
        wake.signal()
        done.wait()
        scrapeOnce()
        lock.lock(); defer { lock.unlock() }
        return (scrapes, failures)
    }
}

/// The scrapes that bracket the window: the last at or before its start (else the first) to
/// the first at or after its end (else the last).
func bracket(_ scrapes: [Scrape], windowStart: Int64, windowEnd: Int64) -> ArraySlice<Scrape> {
    let first = scrapes.lastIndex { $0.unixNanos <= windowStart } ?? scrapes.startIndex
    let last = scrapes.firstIndex { $0.unixNanos >= windowEnd } ?? scrapes.index(before: scrapes.endIndex)
    return scrapes[first...max(first, last)]
}

/// Pauses from an endpoint the service serves, scraped before, during and after the measured
/// run: runtime/metrics as JSON, expvar's `/debug/vars`, or a Prometheus `/metrics`.
public struct ScrapedPauseSource: PauseSource {
    public let kind: PauseSourceKind
    /// The spec's URL, with port placeholders.
    public let url: String
    public let intervalSeconds: Double

    public init(kind: PauseSourceKind, url: String, intervalSeconds: Double) {
        self.kind = kind
        self.url = url
        self.intervalSeconds = intervalSeconds
    }

    public func begin(_ context: PauseContext) throws -> PauseSession {
        Session(source: self, context: context,
                scraper: Scraper(url: PortPlaceholders.substitute(url, ports: context.ports), intervalSeconds: intervalSeconds))
    }

    final class Session: PauseSession, @unchecked Sendable {
        let source: ScrapedPauseSource
        let context: PauseContext
        let scraper: Scraper

        init(source: ScrapedPauseSource, context: PauseContext, scraper: Scraper) {
            self.source = source
            self.context = context
            self.scraper = scraper
        }

        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            let (scrapes, failures) = scraper.finish()
            let key = "target.pauses.url \(scraper.url)"
            guard scrapes.count >= 2 else {
                throw TrialFailure("\(key) \(failures.first ?? "gave fewer than two reads") (source \(source.kind.rawValue)): is the endpoint served on that port and path?")
            }
            let chosen = bracket(scrapes, windowStart: windowStart, windowEnd: windowEnd)
            if let mismatch = Self.knobMismatch(source.kind, chosen.last!.body, setting: context.setting) {
                throw TrialFailure("the service runs with \(mismatch), as \(key) reports: it sets its own GC knobs, so the trial's environment does not take effect; remove that call (or make it honour GOGC/GOMEMLIMIT) before tuning")
            }
            var summary: PauseSummary
            do {
                summary = try Self.summarize(source.kind, Array(chosen), windowStart: windowStart, windowEnd: windowEnd)
            } catch {
                throw TrialFailure("\(key): \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
            }
            if source.kind != .expvar { // expvar's rings are cut to the window itself
                summary.spanStartUnixNanos = chosen.first!.unixNanos
                summary.spanEndUnixNanos = chosen.last!.unixNanos
            }
            let lead = Double(windowStart - chosen.first!.unixNanos) / 1e9
            let lag = Double(chosen.last!.unixNanos - windowEnd) / 1e9
            if source.kind != .expvar {
                summary.notes.append("counted between reads \(formatFixed(lead, decimals: 3)) s before the window's start and \(formatFixed(lag, decimals: 3)) s after its end (\(scrapes.count) reads, one every \(DurationText.format(source.intervalSeconds)))")
            }
            if !failures.isEmpty {
                summary.notes.append("\(failures.count) read(s) of \(scraper.url) failed during the trial (\(failures[0]))")
            }
            return reading(summary, context: context, windowStart: windowStart, windowEnd: windowEnd)
        }

        /// The service's own report of GOGC and GOMEMLIMIT against the trial's setting.
        static func knobMismatch(_ kind: PauseSourceKind, _ body: Data, setting: GCSetting) -> String? {
            switch kind {
            case .runtimeMetrics:
                guard let snapshot = try? RuntimeMetricsSnapshot.parse(body) else { return nil }
                return setting.mismatch(reportedGOGC: snapshot.scalars["/gc/gogc:percent"],
                                        reportedLimitBytes: snapshot.scalars["/gc/gomemlimit:bytes"])
            case .prometheus:
                guard let families = try? PrometheusText.parse(String(decoding: body, as: UTF8.self)) else { return nil }
                return setting.mismatch(reportedGOGC: families.family(named: "go_gc_gogc_percent")?.metrics.first?.scalar,
                                        reportedLimitBytes: families.family(named: "go_gc_gomemlimit_bytes")?.metrics.first?.scalar)
            default:
                return nil
            }
        }

        static func summarize(_ kind: PauseSourceKind, _ scrapes: [Scrape], windowStart: Int64, windowEnd: Int64) throws -> PauseSummary {
            switch kind {
            case .runtimeMetrics:
                return try RuntimeMetricsPauses.summary(before: RuntimeMetricsSnapshot.parse(scrapes.first!.body),
                                                        after: RuntimeMetricsSnapshot.parse(scrapes.last!.body))
            case .expvar:
                return try ExpvarPauses.summary(snapshots: scrapes.map { try ExpvarMemStats.parse($0.body) },
                                                windowStartUnixNanos: windowStart, windowEndUnixNanos: windowEnd)
            case .prometheus:
                return try PrometheusPauses.best(before: PrometheusText.parse(String(decoding: scrapes.first!.body, as: UTF8.self)),
                                                 after: PrometheusText.parse(String(decoding: scrapes.last!.body, as: UTF8.self)))
            case .gctrace, .trace:
                preconditionFailure("\(kind.rawValue) is not a scraped source")
            }
        }
    }
}

/// Pauses from the Go execution trace: `GET URL?seconds=N` (net/http/pprof's `/debug/pprof/trace`)
/// over the measured run, then `go tool trace -d=parsed`, streamed, for the stop-the-world ranges
/// of sweep and mark termination. Parsing takes about 3 s per traced second on 2 cores; it runs
/// after the window, while the load is off.
public struct TracePauseSource: PauseSource {
    public var kind: PauseSourceKind { .trace }
    public let url: String
    /// Runs `go tool trace` on the fetched trace.
    public let launcher: Launcher

    public init(url: String, launcher: Launcher) {
        self.url = url
        self.launcher = launcher
    }

    public func begin(_ context: PauseContext) throws -> PauseSession {
        let seconds = max(1, Int(context.windowSeconds.rounded(.up)))
        let base = PortPlaceholders.substitute(url, ports: context.ports)
        let full = base + (base.contains("?") ? "&" : "?") + "seconds=\(seconds)"
        return Session(url: full, seconds: seconds, path: "\(context.logPrefix).trace", context: context, launcher: launcher)
    }

    final class Session: PauseSession, @unchecked Sendable {
        let url: String
        let path: String
        let context: PauseContext
        let launcher: Launcher
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var answer: (status: Int, body: Data)?

        init(url: String, seconds: Int, path: String, context: PauseContext, launcher: Launcher) {
            self.launcher = launcher
            self.url = url
            self.path = path
            self.context = context
            let thread = Thread { [weak self] in
                let result = Loopback.httpGet(url: url, timeoutSeconds: Double(seconds) + 10)
                self?.lock.lock(); self?.answer = result; self?.lock.unlock()
                self?.done.signal()
            }
            thread.name = "trace-fetch"
            thread.start()
        }

        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            _ = done.wait(timeout: .now() + 30)
            lock.lock(); let fetched = answer; lock.unlock()
            guard let fetched, (200..<300).contains(fetched.status), !fetched.body.isEmpty else {
                throw TrialFailure("target.pauses.url \(url) \(answer.map { "answered HTTP \($0.status)" } ?? "did not answer") (source trace): does the service serve net/http/pprof's /debug/pprof/trace there?")
            }
            try fetched.body.write(to: URL(fileURLWithPath: path))
            let trace = try Self.parse(tracePath: path, launcher: launcher)
            var summary = trace.pauseSummary
            if let start = trace.traceStartNanos, let end = trace.traceEndNanos {
                summary.spanStartUnixNanos = trace.unixNanos(atTrace: start)
                summary.spanEndUnixNanos = trace.unixNanos(atTrace: end)
            }
            summary.notes.append("the trace covered \(url)'s seconds from the start of the measured run; the trace file is \(path)")
            return reading(summary, context: context, windowStart: windowStart, windowEnd: windowEnd)
        }

        /// `go tool trace -d=parsed PATH`, through the launcher, into `PATH.parsed`, then read by
        /// the streaming parser 1 MiB at a time (its output runs to hundreds of MB; it is never
        /// held whole) and removed. Runs after the measured window.
        static func parse(tracePath: String, launcher: Launcher) throws -> ExecutionTraceSummary {
            let parsedPath = tracePath + ".parsed"
            defer { try? FileManager.default.removeItem(atPath: parsedPath) }
            let process: RunningProcess
            do {
                process = try launcher.launch(LaunchRequest(
                    arguments: ["go", "tool", "trace", "-d=parsed", tracePath], workingDirectory: FileManager.default.currentDirectoryPath,
                    environment: ProcessInfo.processInfo.environment, stdoutPath: parsedPath, stderrPath: parsedPath + ".stderr", role: "tool"))
            } catch {
                throw TrialFailure("target.pauses.source trace needs the Go toolchain (go tool trace) on PATH: \(error)")
            }
            defer { try? FileManager.default.removeItem(atPath: parsedPath + ".stderr") }
            guard let exit = process.wait(timeoutSeconds: 600) else {
                process.stop(graceSeconds: 1)
                throw TrialFailure("go tool trace -d=parsed \(tracePath) did not finish within 10 minutes")
            }
            guard exit.succeeded else {
                throw TrialFailure("go tool trace -d=parsed \(tracePath) \(exit): \(process.standardError().trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            var parser = ExecutionTraceParser()
            guard let handle = FileHandle(forReadingAtPath: parsedPath) else {
                throw TrialFailure("go tool trace -d=parsed \(tracePath) wrote no output to \(parsedPath)")
            }
            do {
                defer { try? handle.close() }
                while true {
                    let chunk = handle.readData(ofLength: 1 << 20)
                    if chunk.isEmpty { break }
                    do { try parser.consume(chunk) } catch {
                        throw TrialFailure("\(tracePath): \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
                    }
                }
            }
            return try parser.finish()
        }
    }
}

/// A non-gctrace source's reading, completed from the server's gctrace, parsed once: the
/// window's cycles (their heap figures feed the search's heap-goal model whatever the source),
/// and gctrace's pauses over the span the source counted (its window when it states none), so
/// each trial records how far its source and the runtime's trace agree. Both nil when the server
/// printed no trace.
func reading(_ summary: PauseSummary, context: PauseContext, windowStart: Int64, windowEnd: Int64) -> PauseReading {
    let parsed = GCTraceParser.parse(text: context.server.standardError())
    func observe(_ start: Int64, _ end: Int64) -> GCObservation {
        GCTracePauseSource.window(parsed.cycles, malformed: parsed.malformed.count, launchUnixNanos: context.launchUnixNanos,
                                  windowStart: start, windowEnd: end)
    }
    guard !parsed.cycles.isEmpty else { return PauseReading(summary: summary, gc: nil) }
    let span = observe(summary.spanStartUnixNanos ?? windowStart, summary.spanEndUnixNanos ?? windowEnd)
    return PauseReading(summary: summary, gc: observe(windowStart, windowEnd), gctraceOverSpan: PauseSummary(gctrace: span))
}
