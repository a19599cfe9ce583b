/// A point estimate with a two-sided confidence interval, in the units of the quantity it
/// estimates, and the number of samples behind it.
public struct Estimate: Sendable, Equatable, Codable {
    public var value: Double
    public var lower: Double
    public var upper: Double
    /// Confidence level of [lower, upper], e.g. 0.95.
    public var level: Double
    /// Number of independent samples (repeats) the estimate rests on.
    public var sampleCount: Int

    public init(value: Double, lower: Double, upper: Double, level: Double, sampleCount: Int) {
        self.value = value
        self.lower = lower
        self.upper = upper
        self.level = level
        self.sampleCount = sampleCount
    }

    /// Half the interval's width relative to the value (0.1 = ±10 %); infinite for a zero value.
    public var relativeHalfWidth: Double {
        value == 0 ? .infinity : (upper - lower) / 2 / abs(value)
    }

    /// True when the interval rests on one sample and therefore says nothing about noise.
    public var isSingleSample: Bool { sampleCount < 2 }
}
