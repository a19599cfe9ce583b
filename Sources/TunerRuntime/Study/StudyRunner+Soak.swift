import Foundation
import TunerCore

/// `tuner verify --soak`: Go's default, then the recommendation, each served for a long window
/// under the study's load, read between load segments: RSS, live heap after GC, goroutines, the
/// runtime's mapped memory, gctrace's pauses, and each segment's throughput and p99 latency.
extension StudyRunner {
    /// What one soak is asked to do.
    public struct SoakPlan: Sendable {
        /// Seconds each setting is served.
        public var seconds: Double
        /// Seconds of load between two readings.
        public var segmentSeconds: Double
        /// The load level the soak runs at.
        public var level: LoadLevel

        public init(seconds: Double, segmentSeconds: Double, level: LoadLevel) {
            self.seconds = seconds
            self.segmentSeconds = segmentSeconds
            self.level = level
        }

        /// A reading every 30 s, or 20 readings when the soak is shorter than 10 minutes (at
        /// least 1 s of load each).
        public static func defaultSegment(for seconds: Double) -> Double { min(30, max(1, seconds / 20)) }
    }

    /// Soaks the default and `candidate` one after the other and stores the result in the
    /// study's verification (kept beside the levels of an earlier `tuner verify` of the same
    /// candidate). Each reading is appended to `data/<study>/soak-<default|recommended>.jsonl`
    /// and the stored verification is rewritten, so a soak stopped at minute 40 keeps 40 minutes.
    public func soak(candidate: GCSetting, plan: SoakPlan, shouldStop: () -> Bool = { false }) throws -> Verification {
        guard let launcher else { throw StudyError.preflight("a soak needs the real launcher (tuner verify --soak)") }
        var verification =
            try store.verification().flatMap { $0.candidate == candidate ? $0 : nil }
            ?? Verification(
                candidate: candidate, pairsPerLevel: 0, durationSeconds: 0, warmupSeconds: 0, levels: [], plannedLevels: [],
                startedAtUnixSeconds: Date().timeIntervalSince1970, finishedAtUnixSeconds: nil)
        verification.soak = []
        let runner = Self.trialRunner(spec: spec.at(plan.level), launcher: launcher, logDirectory: "\(studyDirectory)/logs")
        log(
            "soak: the Go default, then \(candidate), \(DurationText.format(plan.seconds)) each at \(plan.level), a reading every \(DurationText.format(plan.segmentSeconds))"
        )
        for (label, setting) in [("default", GCSetting.goDefault), ("recommended", candidate)] {
            if shouldStop() { break }
            let export = "\(studyDirectory)/soak-\(label).jsonl"
            try? FileManager.default.removeItem(atPath: export)
            var samples: [SoakSample] = []
            let index = verification.soak?.count ?? 0
            verification.soak?.append(SoakResult.analyse(setting: setting, samples: [], budgets: spec.verify.budgets, seed: spec.seed))
            let profiles = try soakOne(
                setting: setting, label: label, runner: runner, plan: plan, shouldStop: shouldStop,
                onReading: { sample in
                    samples.append(sample)
                    Self.append(sample, to: export)
                    verification.soak?[index] = SoakResult.analyse(
                        setting: setting, samples: samples, budgets: spec.verify.budgets, seed: spec.seed)
                    try store.saveVerification(verification)
                    log(Self.readingLine(label, sample))
                })
            verification.soak?[index].profiles = profiles.paths
            verification.soak?[index].profileGrowth = profiles.growth
            try store.saveVerification(verification)
        }
        if !shouldStop() { verification.finishedAtUnixSeconds = Date().timeIntervalSince1970 }
        try store.saveVerification(verification)
        return verification
    }

    /// Serves `setting` for the soak; returns the profiles captured and their top growth.
    private func soakOne(
        setting: GCSetting, label: String, runner: TrialRunner, plan: SoakPlan, shouldStop: () -> Bool,
        onReading: (SoakSample) throws -> Void
    ) throws -> (paths: [String: String], growth: [String: String]) {
        let name = "soak-\(label)-\(runner.runID)"
        let placeholders = TrialPlaceholders(ports: try runner.freePorts(), scratch: try runner.makeScratch(name))
        let logPrefix = "\(studyDirectory)/logs/\(name)"
        let (server, _) = try runner.startServer(setting: setting, placeholders: placeholders, logPrefix: logPrefix)
        defer {
            server.stop(signal: spec.target.stopSignal.number, graceSeconds: spec.target.stopGraceSeconds)
            if let scratch = placeholders.scratch { try? FileManager.default.removeItem(atPath: scratch) }
        }
        try runner.waitUntilReady(server: server, ports: placeholders.ports)
        let metrics = spec.verify.metricsURL.map { PortPlaceholders.substitute($0, ports: placeholders.ports) }
        let pprof = spec.verify.pprofURL.map { PortPlaceholders.substitute($0, ports: placeholders.ports) }
        let profileDirectory = "\(studyDirectory)/profiles"
        var paths: [String: String] = [:]
        func capture(_ moment: String) {
            guard let pprof else { return }
            try? FileManager.default.createDirectory(atPath: profileDirectory, withIntermediateDirectories: true)
            for kind in ["heap", "goroutine"] {
                guard case .response(let status, let body) = HTTPClient.shared.get("\(pprof)/\(kind)", timeoutSeconds: 30),
                    (200..<300).contains(status)
                else { continue }
                let path = "\(profileDirectory)/soak-\(label)-\(moment)-\(kind).pb.gz"
                if (try? body.write(to: URL(fileURLWithPath: path), options: .atomic)) != nil { paths["\(moment)-\(kind)"] = path }
            }
        }
        capture("start")
        let started = monotonicSeconds()
        var segment = 0
        while monotonicSeconds() - started < plan.seconds && !shouldStop() {
            let length = min(plan.segmentSeconds, max(0.5, plan.seconds - (monotonicSeconds() - started)))
            let result: LoadResult
            do {
                result = try runner.load.run(
                    LoadInvocation(
                        ports: placeholders.ports, durationSeconds: length, seed: spec.seed &+ UInt64(segment),
                        logPrefix: "\(logPrefix)-\(segment)", measured: true))
            } catch {
                if let exit = server.poll() { throw TrialFailure("server \(exit) during the soak: \(server.lastErrorLines())") }
                throw error
            }
            segment += 1
            let trace = GCTraceParser.parse(text: server.standardError()).cycles
            var reading = SoakSample(
                elapsedSeconds: monotonicSeconds() - started, rssBytes: MemorySampler.readStatus(pid: server.pid)?.rss,
                liveHeapBytes: trace.last?.liveHeapMiB.map { Double($0) * 1_048_576 }, goRuntimeBytes: nil, goroutines: nil,
                gcCycles: trace.count, pauseMillisTotal: trace.reduce(0) { $0 + $1.pausesMillis.reduce(0, +) },
                segmentSeconds: result.windowSeconds, throughputOpsPerSecond: result.throughputOpsPerSecond,
                latencyP99Millis: result.latencyP99Millis)
            if let metrics, case .response(let status, let body) = HTTPClient.shared.get(metrics, timeoutSeconds: 5),
                (200..<300).contains(status)
            {
                let figures = SoakSample.runtimeMetrics(body)
                reading.liveHeapBytes = figures.liveHeap ?? reading.liveHeapBytes
                reading.goRuntimeBytes = figures.goRuntime
                reading.goroutines = figures.goroutines
            }
            try onReading(reading)
        }
        capture("end")
        var growth: [String: String] = [:]
        for kind in ["heap", "goroutine"] {
            guard let start = paths["start-\(kind)"], let end = paths["end-\(kind)"],
                let run = try? launcher?.runTool(
                    ["go", "tool", "pprof", "-top", "-nodecount=8", "-diff_base", start, end], workingDirectory: spec.target.workdir,
                    timeoutSeconds: 120), run.succeeded
            else { continue }
            growth[kind] = run.standardOutput.split(separator: "\n").suffix(9).joined(separator: "\n")
        }
        return (paths, growth)
    }

    /// Appends one reading to a JSON-lines export (errors are the export's, not the soak's).
    static func append(_ sample: SoakSample, to path: String) {
        guard let data = try? JSONEncoder().encode(sample) else { return }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: data + Data("\n".utf8))
    }

    /// "  soak default 2m30s: RSS 61.2 MiB, live heap 19.0 MiB, 23 goroutines, p99 21.3 ms".
    static func readingLine(_ label: String, _ sample: SoakSample) -> String {
        var parts: [String] = []
        if let rss = sample.rssBytes { parts.append("RSS \(ByteSize.human(Double(rss)))") }
        if let live = sample.liveHeapBytes { parts.append("live heap \(ByteSize.human(live))") }
        if let goroutines = sample.goroutines { parts.append("\(formatFixed(goroutines, decimals: 0)) goroutines") }
        if let p99 = sample.latencyP99Millis { parts.append("p99 \(formatFixed(p99, decimals: 1)) ms") }
        return "  soak \(label) \(DurationText.format(sample.elapsedSeconds.rounded())): \(parts.joined(separator: ", "))"
    }
}
