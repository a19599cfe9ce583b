import Foundation

/// The settings the surrogate cannot tell from its optimum: every setting of a fixed grid over the
/// search space that the posterior cannot call worse than the optimum by more than one trial's
/// run-to-run noise (gap of posterior means − one posterior sd of the gap ≤ the band), that the
/// model knows to within two trials' noise (posterior sd ≤ 2 × the band), and that meets the constraints at the posterior's one-sided 90 % bound. When a study's
/// optimum is a plateau, two runs find different optima on it; the region is what they share.
/// The setting recommended is the optimum itself; the region's leanest member (smallest predicted
/// peak RSS) is named beside it as the memory-saving alternative, not chosen: a member may sit up
/// to the band plus one posterior sd below the optimum (`experiments/bench/README.md` measures
/// what choosing it costs).
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

    enum CodingKeys: String, CodingKey {
        case metric, optimum, optimumPredicted, band, bandSource, members, gridSize
        case choiceRule = "robustRule"
        case choice, leanest, leanestPredicted, leanestPredictedRSSBytes, optimumPredictedRSSBytes
    }

    public init(
        metric: Metric, optimum: GCSetting, optimumPredicted: Double, band: Double, bandSource: String,
        members: [GCSetting], gridSize: Int, choiceRule: String, choice: GCSetting,
        leanest: GCSetting? = nil, leanestPredicted: Double? = nil,
        leanestPredictedRSSBytes: Double? = nil, optimumPredictedRSSBytes: Double? = nil
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
    }

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

    /// One sentence: how many settings, the band, the ranges, the rule and its choice, and the
    /// leanest member when there is one.
    public var summary: String {
        let bandText =
            "\(metric.format(band)) (\(formatFixed(bandFraction * 100, decimals: 1)) % of the optimum's \(metric.format(optimumPredicted)); \(bandSource))"
        if members.count <= 1 {
            return
                "the surrogate's optimum \(optimum) stands alone: no other setting of the \(gridSize)-setting grid can be told from it by less than one trial's noise, \(bandText), and is feasible"
        }
        return
            "\(members.count) of \(gridSize) grid settings cannot be told from the optimum \(optimum) on \(metric.rawValue) by more than one trial's noise, \(bandText), and are feasible: \(rangeText); chosen among them: \(choice), by \(choiceRule)\(leanestText)"
    }

    /// "; the member with the smallest predicted peak RSS is …": empty without one.
    var leanestText: String {
        guard let leanest, let leanestPredicted, let leanestPredictedRSSBytes, let optimumPredictedRSSBytes else { return "" }
        return
            "; the member with the smallest predicted peak RSS is \(leanest) (predicted \(Metric.rssPeakBytes.format(leanestPredictedRSSBytes)) "
            + "against \(Metric.rssPeakBytes.format(optimumPredictedRSSBytes)), \(metric.rawValue) \(metric.format(leanestPredicted)) "
            + "against \(metric.format(optimumPredicted))), not chosen: a member may lie up to the band plus one posterior sd from the optimum"
    }
}
