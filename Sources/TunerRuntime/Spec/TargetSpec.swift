import Foundation
import TunerCore

/// How to build, start, probe and stop the service under test: any program.
public struct TargetSpec: Sendable {
    public var name: String
    /// Working directory for build, server and load, absolute.
    public var workdir: String
    /// Command run once before the first trial (nil: nothing to build).
    public var build: [String]?
    /// Server command; `{port}` and `{port:NAME}` become free loopback ports chosen per trial.
    public var command: [String]
    /// Extra environment for the server (GOGC, GOMEMLIMIT and GODEBUG are tuner's); values may
    /// hold `{port}`, `{port:NAME}` and `{scratch}` (``TrialPlaceholders``).
    public var environment: [String: String]
    /// Config files rendered for every trial attempt into its scratch folder: file name in the
    /// folder → the template's text (read from a file beside the spec), with placeholders filled in.
    public var files: [String: String] = [:]
    /// A command run before every trial attempt for state that lives outside its scratch folder
    /// (placeholders filled in); nil: none.
    public var reset: [String]? = nil
    /// The Go binary behind a wrapper command (a shell, a version-manager shim), for its build
    /// info; nil: the command itself, or the Go process it starts, found at preflight.
    public var binary: String? = nil
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

    public init(
        name: String, workdir: String, build: [String]?, command: [String], environment: [String: String],
        readiness: ReadinessProbe, stopGraceSeconds: Double, maxRSSBytes: Int64
    ) {
        self.name = name
        self.workdir = workdir
        self.build = build
        self.command = command
        self.environment = environment
        self.readiness = readiness
        self.stopGraceSeconds = stopGraceSeconds
        self.maxRSSBytes = maxRSSBytes
    }

    /// Port names the service binds: "" for `{port}`, "monitor" for `{port:monitor}`, from its
    /// command, its environment and its config files (a service reads its ports from any of them).
    public var boundPortNames: [String] {
        PortPlaceholders.names(in: command + environment.keys.sorted().map { environment[$0]! } + files.keys.sorted().map { files[$0]! })
    }

    /// Whether trials need a scratch folder: `{scratch}` is used, or config files are rendered.
    public var usesScratch: Bool {
        !files.isEmpty || TrialPlaceholders.usesScratch(command + Array(environment.values) + (reset ?? []))
    }

    /// How many CPUs `cpus` names (taskset syntax: `1`, `0,2-3`), or nil when not pinned.
    public var pinnedCPUCount: Int? {
        guard let cpus else { return nil }
        var count = 0
        for part in cpus.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            count += bounds.count == 2 ? max(bounds[1] - bounds[0] + 1, 0) : 1
        }
        return count
    }

    /// What the spec allows but probably does not mean, one line each, for `tuner validate` and
    /// `tuner run`.
    public var warnings: [String] {
        var warnings: [String] = []
        if let pinned = pinnedCPUCount, let text = environment["GOMAXPROCS"], let procs = Int(text), procs > pinned {
            warnings.append(
                "target.env.GOMAXPROCS is \(procs) but target.cpus (\(cpus!)) gives the server \(pinned) CPU(s): the runtime would run \(procs) Ps on \(pinned); lower GOMAXPROCS to \(pinned) or pin more CPUs"
            )
        }
        return warnings
    }
}
