/// Points in objective space stored flat: `count × dimension` values, row-major.
///
/// The frontier and hypervolume algorithms read this layout directly, so a million points cost
/// one allocation rather than a million. Row `i`, objective `k` lives at `values[i * dimension + k]`.
/// Values are in each objective's own units and direction; the algorithms take an
/// ``ObjectiveDirection`` per objective and never require the caller to negate anything.
///
/// NaN is not a measurement: every algorithm in this folder stops with a precondition failure on
/// a NaN value. Drop failed trials before building a point set. ±infinity is allowed.
public struct PointSet: Sendable, Equatable {
    /// Row-major values, `count × dimension`.
    public private(set) var values: [Double]
    /// Number of objectives per point (m ≥ 1).
    public let dimension: Int

    /// - Parameters:
    ///   - values: row-major, `values.count` a multiple of `dimension`.
    ///   - dimension: objectives per point, at least 1.
    public init(values: [Double], dimension: Int) {
        precondition(dimension >= 1, "a point set needs at least one objective")
        precondition(
            values.count % dimension == 0,
            "\(values.count) values do not split into rows of \(dimension) objectives"
        )
        self.values = values
        self.dimension = dimension
    }

    /// - Parameters:
    ///   - rows: one array per point, each of length `dimension`.
    ///   - dimension: objectives per point; needed because `rows` may be empty.
    public init(rows: [[Double]], dimension: Int) {
        precondition(dimension >= 1, "a point set needs at least one objective")
        var values = [Double]()
        values.reserveCapacity(rows.count * dimension)
        for (i, row) in rows.enumerated() {
            precondition(row.count == dimension, "point \(i) has \(row.count) objectives, expected \(dimension)")
            values.append(contentsOf: row)
        }
        self.values = values
        self.dimension = dimension
    }

    /// Number of points.
    public var count: Int { values.count / dimension }

    public var isEmpty: Bool { values.isEmpty }

    /// Objective `objective` of point `point`.
    @inlinable
    public subscript(point: Int, objective: Int) -> Double {
        values[point * dimension + objective]
    }

    /// Point `i` as an array of `dimension` values.
    public func row(_ i: Int) -> [Double] {
        Array(values[i * dimension..<(i + 1) * dimension])
    }

    /// All points as arrays (allocates one array per point; for small sets and tests).
    public var rows: [[Double]] {
        (0..<count).map(row)
    }

    /// The points at `indices`, in that order.
    public func subset(_ indices: some Sequence<Int>) -> PointSet {
        var values = [Double]()
        for i in indices {
            values.append(contentsOf: self.values[i * dimension..<(i + 1) * dimension])
        }
        return PointSet(values: values, dimension: dimension)
    }

    /// A copy in which every objective is to be minimised: maximised columns are negated, and
    /// −0.0 becomes +0.0 so that equal values have equal bit patterns.
    /// - Precondition: no value is NaN.
    /// - Complexity: O(n·m).
    func minimizing(_ directions: [ObjectiveDirection]) -> PointSet {
        let signs = Self.signs(directions, dimension: dimension)
        var out = values
        let m = dimension
        out.withUnsafeMutableBufferPointer { buffer in
            signs.withUnsafeBufferPointer { signs in
                var start = 0
                while start < buffer.count {
                    for k in 0..<m {
                        let v = signs[k] * buffer[start + k] + 0.0
                        if v.isNaN { Self.nanFailure(point: start / m, objective: k) }
                        buffer[start + k] = v
                    }
                    start += m
                }
            }
        }
        return PointSet(values: out, dimension: dimension)
    }

    /// +1 for a minimised objective, −1 for a maximised one: multiplying by it maps a value to
    /// minimising form exactly.
    static func signs(_ directions: [ObjectiveDirection], dimension: Int) -> [Double] {
        precondition(
            directions.count == dimension,
            "\(directions.count) directions given for \(dimension) objectives"
        )
        return directions.map { $0 == .minimize ? 1.0 : -1.0 }
    }

    static func nanFailure(point: Int, objective: Int) -> Never {
        preconditionFailure("objective \(objective) of point \(point) is NaN; drop failed trials first")
    }
}
