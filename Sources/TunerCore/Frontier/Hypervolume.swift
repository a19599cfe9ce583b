/// The dominated hypervolume (S-metric, Zitzler & Thiele 1998): the measure of the region of
/// objective space that the points dominate and that dominates the reference point.
///
/// Notation: n points, m objectives, reference point r. After mapping every objective to
/// minimisation, HV(P, r) = λ(⋃_{p ∈ P, p < r} [p₁, r₁] × … × [pₘ, rₘ]), in the product of the
/// objectives' units. Only points strictly better than r in every objective count; the others
/// contribute nothing (this matches moocore).
///
/// In tuner the natural reference is the baseline setting's measurement (the Go default), so the
/// hypervolume measures how much of "better than the default" the frontier covers; see
/// ``volume(_:baseline:directions:)``.
///
/// **Algorithms.**
/// - m = 1: r − min. O(n).
/// - m = 2 (``Sweep2D``): sort by objective 1 (after dropping points a bucket of smaller
///   objective 1 already beats), sweep adding one horizontal slab per staircase step. O(n log n).
/// - m = 3 (``Sweep3D``): HV3D (Fonseca, Paquete & López-Ibáñez 2006; Beume et al. 2009):
///   sweep objective 3 upwards, keeping the 2-D staircase of the points seen so far and its area; the volume grows
///   by area × (height of the next slab). The staircase is an ordered set over each point's
///   position in (objective 1, objective 2) order, so insertion, neighbour search and removal of
///   the points a new point covers are O(log n). O(n log n) time, O(n) memory.
/// - m ≥ 4: slicing on the last objective down to the 3-D case. O(n^(m−2) log n).
///
/// Exclusive contributions (the volume lost when one frontier point is removed): m = 2 in
/// O(n log n) from each point's staircase neighbours; otherwise the volume of the point's box
/// minus the hypervolume of the other frontier points clipped to that box, O(f · HV(f)) for a
/// frontier of f points (meant for the tens to thousands of settings a study measures).
public enum Hypervolume {
    /// Dominated hypervolume of `points` with respect to `reference`.
    /// - Parameters:
    ///   - points: n rows of m values (m = `directions.count`).
    ///   - reference: m values in the objectives' units and directions.
    /// - Returns: the volume in the product of the objectives' units; 0 for no qualifying point.
    public static func volume(_ points: [[Double]], reference: [Double], directions: [ObjectiveDirection]) -> Double {
        volume(PointSet(rows: points, dimension: directions.count), reference: reference, directions: directions)
    }

    /// Dominated hypervolume with the baseline setting's measurement as the reference point.
    /// - Parameter baseline: index into `points` of the baseline (e.g. Go's default GC settings).
    public static func volume(_ points: [[Double]], baseline: Int, directions: [ObjectiveDirection]) -> Double {
        volume(points, reference: points[baseline], directions: directions)
    }

    /// Dominated hypervolume of a flat point set. See the type's notes for the algorithms.
    public static func volume(_ points: PointSet, reference: [Double], directions: [ObjectiveDirection]) -> Double {
        let signs = PointSet.signs(directions, dimension: points.dimension)
        let ref = minimizedReference(reference, directions)
        switch points.dimension {
        case 2: return Sweep2D.volume(points, signs: signs, reference: ref)
        case 3: return Sweep3D.volume(points, signs: signs, reference: ref)
        default:
            let (inside, ref) = qualifying(points, reference: reference, directions: directions)
            return volumeOfMinimized(inside, ref)
        }
    }

    /// Each point's exclusive contribution: the volume that only it dominates,
    /// HV(F) − HV(F ∖ {p}), where F is the non-dominated subset of the points that beat the
    /// reference. Dominated points are ignored (they neither contribute nor shrink the
    /// contributions of others), as in moocore's `hv_contributions` default. Zero for points
    /// that do not beat the reference, are dominated, or have a duplicate (removing one copy
    /// loses nothing).
    /// - Returns: one value per input point, in input order, in the units of ``volume(_:reference:directions:)``.
    public static func contributions(
        _ points: [[Double]], reference: [Double], directions: [ObjectiveDirection]
    ) -> [Double] {
        contributions(PointSet(rows: points, dimension: directions.count), reference: reference, directions: directions)
    }

    /// Exclusive contributions with the baseline setting's measurement as the reference point.
    public static func contributions(
        _ points: [[Double]], baseline: Int, directions: [ObjectiveDirection]
    ) -> [Double] {
        contributions(points, reference: points[baseline], directions: directions)
    }

    /// Exclusive contributions for a flat point set.
    public static func contributions(
        _ points: PointSet, reference: [Double], directions: [ObjectiveDirection]
    ) -> [Double] {
        let n = points.count
        let m = points.dimension
        let minimized = points.minimizing(directions)
        let ref = minimizedReference(reference, directions)
        var result = [Double](repeating: 0, count: n)
        // Candidates: strictly inside the reference box and non-dominated.
        var insideIndices = [Int]()
        for i in 0..<n where (0..<m).allSatisfy({ minimized[i, $0] < ref[$0] }) {
            insideIndices.append(i)
        }
        let inside = minimized.subset(insideIndices)
        let front = ParetoFront.nonDominatedMask(inside, directions: Array(repeating: .minimize, count: m))
        if m == 2 {
            let values = contributions2D(inside, front: front, ref)
            for (t, i) in insideIndices.enumerated() { result[i] = values[t] }
            return result
        }
        let frontIndices = front.indices.filter { front[$0] }
        let frontPoints = inside.subset(frontIndices)
        let duplicated = duplicatedRows(frontPoints)
        for (t, i) in frontIndices.enumerated() where !duplicated[t] {
            let p = frontPoints.row(t)
            var box = 1.0
            for k in 0..<m { box *= ref[k] - p[k] }
            // The other points, each clipped to p's box (componentwise max with p).
            var clipped = [Double]()
            clipped.reserveCapacity((frontPoints.count - 1) * m)
            for u in 0..<frontPoints.count where u != t {
                for k in 0..<m { clipped.append(max(frontPoints[u, k], p[k])) }
            }
            let covered = volumeOfMinimized(PointSet(values: clipped, dimension: m), ref)
            result[insideIndices[i]] = max(0, box - covered)
        }
        return result
    }

    // MARK: Internals

    static func minimizedReference(_ reference: [Double], _ directions: [ObjectiveDirection]) -> [Double] {
        precondition(reference.count == directions.count, "reference has \(reference.count) values for \(directions.count) objectives")
        return zip(reference, directions).map { value, direction in
            precondition(!value.isNaN, "the reference point has a NaN objective")
            return direction.minimizing(value) + 0.0
        }
    }

    /// The points strictly better than the reference in every objective, in minimising form,
    /// and the reference in minimising form.
    private static func qualifying(
        _ points: PointSet, reference: [Double], directions: [ObjectiveDirection]
    ) -> (PointSet, [Double]) {
        let ref = minimizedReference(reference, directions)
        let minimized = points.minimizing(directions)
        let m = minimized.dimension
        let n = minimized.count
        var kept = [Double]()
        kept.reserveCapacity(minimized.values.count)
        minimized.values.withUnsafeBufferPointer { v in
            ref.withUnsafeBufferPointer { r in
                for i in 0..<n {
                    var inside = true
                    for k in 0..<m where !(v[i * m + k] < r[k]) {
                        inside = false
                        break
                    }
                    if inside { kept.append(contentsOf: v[(i * m)..<(i * m + m)]) }
                }
            }
        }
        return (PointSet(values: kept, dimension: m), ref)
    }

    /// Hypervolume of points that are all strictly inside the reference box (minimising form).
    /// Points outside the box are filtered again here so the recursive slices stay correct.
    static func volumeOfMinimized(_ points: PointSet, _ ref: [Double]) -> Double {
        let n = points.count
        if n == 0 { return 0 }
        switch points.dimension {
        case 1:
            var best = Double.infinity
            for i in 0..<n { best = min(best, points.values[i]) }
            return best < ref[0] ? ref[0] - best : 0
        case 2:
            return Sweep2D.volume(points, signs: [1, 1], reference: ref)
        case 3:
            return Sweep3D.volume(points, signs: [1, 1, 1], reference: ref)
        default:
            return volumeBySlicing(points, ref)
        }
    }

    /// m ≥ 4: sort by the last objective; between consecutive values the dominated region's
    /// cross-section is the (m−1)-dimensional hypervolume of the points below.
    static func volumeBySlicing(_ points: PointSet, _ ref: [Double]) -> Double {
        let n = points.count
        let m = points.dimension
        let last = m - 1
        let order = (0..<n).sorted { points[$0, last] < points[$1, last] }
        var volume = 0.0
        var projected = [Double]()
        projected.reserveCapacity(n * last)
        for (j, p) in order.enumerated() {
            let z = points[p, last]
            if z >= ref[last] { break }
            for k in 0..<last { projected.append(points[p, k]) }
            let nextZ = j + 1 < n ? min(points[order[j + 1], last], ref[last]) : ref[last]
            if nextZ > z {
                let slice = PointSet(values: projected, dimension: last)
                // Keep only the slice's frontier: it is all that the lower slices need.
                let front = ParetoFront.nonDominatedIndices(slice, directions: Array(repeating: .minimize, count: last))
                let reduced = slice.subset(front)
                projected = reduced.values
                volume += volumeOfMinimized(reduced, Array(ref[0..<last])) * (nextZ - z)
            }
        }
        return volume
    }

    /// m = 2 contributions from staircase neighbours: (next x − x) × (previous y − y).
    private static func contributions2D(_ inside: PointSet, front: [Bool], _ ref: [Double]) -> [Double] {
        let n = inside.count
        var result = [Double](repeating: 0, count: n)
        let indices = front.indices.filter { front[$0] }
        let order = indices.sorted { inside[$0, 0] != inside[$1, 0] ? inside[$0, 0] < inside[$1, 0] : $0 < $1 }
        for (t, i) in order.enumerated() {
            let x = inside[i, 0]
            let y = inside[i, 1]
            // A duplicate neighbour means removing this copy loses nothing.
            if t > 0 && inside[order[t - 1], 0] == x && inside[order[t - 1], 1] == y { continue }
            if t + 1 < order.count && inside[order[t + 1], 0] == x && inside[order[t + 1], 1] == y { continue }
            let previousY = t > 0 ? inside[order[t - 1], 1] : ref[1]
            let nextX = t + 1 < order.count ? inside[order[t + 1], 0] : ref[0]
            result[i] = (nextX - x) * (previousY - y)
        }
        return result
    }

    /// `result[i]` is true when row i equals another row.
    private static func duplicatedRows(_ points: PointSet) -> [Bool] {
        let n = points.count
        let m = points.dimension
        let order = (0..<n).sorted { a, b in
            for k in 0..<m where points[a, k] != points[b, k] { return points[a, k] < points[b, k] }
            return a < b
        }
        var result = [Bool](repeating: false, count: n)
        for j in 1..<max(n, 1) {
            let a = order[j - 1]
            let b = order[j]
            if (0..<m).allSatisfy({ points[a, $0] == points[b, $0] }) {
                result[a] = true
                result[b] = true
            }
        }
        return result
    }
}
