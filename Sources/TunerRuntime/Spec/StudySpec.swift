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

/// How to build, start, probe and stop the service under test.
public struct TargetSpec: Sendable {
    public var name: String
    /// Working directory for build, server and load, absolute.
    public var workdir: String
    /// Command run once before the first trial (nil: nothing to build).
    public var build: [String]?
    /// Server command; `{port}` is replaced by a free loopback port chosen per trial.
    public var command: [String]
    /// Extra environment for the server (GOGC, GOMEMLIMIT and GODEBUG are tuner's).
    public var environment: [String: String]
    public var readiness: ReadinessProbe
    /// Seconds between SIGTERM and SIGKILL when stopping the server's process group.
    public var stopGraceSeconds: Double
    /// Safety cap on server RSS in bytes: a trial above it is stopped and marked failed.
    public var maxRSSBytes: Int64
    /// CPUs the server is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
}

/// How tuner decides the server is ready.
public struct ReadinessProbe: Sendable {
    public enum Kind: Sendable, Equatable {
        /// HTTP GET answered with a 2xx status; `{port}` is substituted.
        case http(url: String)
        /// A TCP connection to 127.0.0.1:{port} is accepted.
        case tcp
    }
    public var kind: Kind
    /// Upper bound on the wait, seconds.
    public var timeoutSeconds: Double
}

/// The load generator and its parameters.
public struct LoadSpec: Sendable {
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
    /// CPUs the load generator is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
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
