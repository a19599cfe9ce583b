/// Three-objective sweeps: the non-dominated set (Kung, Luccio & Preparata 1975) and the
/// hypervolume (HV3D: Fonseca, Paquete & López-Ibáñez 2006; Beume et al. 2009).
///
/// Points are read from a ``PointSet`` and mapped to minimising form on the fly with `signs`
/// (+1 or −1 per objective). Every sort works on small records built in input order, so the
/// sweeps read memory sequentially except for their ordered structure.
enum Sweep3D {
    /// Sweep record for the non-dominated filter: ordered by x key, then index.
    struct XRecord: SweepRecord {
        var xKey: UInt64
        var zKey: UInt64
        var yRank: UInt32
        var index: UInt32

        var bucketKey: UInt64 { xKey }

        @inline(__always)
        static func precedes(_ a: XRecord, _ b: XRecord) -> Bool {
            a.xKey != b.xKey ? a.xKey < b.xKey : a.index < b.index
        }
    }

    /// Sweep record for the hypervolume: ordered by z, then staircase position. Carries x and y
    /// so the sweep reads the current point sequentially.
    struct ZRecord: SweepRecord {
        var z: Double
        var x: Double
        var y: Double
        var position: UInt32

        var bucketKey: UInt64 { SortKey.of(z) }

        @inline(__always)
        static func precedes(_ a: ZRecord, _ b: ZRecord) -> Bool {
            a.z != b.z ? a.z < b.z : a.position < b.position
        }
    }

    /// A point of three objectives in minimising form; ordered by (x, y), then index.
    struct XYZRecord: SweepRecord {
        var x: Double
        var y: Double
        var z: Double
        var index: UInt32

        var bucketKey: UInt64 { SortKey.of(x) }

        @inline(__always)
        static func precedes(_ a: XYZRecord, _ b: XYZRecord) -> Bool {
            if a.x != b.x { return a.x < b.x }
            if a.y != b.y { return a.y < b.y }
            return a.index < b.index
        }
    }

    /// `mask[i]`: point i is non-dominated. In x order, a point is dominated when an earlier
    /// point (strictly smaller x) is at least as good in y and z — the smallest z key over y ranks
    /// up to the point's own, kept in a prefix-minimum Fenwick tree — or when a point with the
    /// same x dominates it in (y, z). O(n log n) time, O(n) memory.
    static func nonDominatedMask(_ points: PointSet, signs: [Double]) -> [Bool] {
        precondition(points.dimension == 3)
        let n = points.count
        if n == 0 { return [] }
        let sx = signs[0]
        let sy = signs[1]
        let sz = signs[2]
        // Dense ranks of y (1-based, equal values share a rank).
        var byY = [KeyedIndex]()
        byY.reserveCapacity(n)
        points.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let y = sy * v[3 &* i &+ 1] + 0.0
                if y.isNaN { PointSet.nanFailure(point: i, objective: 1) }
                byY.append(KeyedIndex(key: SortKey.of(y), index: UInt32(truncatingIfNeeded: i)))
            }
        }
        BucketSort.sort(&byY)
        var yRank = [UInt32](repeating: 0, count: n)
        var distinct: UInt32 = 0
        for j in 0..<n {
            if j == 0 || byY[j].key != byY[j - 1].key { distinct += 1 }
            yRank[Int(byY[j].index)] = distinct
        }
        byY = []

        var records = [XRecord]()
        records.reserveCapacity(n)
        points.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let x = sx * v[3 &* i] + 0.0
                let z = sz * v[3 &* i &+ 2] + 0.0
                if x.isNaN || z.isNaN { PointSet.nanFailure(point: i, objective: x.isNaN ? 0 : 2) }
                records.append(
                    XRecord(xKey: SortKey.of(x), zKey: SortKey.of(z), yRank: yRank[i], index: UInt32(truncatingIfNeeded: i))
                )
            }
        }
        BucketSort.sort(&records)

        var tree = PrefixMinimumTree(size: Int(distinct))
        var mask = [Bool](repeating: false, count: n)
        var j = 0
        while j < n {
            var end = j + 1
            while end < n && records[end].xKey == records[j].xKey { end += 1 }
            if end == j + 1 {
                let r = records[j]
                mask[Int(r.index)] = tree.minimum(through: Int(r.yRank)) > r.zKey
                tree.lower(Int(r.yRank), to: r.zKey)
            } else {
                // Points sharing x: dominated by an earlier point, or within the group in (y, z).
                let group = Array(records[j..<end])
                let inGroup = smallNonDominated(group.map { UInt64($0.yRank) }, group.map(\.zKey))
                for (t, r) in group.enumerated() {
                    mask[Int(r.index)] = inGroup[t] && tree.minimum(through: Int(r.yRank)) > r.zKey
                }
                for r in group { tree.lower(Int(r.yRank), to: r.zKey) }
            }
            j = end
        }
        return mask
    }

    /// Non-dominated mask of a few 2-D points given as keys (minimising). O(g log g).
    static func smallNonDominated(_ a: [UInt64], _ b: [UInt64]) -> [Bool] {
        let order = a.indices.sorted { a[$0] != a[$1] ? a[$0] < a[$1] : b[$0] < b[$1] }
        var mask = [Bool](repeating: false, count: a.count)
        var best = UInt64.max
        var previous = -1
        for p in order {
            if previous >= 0 && a[previous] == a[p] && b[previous] == b[p] {
                mask[p] = mask[previous]
            } else if best == .max || b[p] < best {
                // `best == .max` only before the first point: no key equals UInt64.max.
                mask[p] = true
                best = b[p]
            }
            previous = p
        }
        return mask
    }

    /// Hypervolume against `reference` (minimising form) by HV3D: sweep z upwards keeping the
    /// staircase of the (x, y) projections seen so far and its area; the volume grows by
    /// area × (gap to the next z). The staircase is a ``RankSet`` over each point's position in
    /// (x, y) order, so a new point finds its neighbours and removes the points it covers in
    /// O(log n) each. O(n log n) time, O(n) memory.
    static func volume(_ points: PointSet, signs: [Double], reference: [Double]) -> Double {
        precondition(points.dimension == 3)
        let n = points.count
        let sx = signs[0]
        let sy = signs[1]
        let sz = signs[2]
        let rx = reference[0]
        let ry = reference[1]
        let rz = reference[2]
        // The points strictly inside the reference box, sorted by (x, y): a point's place in that
        // order is its staircase position. The z-ordered records are then written sequentially.
        var xyz = [XYZRecord]()
        points.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let x = sx * v[3 &* i] + 0.0
                let y = sy * v[3 &* i &+ 1] + 0.0
                let z = sz * v[3 &* i &+ 2] + 0.0
                if x.isNaN || y.isNaN || z.isNaN { PointSet.nanFailure(point: i, objective: x.isNaN ? 0 : y.isNaN ? 1 : 2) }
                if x < rx && y < ry && z < rz {
                    xyz.append(XYZRecord(x: x, y: y, z: z, index: UInt32(truncatingIfNeeded: i)))
                }
            }
        }
        let count = xyz.count
        if count == 0 { return 0 }
        BucketSort.sort(&xyz)
        // Staircase coordinates by position, interleaved: one cache line per lookup.
        var corners = [Double](repeating: 0, count: 2 * count)
        var byZ = [ZRecord]()
        byZ.reserveCapacity(count)
        for (rank, record) in xyz.enumerated() {
            corners[2 * rank] = record.x
            corners[2 * rank + 1] = record.y
            byZ.append(ZRecord(z: record.z, x: record.x, y: record.y, position: UInt32(truncatingIfNeeded: rank)))
        }
        xyz = []
        BucketSort.sort(&byZ)

        var stairs = RankSet(capacity: count)
        var area = 0.0
        var volume = 0.0
        var previousZ = byZ[0].z
        corners.withUnsafeBufferPointer { corners in
            @inline(__always) func cornerX(_ s: Int) -> Double { corners[2 &* s] }
            @inline(__always) func cornerY(_ s: Int) -> Double { corners[2 &* s &+ 1] }
            for record in byZ {
                volume += area * (record.z - previousZ)
                previousZ = record.z
                let r = Int(record.position)
                let x = record.x
                let y = record.y
                // The staircase point just before in (x, y) order has x' ≤ x; y' ≤ y covers p.
                let before = stairs.predecessor(r)
                if let before, cornerY(before) <= y { continue }
                // Walk right: remove the points p covers, adding the area p newly covers.
                var left = x
                var height = before.map(cornerY) ?? ry
                var next = stairs.successor(r)
                var reachedEnd = true
                while let s = next {
                    let cornerRight = cornerX(s)
                    let cornerDown = cornerY(s)
                    area += (cornerRight - left) * (height - y)
                    if cornerDown < y {
                        reachedEnd = false
                        break
                    }
                    stairs.remove(s)
                    left = cornerRight
                    height = cornerDown
                    next = stairs.successor(s)
                }
                if reachedEnd { area += (rx - left) * (height - y) }
                stairs.insert(r)
            }
        }
        volume += area * (rz - previousZ)
        return volume
    }
}

/// A Fenwick tree over positions 1...size answering "smallest value stored at positions ≤ r"
/// where stored values only ever decrease. O(log n) per operation; empty positions read as
/// `UInt64.max`.
struct PrefixMinimumTree {
    private var nodes: [UInt64]

    init(size: Int) {
        nodes = [UInt64](repeating: .max, count: size + 1)
    }

    func minimum(through position: Int) -> UInt64 {
        nodes.withUnsafeBufferPointer { t in
            var best = UInt64.max
            var i = position
            while i > 0 {
                best = min(best, t[i])
                i &= i &- 1
            }
            return best
        }
    }

    mutating func lower(_ position: Int, to value: UInt64) {
        let size = nodes.count - 1
        nodes.withUnsafeMutableBufferPointer { t in
            var i = position
            while i <= size {
                // A node covering this one already holds something at least as small.
                if t[i] <= value { return }
                t[i] = value
                i += i & -i
            }
        }
    }
}
