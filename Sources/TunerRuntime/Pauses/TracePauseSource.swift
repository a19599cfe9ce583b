import Foundation
import TunerCore

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
        private var answer: HTTPClient.Answer?

        init(url: String, seconds: Int, path: String, context: PauseContext, launcher: Launcher) {
            self.launcher = launcher
            self.url = url
            self.path = path
            self.context = context
            let thread = Thread { [weak self] in
                let result = HTTPClient.shared.get(url, timeoutSeconds: Double(seconds) + 10)
                self?.lock.lock()
                self?.answer = result
                self?.lock.unlock()
                self?.done.signal()
            }
            thread.name = "trace-fetch"
            thread.start()
        }

        func end(windowStart: Int64, windowEnd: Int64) throws -> PauseReading {
            _ = done.wait(timeout: .now() + 30)
            lock.lock()
            let fetched = answer ?? .failed(reason: "no answer within 30 s of the window's end")
            lock.unlock()
            guard case .response(let status, let body) = fetched, (200..<300).contains(status), !body.isEmpty else {
                throw TrialFailure(
                    "target.pauses.url \(url) \(fetched.problem) (source trace): does the service serve net/http/pprof's /debug/pprof/trace there?"
                )
            }
            try body.write(to: URL(fileURLWithPath: path))
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
                process = try launcher.launch(
                    LaunchRequest(
                        arguments: ["go", "tool", "trace", "-d=parsed", tracePath],
                        workingDirectory: FileManager.default.currentDirectoryPath,
                        environment: ProcessInfo.processInfo.environment, stdoutPath: parsedPath, stderrPath: parsedPath + ".stderr",
                        role: "tool"))
            } catch {
                throw TrialFailure("target.pauses.source trace needs the Go toolchain (go tool trace) on PATH: \(error)")
            }
            defer { try? FileManager.default.removeItem(atPath: parsedPath + ".stderr") }
            guard let exit = process.wait(timeoutSeconds: 600) else {
                process.stop(graceSeconds: 1)
                throw TrialFailure("go tool trace -d=parsed \(tracePath) did not finish within 10 minutes")
            }
            guard exit.succeeded else {
                throw TrialFailure(
                    "go tool trace -d=parsed \(tracePath) \(exit): \(process.standardError().trimmingCharacters(in: .whitespacesAndNewlines))"
                )
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
        GCTracePauseSource.window(
            parsed.cycles, malformed: parsed.malformed.count, launchUnixNanos: context.launchUnixNanos,
            windowStart: start, windowEnd: end)
    }
    guard !parsed.cycles.isEmpty else { return PauseReading(summary: summary, gc: nil) }
    let span = observe(summary.spanStartUnixNanos ?? windowStart, summary.spanEndUnixNanos ?? windowEnd)
    return PauseReading(summary: summary, gc: observe(windowStart, windowEnd), gctraceOverSpan: PauseSummary(gctrace: span))
}
