/// Whether a trial produced a sample, and if not, why.
public enum TrialOutcome: Sendable, Codable, Equatable {
    case measured
    case failed(reason: String)

    public var failureReason: String? {
        if case .failed(let reason) = self { return reason }
        return nil
    }
}

/// One trial: one setting, one repeat, one launch of the service under load.
public struct TrialSample: Sendable, Codable, Equatable {
    /// Position in the study's plan, 0-based.
    public var trialIndex: Int
    public var setting: GCSetting
    /// Which repeat of this setting, 0-based.
    public var repeatIndex: Int
    public var outcome: TrialOutcome
    /// Unix time the trial started, seconds.
    public var startedAtUnixSeconds: Double
    /// Wall time of the whole trial (start, ready, warm-up, window, stop), seconds.
    public var wallSeconds: Double
    /// Seconds from launch until the readiness probe succeeded.
    public var readySeconds: Double?
    /// CPU seconds (user + system) the tuner itself used during the trial, start to stop.
    public var tunerCPUSeconds: Double
    /// CPU seconds the tuner used while the load ran (warm-up and measured window): what
    /// could disturb the measurement. The rest is start-up probing and parsing afterwards.
    public var tunerCPUSecondsDuringLoad: Double?
    /// Wall seconds the load generator ran (warm-up, window, drain and convergence check).
    public var loadWallSeconds: Double?
    public var load: LoadResult?
    public var gc: GCObservation?
    public var memory: MemoryObservation?
    /// Why the trial ran: `search` (default), `noise-check` or `confirm`.
    public var phase: String?
    /// The target's Go version and collector, read from its binary; nil when unknown.
    public var targetBuild: GoBuildInfo? = nil
    /// The window's pauses as the study's pause source read them (nil in old records: their
    /// pauses are the gctrace cycles in `gc`).
    public var pauses: PauseSummary? = nil
    /// With a pause source other than gctrace: gctrace's pauses over the span that source
    /// counted, so every trial records how far the two agree.
    public var gctracePauses: PauseSummary? = nil
    /// The service's CPU over the measured window, and the GC's share of it (nil in trials
    /// recorded before it was measured, and when /proc could not be read).
    public var serviceCPU: ServiceCPU? = nil
    /// A CPU profile over the measured window (`tuner verify` with `verify.pprof`), with the GC's
    /// share from it and from runtime/metrics; nil otherwise.
    public var cpuProfile: CPUProfileReading? = nil
    /// The host that measured the trial, in a study shared by workers on several machines (nil:
    /// the study's one machine). The same setting on two hosts is not the same sample.
    public var host: String? = nil
    /// Factors that put this trial's figures on another host's scale, per metric: set by
    /// ``HostNormalisation`` on the copies the frontier and the surrogate read in a study measured
    /// on several hosts; nil on every recorded trial.
    public var hostScale: [Metric: Double]? = nil

    public init(
        trialIndex: Int, setting: GCSetting, repeatIndex: Int, outcome: TrialOutcome,
        startedAtUnixSeconds: Double, wallSeconds: Double, readySeconds: Double?,
        tunerCPUSeconds: Double, load: LoadResult?, gc: GCObservation?, memory: MemoryObservation?
    ) {
        self.trialIndex = trialIndex
        self.setting = setting
        self.repeatIndex = repeatIndex
        self.outcome = outcome
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.wallSeconds = wallSeconds
        self.readySeconds = readySeconds
        self.tunerCPUSeconds = tunerCPUSeconds
        self.load = load
        self.gc = gc
        self.memory = memory
    }

    public var isMeasured: Bool { outcome == .measured }

    /// Whether the trial belongs to a confirmation (phase `confirm <candidate>`).
    public var isConfirmation: Bool { phase?.hasPrefix("confirm") ?? false }
}
