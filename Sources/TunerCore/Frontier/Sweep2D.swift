/// Two-objective sweeps: non-dominated set, ranks and hypervolume.
///
/// Points are read straight from a ``PointSet`` and mapped to minimising form on the fly
/// (`signs` holds +1 or −1 per objective), so no copy of the input is made.
///
/// **Pruning before sorting.** The non-dominated set and the hypervolume only need the
/// points that could be non-dominated, in (x, y) order. One sequential pass spreads x over up to
/// 2¹² buckets and records each bucket's best y; a point whose y is matched or beaten by a point
/// in an earlier bucket (strictly smaller x) is dominated and dropped. Only the survivors — a
/// superset of the frontier — are scattered into their buckets and sorted. Non-dominated points
/// are never dropped, so the result is exact. O(n) passes plus the bucket sort of the survivors.
enum Sweep2D {
    /// Below this many points the pruning pass costs more than it saves.
    static let pruningThreshold = 4096

    /// The points that may be non-dominated, as records sorted by (x, y, index) in minimising
    /// form. With `limit` (minimising form), only points strictly below it in both objectives
    /// are considered. Record indices refer to `points`.
    static func candidates(_ points: PointSet, signs: [Double], limit: (Double, Double)? = nil) -> [XYRecord] {
        precondition(points.dimension == 2)
        let n = points.count
        if n == 0 { return [] }
        let sx = signs[0]
        let sy = signs[1]
        let limitX = limit?.0 ?? .infinity
        let limitY = limit?.1 ?? .infinity
        let limited = limit != nil
        return points.values.withUnsafeBufferPointer { v -> [XYRecord] in
            @inline(__always) func x(_ i: Int) -> Double { sx * v[2 &* i] + 0.0 }
            @inline(__always) func y(_ i: Int) -> Double { sy * v[2 &* i &+ 1] + 0.0 }
            @inline(__always) func eligible(_ x: Double, _ y: Double) -> Bool { !limited || (x < limitX && y < limitY) }

            // Pass 1: NaN check, and the key range of x over eligible points.
            var low = UInt64.max
            var high: UInt64 = 0
            var eligibleCount = 0
            for i in 0..<n {
                let px = x(i)
                let py = y(i)
                if px.isNaN || py.isNaN { PointSet.nanFailure(point: i, objective: px.isNaN ? 0 : 1) }
                if !eligible(px, py) { continue }
                eligibleCount += 1
                let key = SortKey.of(px)
                low = min(low, key)
                high = max(high, key)
            }
            if eligibleCount == 0 { return [] }
            if eligibleCount < pruningThreshold || low == high {
                var records = [XYRecord]()
                records.reserveCapacity(eligibleCount)
                for i in 0..<n {
                    let px = x(i)
                    let py = y(i)
                    if eligible(px, py) { records.append(XYRecord(x: px, y: py, index: UInt32(truncatingIfNeeded: i))) }
                }
                BucketSort.sort(&records)
                return records
            }

            let span = high &- low
            let spanBits = UInt64.bitWidth - span.leadingZeroBitCount
            let log2n = Int.bitWidth - 1 - eligibleCount.leadingZeroBitCount
            let bits = max(1, min(12, log2n - 7))
            let shift = UInt64(max(0, spanBits - bits))
            let buckets = Int(truncatingIfNeeded: span &>> shift) + 1
            @inline(__always) func bucket(_ x: Double) -> Int {
                Int(truncatingIfNeeded: (SortKey.of(x) &- low) &>> shift)
            }

            // Pass 2: best y key per bucket, then turned into "best y key in earlier buckets".
            var bestBefore = [UInt64](repeating: .max, count: buckets)
            bestBefore.withUnsafeMutableBufferPointer { best in
                for i in 0..<n {
                    let px = x(i)
                    let py = y(i)
                    if !eligible(px, py) { continue }
                    let b = bucket(px)
                    best[b] = min(best[b], SortKey.of(py))
                }
                var running = UInt64.max
                for b in 0..<buckets {
                    let here = best[b]
                    best[b] = running
                    running = min(running, here)
                }
            }

            // Pass 3: count survivors per bucket; pass 4: scatter them.
            var starts = [Int](repeating: 0, count: buckets + 1)
            var records = [XYRecord]()
            bestBefore.withUnsafeBufferPointer { best in
                starts.withUnsafeMutableBufferPointer { starts in
                    for i in 0..<n {
                        let px = x(i)
                        let py = y(i)
                        if !eligible(px, py) { continue }
                        let b = bucket(px)
                        if SortKey.of(py) < best[b] { starts[b &+ 1] &+= 1 }
                    }
                    for b in 0..<buckets { starts[b + 1] &+= starts[b] }
                }
                let total = starts[buckets]
                var cursor = starts
                records = [XYRecord](unsafeUninitializedCapacity: total) { out, initialized in
                    cursor.withUnsafeMutableBufferPointer { cursor in
                        for i in 0..<n {
                            let px = x(i)
                            let py = y(i)
                            if !eligible(px, py) { continue }
                            let b = bucket(px)
                            if SortKey.of(py) < best[b] {
                                out[cursor[b]] = XYRecord(x: px, y: py, index: UInt32(truncatingIfNeeded: i))
                                cursor[b] &+= 1
                            }
                        }
                    }
                    initialized = total
                }
            }

            let scratch = UnsafeMutableBufferPointer<XYRecord>.allocate(capacity: max(records.count, 1))
            defer { scratch.deallocate() }
            records.withUnsafeMutableBufferPointer { r in
                for b in 0..<buckets where starts[b + 1] - starts[b] > 1 {
                    BucketSort.sort(
                        UnsafeMutableBufferPointer(rebasing: r[starts[b]..<starts[b + 1]]),
                        scratch: UnsafeMutableBufferPointer(rebasing: scratch[starts[b]..<starts[b + 1]])
                    )
                }
            }
            return records
        }
    }

    /// `mask[i]`: point i is non-dominated (duplicates of a non-dominated point all are).
    static func nonDominatedMask(_ points: PointSet, signs: [Double]) -> [Bool] {
        let records = candidates(points, signs: signs)
        var mask = [Bool](repeating: false, count: points.count)
        records.withUnsafeBufferPointer { r in
            mask.withUnsafeMutableBufferPointer { mask in
                var bestY = Double.infinity
                var haveBest = false
                var j = 0
                while j < r.count {
                    // A group shares x; sorted by y, so its best y comes first.
                    let groupX = r[j].x
                    let groupY = r[j].y
                    var end = j &+ 1
                    while end < r.count && r[end].x == groupX { end &+= 1 }
                    if !haveBest || groupY < bestY {
                        var t = j
                        while t < end && r[t].y == groupY {
                            mask[Int(r[t].index)] = true
                            t &+= 1
                        }
                        bestY = groupY
                        haveBest = true
                    }
                    j = end
                }
            }
        }
        return mask
    }

    /// Non-dominated ranks. In (x, y) order each rank remembers the best y among its members so
    /// far; those values increase with the rank, so a binary search finds the first rank that
    /// does not dominate the point. O(n log n).
    static func ranks(_ points: PointSet, signs: [Double]) -> [Int] {
        let n = points.count
        var records = [XYRecord]()
        records.reserveCapacity(n)
        for i in 0..<n {
            let px = signs[0] * points[i, 0] + 0.0
            let py = signs[1] * points[i, 1] + 0.0
            if px.isNaN || py.isNaN { PointSet.nanFailure(point: i, objective: px.isNaN ? 0 : 1) }
            records.append(XYRecord(x: px, y: py, index: UInt32(truncatingIfNeeded: i)))
        }
        BucketSort.sort(&records)
        var ranks = [Int](repeating: 0, count: n)
        var rankBestY = [Double]()
        for j in 0..<n {
            let r = records[j]
            if j > 0 && records[j - 1].x == r.x && records[j - 1].y == r.y {
                ranks[Int(r.index)] = ranks[Int(records[j - 1].index)]
                continue
            }
            var low = 0
            var high = rankBestY.count
            while low < high {
                let mid = (low + high) / 2
                if rankBestY[mid] <= r.y { low = mid + 1 } else { high = mid }
            }
            if low == rankBestY.count { rankBestY.append(r.y) } else { rankBestY[low] = r.y }
            ranks[Int(r.index)] = low
        }
        return ranks
    }

    /// Hypervolume against `reference` (minimising form): in x order, each point that improves
    /// the best y so far adds the slab [y, best y) × [x, reference x).
    static func volume(_ points: PointSet, signs: [Double], reference: [Double]) -> Double {
        let records = candidates(points, signs: signs, limit: (reference[0], reference[1]))
        let rx = reference[0]
        var bestY = reference[1]
        var volume = 0.0
        for r in records where r.y < bestY {
            volume += (rx - r.x) * (bestY - r.y)
            bestY = r.y
        }
        return volume
    }
}
