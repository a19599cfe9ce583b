/// Pareto dominance, non-dominated sets and non-dominated sorting for any number of objectives.
///
/// Notation: n points, m objectives, each with its own ``ObjectiveDirection``. All algorithms
/// first map every objective to "smaller is better" (maximised objectives are negated).
///
/// **Dominance.** `a` dominates `b` when `a` is at least as good as `b` in every objective and
/// strictly better in at least one.
///
/// **Ties and duplicates (the documented rule).** Equal points do not dominate each other, so
/// every copy of a non-dominated point is non-dominated, and all copies of a point share one
/// rank. (moocore calls this `keep_weakly=True`.) Points equal in some objectives and better in
/// another are ordinary dominance. −0.0 equals +0.0; ±infinity are ordinary values; NaN is a
/// precondition failure.
///
/// **Algorithms.**
/// - m = 2 (``Sweep2D``): drop points beaten by a bucket of smaller first objective, sort the
///   rest by the first objective, then one sweep keeping the best second objective so far.
///   O(n log n) worst case, O(n) memory.
/// - m = 3 (``Sweep3D``): the dimension sweep of Kung, Luccio & Preparata (1975): sort by the
///   first objective; a point is dominated when an earlier point is at least as good in
///   objectives 2 and 3, answered by a prefix-minimum Fenwick tree over the ranks of objective 2
///   that stores the best objective 3. O(n log n) time, O(n) memory.
/// - any m (and the reference the sweeps are tested against): lexicographic sort, then each
///   point is compared with the non-dominated points found so far. O(n log n + m·n·f) for a
///   front of f points; O(m·n²) worst case.
/// - ranks: m = 2 in O(n log n) (each rank keeps its best second objective; binary search);
///   otherwise efficient non-dominated sort with binary search (Zhang et al. 2015), O(m·n²)
///   worst case and far less on typical data.
public enum ParetoFront {
    /// Which algorithm to use; ``automatic`` picks the sweep for 2 and 3 objectives.
    public enum Algorithm: Sendable, Equatable {
        /// Sweeps for m = 2 and m = 3, the general algorithm otherwise.
        case automatic
        /// The general algorithm for every m (slower; the sweeps are tested against it).
        case general
    }

    // MARK: Dominance

    /// How point `a` relates to point `b` under Pareto dominance.
    public enum Relation: Sendable, Equatable {
        /// `a` dominates `b`.
        case dominates
        /// `b` dominates `a`.
        case dominated
        /// Equal in every objective.
        case equal
        /// Each is better in some objective.
        case incomparable
    }

    /// The dominance relation of `a` to `b`. Both have `directions.count` values. O(m).
    public static func relation(_ a: [Double], _ b: [Double], directions: [ObjectiveDirection]) -> Relation {
        precondition(a.count == directions.count && b.count == directions.count, "points and directions differ in length")
        var aBetter = false
        var bBetter = false
        for k in directions.indices {
            if directions[k].isBetter(a[k], than: b[k]) { aBetter = true }
            if directions[k].isBetter(b[k], than: a[k]) { bBetter = true }
        }
        switch (aBetter, bBetter) {
        case (true, false): return .dominates
        case (false, true): return .dominated
        case (false, false): return .equal
        case (true, true): return .incomparable
        }
    }

    /// True when `a` dominates `b`: at least as good everywhere, strictly better somewhere.
    public static func dominates(_ a: [Double], _ b: [Double], directions: [ObjectiveDirection]) -> Bool {
        relation(a, b, directions: directions) == .dominates
    }

    // MARK: Non-dominated set

    /// Indices (ascending) of the non-dominated points.
    /// - Parameters:
    ///   - points: n rows of m values (m = `directions.count`), any units.
    ///   - directions: one per objective.
    /// - Complexity: O(n log n) for m ≤ 3; see the type's notes otherwise. Converts to a flat
    ///   ``PointSet`` first; use the `PointSet` overload for large n.
    public static func nonDominatedIndices(_ points: [[Double]], directions: [ObjectiveDirection]) -> [Int] {
        nonDominatedIndices(PointSet(rows: points, dimension: directions.count), directions: directions)
    }

    /// Indices (ascending) of the non-dominated points of a flat point set.
    public static func nonDominatedIndices(
        _ points: PointSet, directions: [ObjectiveDirection], algorithm: Algorithm = .automatic
    ) -> [Int] {
        let mask = nonDominatedMask(points, directions: directions, algorithm: algorithm)
        var indices = [Int]()
        for i in mask.indices where mask[i] { indices.append(i) }
        return indices
    }

    /// `mask[i]` is true when point i is non-dominated. Same rules and cost as
    /// ``nonDominatedIndices(_:directions:algorithm:)``.
    public static func nonDominatedMask(
        _ points: PointSet, directions: [ObjectiveDirection], algorithm: Algorithm = .automatic
    ) -> [Bool] {
        let signs = PointSet.signs(directions, dimension: points.dimension)
        if points.count == 0 { return [] }
        switch (algorithm, points.dimension) {
        case (.automatic, 2):
            return Sweep2D.nonDominatedMask(points, signs: signs)
        case (.automatic, 3):
            return Sweep3D.nonDominatedMask(points, signs: signs)
        default:
            return nonDominatedGeneral(points.minimizing(directions))
        }
    }

    // MARK: Ranks

    /// Non-dominated sorting: rank 0 is the frontier, rank 1 the frontier once rank 0 is removed,
    /// and so on. Duplicates share a rank.
    /// - Returns: one rank per point, in input order.
    public static func ranks(_ points: [[Double]], directions: [ObjectiveDirection]) -> [Int] {
        ranks(PointSet(rows: points, dimension: directions.count), directions: directions)
    }

    /// Non-dominated sorting of a flat point set. O(n log n) for m = 2; see the type's notes.
    public static func ranks(
        _ points: PointSet, directions: [ObjectiveDirection], algorithm: Algorithm = .automatic
    ) -> [Int] {
        let signs = PointSet.signs(directions, dimension: points.dimension)
        if points.count == 0 { return [] }
        if algorithm == .automatic && points.dimension == 2 {
            return Sweep2D.ranks(points, signs: signs)
        }
        return ranksGeneral(points.minimizing(directions))
    }
}

// MARK: - Any number of objectives

extension ParetoFront {
    /// Points sorted lexicographically (objective 0 first, then index) in minimising form.
    private static func lexicographicOrder(_ points: PointSet) -> [Int] {
        let m = points.dimension
        return points.values.withUnsafeBufferPointer { v in
            (0..<points.count).sorted { a, b in
                for k in 0..<m {
                    let x = v[a * m + k]
                    let y = v[b * m + k]
                    if x != y { return x < y }
                }
                return a < b
            }
        }
    }

    /// True when `a` is at least as good as `b` in every objective (minimising form).
    @inline(__always)
    private static func weaklyBetter(_ v: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int, _ m: Int) -> Bool {
        let ra = a * m
        let rb = b * m
        for k in 0..<m where v[ra + k] > v[rb + k] { return false }
        return true
    }

    /// Lexicographic order, then compare each point with the frontier found so far. A point can
    /// only be dominated by points before it in that order; a duplicate follows its twin.
    static func nonDominatedGeneral(_ points: PointSet) -> [Bool] {
        let n = points.count
        let m = points.dimension
        let order = lexicographicOrder(points)
        var result = [Bool](repeating: false, count: n)
        var front = [Int]()
        points.values.withUnsafeBufferPointer { v in
            var previous = -1
            for p in order {
                if previous >= 0 && weaklyBetter(v, p, previous, m) && weaklyBetter(v, previous, p, m) {
                    result[p] = result[previous]
                } else {
                    var dominated = false
                    // Recent members are closest in the sort order, so they are tried first.
                    for q in front.reversed() where weaklyBetter(v, q, p, m) {
                        dominated = true
                        break
                    }
                    if !dominated {
                        result[p] = true
                        front.append(p)
                    }
                }
                previous = p
            }
        }
        return result
    }

    /// Efficient non-dominated sort with binary search (ENS-BS, Zhang et al. 2015): in
    /// lexicographic order, a point's rank is the first rank none of whose members dominate it.
    /// "Some member of rank r dominates p" is monotone in r, so a binary search finds it.
    static func ranksGeneral(_ points: PointSet) -> [Int] {
        let n = points.count
        let m = points.dimension
        let order = lexicographicOrder(points)
        var ranks = [Int](repeating: 0, count: n)
        var members = [[Int]]()
        points.values.withUnsafeBufferPointer { v in
            func isDominated(_ p: Int, byRank r: Int) -> Bool {
                for q in members[r].reversed() where weaklyBetter(v, q, p, m) { return true }
                return false
            }
            var previous = -1
            for p in order {
                let rank: Int
                if previous >= 0 && weaklyBetter(v, p, previous, m) && weaklyBetter(v, previous, p, m) {
                    rank = ranks[previous]
                } else {
                    var low = 0
                    var high = members.count
                    while low < high {
                        let mid = (low + high) / 2
                        if isDominated(p, byRank: mid) { low = mid + 1 } else { high = mid }
                    }
                    rank = low
                }
                if rank == members.count { members.append([]) }
                members[rank].append(p)
                ranks[p] = rank
                previous = p
            }
        }
        return ranks
    }
}
