import Foundation

/// The settings the surrogate is sure are as good as its optimum: every feasible setting of a fixed
/// grid over the search space whose gap to the optimum the posterior puts within one trial's
/// run-to-run noise (the band) with probability at least 80 % (the gap's posterior sd counts, the
/// covariance with the optimum included), lying within ``reach`` of a measured setting (a GP fitted
/// on flat, noisy data is overconfident far from it), meeting the constraints at the posterior's
/// one-sided 90 % bound. Settings the posterior can neither place within the band nor beyond it with that
/// probability are unresolved and counted, never members: a flat or uninformed model (fitted
/// signal sd under twice its noise sd) gives no
/// region but "the search could not separate these settings". When a study's optimum is a
/// plateau, two runs find different optima on it; the region is what they share. The setting
/// recommended is the optimum itself; the region's leanest member (smallest predicted peak RSS)
/// is named beside it as the memory-saving alternative, with its posterior intervals, not chosen.
public struct PlateauRegion: Sendable, Equatable, Codable {
    /// The objective the region is about (the rule's).
    public var metric: Metric
    /// The posterior optimum (the best posterior mean): the setting recommended.
    public var optimum: GCSetting
    /// The optimum's posterior mean of `metric`, in the metric's units.
    public var optimumPredicted: Double
    /// Half-width of the band in the metric's units: the pooled run-to-run standard deviation of
    /// one trial (or the GP's fitted noise when no setting was repeated).
    public var band: Double
    /// Where `band` comes from, in words.
    public var bandSource: String
    /// Grid settings inside the band and feasible, sorted; the optimum always included.
    public var members: [GCSetting]
    /// Settings of the grid examined (the grid is fixed by the search space alone, so two studies
    /// of one spec examine the same grid and their regions can be compared member by member).
    public var gridSize: Int
    /// How the recommended setting was chosen within the region, in words, and that setting
    /// (stored under the key `robustRule` as in decisions written before the rule changed).
    public var choiceRule: String
    public var choice: GCSetting
    /// The member with the smallest predicted peak RSS when peak RSS is modelled and it is not the
    /// optimum, with its posterior mean of `metric` and both settings' predicted peak RSS (bytes):
    /// the alternative for a user who values memory over what the surrogate cannot resolve.
    public var leanest: GCSetting?
    public var leanestPredicted: Double?
    public var leanestPredictedRSSBytes: Double?
    public var optimumPredictedRSSBytes: Double?
    /// The leanest member's 80 % posterior interval of `metric` and of peak RSS (bytes), low to
    /// high, and the trials measured at it (0: predicted only).
    public var leanestInterval: [Double]?
    public var leanestRSSInterval: [Double]?
    public var leanestMeasuredTrials: Int?
    /// Grid settings the posterior could neither place within the band nor beyond it with 80 %
    /// probability (nil in decisions stored before it was counted).
    public var unresolvedCount: Int?
    /// The surrogate's fitted signal sd over its fitted noise sd; at or below 1 it explains the
    /// differences between settings as noise (below ``leastSignalToNoise`` no region is drawn;
    /// nil in older decisions).
    public var signalToNoise: Double?

    /// The posterior probability a member must reach, and its standard-normal quantile.
    public static let certainty = 0.8
    public static let certaintyQuantile = 0.8416
    /// The least signal-to-noise ratio (fitted signal sd over fitted noise sd) at which the
    /// surrogate is taken to have resolved anything: below it, no region.
    public static let leastSignalToNoise = 2.0
    /// How far from a measured setting a member may lie, in the unit box of the encoded knobs
    /// (log GOGC × log GOMEMLIMIT, each range mapped to [0, 1]): a fifth of each knob's range.
    public static let reach = 0.2

    enum CodingKeys: String, CodingKey {
        case metric, optimum, optimumPredicted, band, bandSource, members, gridSize
        case choiceRule = "robustRule"
        case choice, leanest, leanestPredicted, leanestPredictedRSSBytes, optimumPredictedRSSBytes
        case leanestInterval, leanestRSSInterval, leanestMeasuredTrials, unresolvedCount, signalToNoise
    }

    public init(
        metric: Metric, optimum: GCSetting, optimumPredicted: Double, band: Double, bandSource: String,
        members: [GCSetting], gridSize: Int, choiceRule: String, choice: GCSetting,
        leanest: GCSetting? = nil, leanestPredicted: Double? = nil,
        leanestPredictedRSSBytes: Double? = nil, optimumPredictedRSSBytes: Double? = nil, unresolvedCount: Int? = nil,
        signalToNoise: Double? = nil
    ) {
        self.metric = metric
        self.optimum = optimum
        self.optimumPredicted = optimumPredicted
        self.band = band
        self.bandSource = bandSource
        self.members = members
        self.gridSize = gridSize
        self.choiceRule = choiceRule
        self.choice = choice
        self.leanest = leanest
        self.leanestPredicted = leanestPredicted
        self.leanestPredictedRSSBytes = leanestPredictedRSSBytes
        self.optimumPredictedRSSBytes = optimumPredictedRSSBytes
        self.unresolvedCount = unresolvedCount
        self.signalToNoise = signalToNoise
    }

    /// Whether the search could not separate the grid's settings: no member beside the optimum,
    /// and settings the posterior can place neither within the band nor beyond it.
    public var isUnresolved: Bool { members.count <= 1 && (unresolvedCount ?? 0) > 0 }

    /// Whether two regions share a setting.
    public func overlaps(_ other: PlateauRegion) -> Bool { !Set(members).isDisjoint(with: other.members) }

    /// The band as a share of the optimum's predicted value (0.08 = 8 %).
    public var bandFraction: Double { optimumPredicted != 0 ? band / abs(optimumPredicted) : 0 }

    /// "GOGC=off with GOMEMLIMIT 150MiB–250MiB; GOGC 400–1600 with GOMEMLIMIT 180MiB–250MiB":
    /// the bounding ranges of the members, one part per kind of setting (each knob numeric or off).
    public var rangeText: String {
        func gogcText(_ values: [Int?]) -> String {
            let numbers = values.compactMap { $0 }
            guard let low = numbers.min(), let high = numbers.max() else { return "GOGC=off" }
            return low == high ? "GOGC=\(low)" : "GOGC \(low)–\(high)"
        }
        func limitText(_ values: [Int64?]) -> String {
            let numbers = values.compactMap { $0 }
            guard let low = numbers.min(), let high = numbers.max() else { return "no GOMEMLIMIT" }
            return low == high ? "GOMEMLIMIT=\(ByteSize.goSyntax(low))" : "GOMEMLIMIT \(ByteSize.goSyntax(low))–\(ByteSize.goSyntax(high))"
        }
        let groups = Dictionary(grouping: members) { [$0.gogc == nil, $0.memoryLimitBytes == nil] }
        return groups.keys.sorted { "\($0)" < "\($1)" }.map { key in
            let settings = groups[key]!
            return "\(gogcText(settings.map(\.gogc))) with \(limitText(settings.map(\.memoryLimitBytes)))"
        }.joined(separator: "; ")
    }

    /// One sentence: how many settings, the band, the ranges, the rule and its choice, the
    /// leanest member when there is one, and what the search could not separate.
    public var summary: String {
        let percent = Int((Self.certainty * 100).rounded())
        let bandText =
            "\(metric.format(band)) (\(formatFixed(bandFraction * 100, decimals: 1)) % of the optimum's \(metric.format(optimumPredicted)); \(bandSource))"
        guard let unresolved = unresolvedCount else { return legacySummary(bandText) }
        if isUnresolved {
            return
                "the search could not separate these settings: \(unresolved) of \(gridSize) grid settings are neither within one trial's noise of the optimum \(optimum) on \(metric.rawValue), \(bandText), nor worse beyond it with \(percent) % posterior probability\(flatText), so no region is claimed; more trials near them would tell"
        }
        if members.count <= 1 {
            return
                "the surrogate's optimum \(optimum) stands alone: every other feasible setting of the \(gridSize)-setting grid is worse than it on \(metric.rawValue) by more than one trial's noise, \(bandText), with \(percent) % posterior probability"
        }
        let unresolvedText =
            unresolved > 0
            ? "; \(unresolved) more could not be separated from the optimum either way (the model is unsure there) and are not members" : ""
        return
            "\(members.count) of \(gridSize) grid settings are within one trial's noise of the optimum \(optimum) on \(metric.rawValue) with \(percent) % posterior probability, \(bandText), and are feasible: \(rangeText); chosen among them: \(choice), by \(choiceRule)\(leanestText)\(unresolvedText)"
    }

    /// The sentence of a region stored before members needed 80 % posterior probability (no
    /// `unresolvedCount`), word for word as that tuner wrote it: its words state its own rule
    /// (the settings the posterior could not call worse), so it is not mistaken for the new one.
    func legacySummary(_ bandText: String) -> String {
        if members.count <= 1 {
            return
                "the surrogate's optimum \(optimum) stands alone: no other setting of the \(gridSize)-setting grid can be told from it by less than one trial's noise, \(bandText), and is feasible"
        }
        var lean = ""
        if let leanest, let leanestPredicted, let leanestPredictedRSSBytes, let optimumPredictedRSSBytes {
            lean =
                "; the member with the smallest predicted peak RSS is \(leanest) (predicted \(Metric.rssPeakBytes.format(leanestPredictedRSSBytes)) "
                + "against \(Metric.rssPeakBytes.format(optimumPredictedRSSBytes)), \(metric.rawValue) \(metric.format(leanestPredicted)) "
                + "against \(metric.format(optimumPredicted))), not chosen: a member may lie up to the band plus one posterior sd from the optimum"
        }
        return
            "\(members.count) of \(gridSize) grid settings cannot be told from the optimum \(optimum) on \(metric.rawValue) by more than one trial's noise, \(bandText), and are feasible: \(rangeText); chosen among them: \(choice), by \(choiceRule)\(lean)"
    }

    /// Why a flat model resolves nothing: empty unless the surrogate's signal is within its noise.
    var flatText: String {
        guard let signalToNoise, signalToNoise < Self.leastSignalToNoise else { return "" }
        return
            " (the surrogate puts the differences between the measured settings down to noise: its fitted signal sd is \(formatFixed(signalToNoise, decimals: 2))× its noise sd, under \(formatFixed(Self.leastSignalToNoise, decimals: 0))×)"
    }

    /// "; the member with the smallest predicted peak RSS is …" with its 80 % intervals and
    /// whether it was measured: empty without one.
    var leanestText: String {
        guard let leanest, let leanestPredicted, let leanestPredictedRSSBytes, let optimumPredictedRSSBytes else { return "" }
        func range(_ metric: Metric, _ interval: [Double]?) -> String {
            guard let interval, interval.count == 2 else { return "" }
            return " [\(metric.format(interval[0])), \(metric.format(interval[1]))]"
        }
        let percent = Int((Self.certainty * 100).rounded())
        let measuredText =
            (leanestMeasuredTrials ?? 0) > 0
            ? "measured in \(leanestMeasuredTrials!) trial\(leanestMeasuredTrials! == 1 ? "" : "s")" : "not measured"
        return
            "; the member with the smallest predicted peak RSS is \(leanest) (predicted \(Metric.rssPeakBytes.format(leanestPredictedRSSBytes))\(range(.rssPeakBytes, leanestRSSInterval)) "
            + "against \(Metric.rssPeakBytes.format(optimumPredictedRSSBytes)), \(metric.rawValue) \(metric.format(leanestPredicted))\(range(metric, leanestInterval)) "
            + "against \(metric.format(optimumPredicted)); \(percent) % posterior intervals; \(measuredText)), not chosen"
    }
}
