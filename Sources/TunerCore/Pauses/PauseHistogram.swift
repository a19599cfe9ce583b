import Foundation

/// The pauses of one window as bucket counts (only non-empty buckets are kept).
public struct PauseHistogram: Codable, Sendable, Equatable {
    /// One bucket: `count` samples p with `lowerMillis ≤ p ≤ upperMillis`.
    ///
    /// Which edge is inclusive differs by source (runtime/metrics: `[lower, upper)`;
    /// Prometheus `le`: `(lower, upper]`); for bounding a pause it does not matter.
    public struct Bucket: Codable, Sendable, Equatable {
        /// Lower edge, milliseconds (≥ 0: pauses are durations).
        public var lowerMillis: Double
        /// Upper edge, milliseconds; `nil` for the unbounded `+Inf` bucket. (`nil` rather than
        /// `.infinity` so that the value survives JSON, which has no infinity; the key is then absent.)
        public var upperMillis: Double?
        /// Samples in the bucket during the window.
        public var count: Int

        public init(lowerMillis: Double, upperMillis: Double?, count: Int) {
            self.lowerMillis = lowerMillis
            self.upperMillis = upperMillis
            self.count = count
        }

        /// The estimate used for a sample in this bucket when totalling: the geometric midpoint
        /// √(lower·upper) (pause durations spread roughly evenly in log scale, and Prometheus
        /// buckets can be 10× wide, where the arithmetic midpoint overstates by about 2×); half
        /// the upper edge when the lower edge is 0; the lower edge when the bucket is unbounded.
        /// For runtime/metrics' fine buckets (≤ 12.5 % wide) it differs from the arithmetic
        /// midpoint by under 0.1 %.
        public var midpointMillis: Double {
            guard let upper = upperMillis else { return lowerMillis }
            return lowerMillis > 0 ? (lowerMillis * upper).squareRoot() : upper / 2
        }
    }

    /// Non-empty buckets in ascending order of their edges.
    public var buckets: [Bucket]

    public init(buckets: [Bucket]) { self.buckets = buckets }

    /// Samples over all buckets.
    public var count: Int { buckets.reduce(0) { $0 + $1.count } }
}
