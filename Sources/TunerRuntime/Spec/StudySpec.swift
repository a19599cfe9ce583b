import Foundation
import TunerCore

/// A study as `experiments/*.yml` describes it, validated and with paths made absolute.
/// Every field is documented in README.md ("Study spec reference").
public struct StudySpec: Sendable {
    /// The spec file, absolute.
    public var path: String
    /// Study name: names `data/<study>/` and appears in the env file header.
    public var study: String
    /// Seed for every random decision (sampling, schedule order, bootstrap).
    public var seed: UInt64
    public var target: TargetSpec
    public var load: LoadSpec
    public var space: SearchSpace
    public var objectives: [ObjectiveSpec]
    public var constraints: [Constraint]
    public var recommend: SelectionRule
    public var budget: BudgetSpec
    /// Directory for `data/<study>/`, absolute (default: `data/` beside the spec's parent folder).
    public var dataDirectory: String
}

/// How to build, start, probe and stop the service under test: any program.
public struct TargetSpec: Sendable {
    public var name: String
    /// Working directory for build, server and load, absolute.
    public var workdir: String
    /// Command run once before the first trial (nil: nothing to build).
    public var build: [String]?
    /// Server command; `{port}` and `{port:NAME}` become free loopback ports chosen per trial.
    public var command: [String]
    /// Extra environment for the server (GOGC, GOMEMLIMIT and GODEBUG are tuner's).
    public var environment: [String: String]
    public var readiness: ReadinessProbe
    /// Signal sent to the server's process group to stop it (SIGKILL follows after the grace).
    public var stopSignal: StopSignal = .term
    /// Seconds between the stop signal and SIGKILL when stopping the server's process group.
    public var stopGraceSeconds: Double
    /// Safety cap on server RSS in bytes: a trial above it is stopped and marked failed.
    public var maxRSSBytes: Int64
    /// CPUs the server is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
    /// Where the trial's GC pauses come from (gctrace by default).
    public var pauses: PauseSourceSpec = PauseSourceSpec()

    public init(name: String, workdir: String, build: [String]?, command: [String], environment: [String: String],
                readiness: ReadinessProbe, stopGraceSeconds: Double, maxRSSBytes: Int64) {
        self.name = name
        self.workdir = workdir
        self.build = build
        self.command = command
        self.environment = environment
        self.readiness = readiness
        self.stopGraceSeconds = stopGraceSeconds
        self.maxRSSBytes = maxRSSBytes
    }

    /// Port names the server command binds: "" for `{port}`, "monitor" for `{port:monitor}`.
    public var boundPortNames: [String] { PortPlaceholders.names(in: command) }
}

/// A signal by its name, as `target.stop_signal` gives it (`TERM`, `INT`, `QUIT`, `HUP`, …).
public struct StopSignal: Sendable, Equatable {
    public var name: String
    public var number: Int32

    public static let term = StopSignal(name: "TERM", number: SIGTERM)
    /// The signals a spec may name.
    public static let known: [StopSignal] = [
        .term, StopSignal(name: "INT", number: SIGINT), StopSignal(name: "QUIT", number: SIGQUIT),
        StopSignal(name: "HUP", number: SIGHUP), StopSignal(name: "USR1", number: SIGUSR1),
        StopSignal(name: "USR2", number: SIGUSR2), StopSignal(name: "KILL", number: SIGKILL),
    ]
}

/// How tuner decides the server is ready.
public struct ReadinessProbe: Sendable {
    public enum Kind: Sendable, Equatable {
        /// HTTP GET answered with a 2xx status; port placeholders are substituted.
        case http(url: String)
        /// A TCP connection to 127.0.0.1 on this port (`{port}`, `{port:NAME}` or a number) is accepted.
        case tcp(port: String)
        /// A line of the server's stdout or stderr matches this regular expression.
        case log(pattern: String)
    }
    public var kind: Kind
    /// Upper bound on the wait, seconds.
    public var timeoutSeconds: Double

    public init(kind: Kind, timeoutSeconds: Double) {
        self.kind = kind
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Which pause source a study reads, and where.
public struct PauseSourceSpec: Sendable, Equatable {
    public var kind: PauseSourceKind = .gctrace
    /// Loopback URL of the metrics endpoint (runtime-metrics, expvar, prometheus) or of
    /// `/debug/pprof/trace` (trace); port placeholders allowed. nil for gctrace.
    public var url: String? = nil
    /// Seconds between scrapes during the load (expvar keeps only 256 pauses: read often).
    public var intervalSeconds: Double = 1

    public init(kind: PauseSourceKind = .gctrace, url: String? = nil, intervalSeconds: Double = 1) {
        self.kind = kind
        self.url = url
        self.intervalSeconds = intervalSeconds
    }
}

/// The load generator: one of the kinds tuner drives, each with its own settings.
public struct LoadSpec: Sendable {
    public enum Kind: Sendable {
        /// The bundled collaborative-editing load (experiments/workload/cmd/sync-bench).
        case syncBench(SyncBenchLoad)
        /// wrk (Debian package `wrk`) against an HTTP URL.
        case wrk(WrkLoad)
        /// hey (Debian package `hey`) against an HTTP URL.
        case hey(HeyLoad)
        /// Any command whose output yields throughput and latency.
        case command(CommandLoad)
    }
    public var kind: Kind
    /// CPUs the load generator is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
    /// A trial whose errors exceed this share of its requests fails (0: any error fails).
    public var maxErrorRate: Double = 0

    public init(kind: Kind, cpus: String? = nil, maxErrorRate: Double = 0) {
        self.kind = kind
        self.cpus = cpus
        self.maxErrorRate = maxErrorRate
    }

    /// The kind's name as the spec writes it.
    public var kindName: String {
        switch kind {
        case .syncBench: return "sync-bench"
        case .wrk: return "wrk"
        case .hey: return "hey"
        case .command: return "command"
        }
    }
}

/// `load.kind: sync-bench`: the bundled load generator and its parameters.
public struct SyncBenchLoad: Sendable {
    public enum Mode: String, Sendable { case open, closed }
    /// Path of the sync-bench binary, absolute.
    public var binary: String
    public var mode: Mode
    public var clients: Int
    /// Per-client Poisson rate in Hz (open loop).
    public var rateHz: Double
    public var docs: Int
    public var docSizeBytes: Int64
    /// Extra arguments passed to the load generator as they are.
    public var extraArguments: [String]

    public init(binary: String, mode: Mode, clients: Int, rateHz: Double, docs: Int, docSizeBytes: Int64, extraArguments: [String]) {
        self.binary = binary
        self.mode = mode
        self.clients = clients
        self.rateHz = rateHz
        self.docs = docs
        self.docSizeBytes = docSizeBytes
        self.extraArguments = extraArguments
    }
}

/// `load.kind: wrk`: closed-loop HTTP load from wrk's connections.
public struct WrkLoad: Sendable {
    /// wrk's executable (PATH lookup when it has no slash).
    public var binary: String = "wrk"
    /// Loopback URL; port placeholders allowed.
    public var url: String
    public var threads: Int = 1
    public var connections: Int = 16
    /// wrk's per-request timeout (`--timeout`), seconds.
    public var timeoutSeconds: Double = 2
    /// Extra arguments (e.g. `[-s, post.lua]`), passed before the URL.
    public var extraArguments: [String] = []

    public init(url: String) { self.url = url }
}

/// `load.kind: hey`: HTTP load from hey's workers, closed loop or rate-limited per worker.
public struct HeyLoad: Sendable {
    public var binary: String = "hey"
    public var url: String
    /// Concurrent workers (`-c`).
    public var concurrency: Int = 16
    /// Per-worker rate limit in requests per second (`-q`); nil: as fast as answers return.
    public var rateHz: Double? = nil
    public var method: String = "GET"
    /// Request body (`-d`).
    public var body: String? = nil
    public var extraArguments: [String] = []

    public init(url: String) { self.url = url }
}

/// `load.kind: command`: any load tool. Its command may use `{port}`, `{port:NAME}`,
/// `{duration}` (Go syntax, e.g. `6s`), `{duration_s}` (seconds), `{seed}` and `{out}` (a file
/// it writes its result to; without `{out}` its stdout is read).
public struct CommandLoad: Sendable {
    public var command: [String]
    /// How throughput, latency, operations and errors are read from the output.
    public var output: CommandOutputSpec

    public init(command: [String], output: CommandOutputSpec) {
        self.command = command
        self.output = output
    }
}

/// One objective: a metric and whether to minimise or maximise it.
public struct ObjectiveSpec: Sendable, Equatable {
    public var metric: Metric
    public var direction: ObjectiveDirection
}

/// How much measuring the study may do.
public struct BudgetSpec: Sendable {
    public enum SamplerKind: String, Sendable { case grid, lhs, surrogate }
    public var sampler: SamplerKind
    /// Distinct settings to measure, including the Go default.
    public var settings: Int
    /// Trials per setting.
    public var repeats: Int
    public var warmupSeconds: Double
    public var durationSeconds: Double
    /// Surrogate search: trials the search may spend (confirmation excluded).
    public var trials: Int
    /// Surrogate search: settings in the space-filling start, the Go default included.
    public var initialDesign: Int
    /// Alternating (default, recommended) pairs run to confirm the recommendation; 0 = none.
    public var confirmPairs: Int
    /// The noisy-machine guard run before the search; nil = off.
    public var noiseCheck: NoiseCheck?
}

/// Before the search, the Go default is measured `repeats` times; when the coefficient of
/// variation of its throughput or p99 pause exceeds `maxCV`, the study warns and then
/// raises its repeats, or stops.
public struct NoiseCheck: Sendable, Equatable {
    public enum Action: String, Sendable { case warn, raise, stop }
    public var repeats: Int
    /// e.g. 0.1 for 10 %.
    public var maxCV: Double
    public var action: Action
}

extension StudySpec {
    /// The objective a recommendation optimises when the spec or the command line names none:
    /// throughput when it is an objective, otherwise the last objective. The one place this
    /// default is decided (the `recommend:` key, `tuner recommend --rule best`, the confirmation).
    public static func defaultRecommendObjective(_ metrics: [Metric]) -> Int {
        metrics.firstIndex(of: .throughputOpsPerSecond) ?? max(metrics.count - 1, 0)
    }

    /// Index into `objectives` of the objective a confirmation must improve: the `best` rule's
    /// objective, otherwise ``defaultRecommendObjective(_:)``.
    public var decisiveObjective: Int {
        if case .best(let k) = recommend { return k }
        return Self.defaultRecommendObjective(objectives.map(\.metric))
    }

    /// The frontier report of `samples` under this spec's objectives, seed and (unless others
    /// are given) constraints and rule: the one place a spec becomes a report.
    public func report(of samples: [TrialSample], constraints: [Constraint]? = nil, rule: SelectionRule? = nil) -> FrontierReport {
        FrontierReport.make(study: study, samples: samples, objectives: objectives.map { ($0.metric, $0.direction) },
                            constraints: constraints ?? self.constraints, rule: rule ?? recommend, seed: seed)
    }
}
