/// A limit on one objective: the worst acceptable value (at most `limit` for a minimised
/// objective, at least `limit` for a maximised one), in the objective's units.
public struct ObjectiveConstraint: Sendable, Equatable, Codable {
    public var objective: Int
    public var limit: Double

    public init(objective: Int, limit: Double) {
        self.objective = objective
        self.limit = limit
    }

    /// True when `point` meets the limit.
    public func isMet(by point: [Double], directions: [ObjectiveDirection]) -> Bool {
        !directions[objective].isBetter(limit, than: point[objective])
    }

    /// `result[s]`: point s meets every constraint.
    public static func feasibility(
        points: [[Double]], constraints: [ObjectiveConstraint], directions: [ObjectiveDirection]
    ) -> [Bool] {
        points.map { point in constraints.allSatisfy { $0.isMet(by: point, directions: directions) } }
    }
}
