/// Sorting machinery for the frontier sweeps.
///
/// Doubles become order-preserving `UInt64` keys, and records are sorted by a most-significant-
/// digit bucket sort on those keys: each level spreads the records over up to 2¹¹ buckets by
/// their key's position in the level's [min, max] range (one sequential counting pass, one
/// scatter), then sorts each bucket the same way; runs of at most 32 records are finished by
/// insertion sort, and runs whose keys are all equal by the record's full order. Each level
/// narrows the key range at least 2×, so the worst case is O(64·n) and typical data needs two
/// levels. Compared with a least-significant-digit radix sort (six scatters of the whole array),
/// it touches memory far less, which is what costs most on a virtual machine with 4 KiB pages.
enum SortKey {
    /// Key map: for x ≥ +0 set the sign bit; for x < 0 flip every bit. Then `of(a) < of(b)`
    /// exactly when `a < b`, and `of(a) == of(b)` exactly when `a == b` (−0.0 is mapped to
    /// +0.0 first). No key equals `UInt64.max`, so that value serves as "none" in the sweeps.
    /// NaN must not be passed.
    @inline(__always)
    static func of(_ x: Double) -> UInt64 {
        let bits = (x + 0.0).bitPattern
        return bits & 0x8000_0000_0000_0000 != 0 ? ~bits : bits | 0x8000_0000_0000_0000
    }
}

/// A record the sweeps sort.
protocol SweepRecord {
    /// Order-preserving key of the record's primary field: `a.bucketKey < b.bucketKey` implies
    /// `precedes(a, b)`.
    var bucketKey: UInt64 { get }
    /// A strict total order that refines `bucketKey` (secondary fields, then index).
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A key and the index of the point it came from; ordered by key, then index.
struct KeyedIndex: SweepRecord {
    var key: UInt64
    var index: UInt32

    var bucketKey: UInt64 { key }

    @inline(__always)
    static func precedes(_ a: KeyedIndex, _ b: KeyedIndex) -> Bool {
        a.key != b.key ? a.key < b.key : a.index < b.index
    }
}

/// A point of two objectives in minimising form; ordered lexicographically by (x, y), then index.
struct XYRecord: SweepRecord {
    var x: Double
    var y: Double
    var index: UInt32

    var bucketKey: UInt64 { SortKey.of(x) }

    @inline(__always)
    static func precedes(_ a: XYRecord, _ b: XYRecord) -> Bool {
        if a.x != b.x { return a.x < b.x }
        if a.y != b.y { return a.y < b.y }
        return a.index < b.index
    }
}

enum BucketSort {
    /// Runs this short are finished by insertion sort.
    static let insertionCutoff = 32
    /// At most 2^maximumBits buckets per level.
    static let maximumBits = 11

    /// Sorts `records` by `R.precedes`. O(n) typical, O(64·n) worst case; O(n) extra memory.
    static func sort<R: SweepRecord>(_ records: inout [R]) {
        let n = records.count
        if n < 2 { return }
        let scratch = UnsafeMutableBufferPointer<R>.allocate(capacity: n)
        defer { scratch.deallocate() }
        records.withUnsafeMutableBufferPointer { sort($0, scratch: scratch) }
    }

    /// Sorts `records` in place; `scratch` (same count, contents ignored) is overwritten.
    /// `R` must be a trivial type (plain numbers), as every record here is.
    static func sort<R: SweepRecord>(
        _ records: UnsafeMutableBufferPointer<R>, scratch: UnsafeMutableBufferPointer<R>
    ) {
        sort(records, other: scratch, resultInData: true)
    }

    /// Sorts the records in `data`; the result ends in `data` when `resultInData`, otherwise in
    /// `other`. Each level scatters into the other buffer and recurses with the roles swapped,
    /// so records are never copied back except in runs finished by insertion sort.
    private static func sort<R: SweepRecord>(
        _ data: UnsafeMutableBufferPointer<R>, other: UnsafeMutableBufferPointer<R>, resultInData: Bool
    ) {
        let n = data.count
        if n <= insertionCutoff {
            insertionSort(data)
            if !resultInData { other.baseAddress!.update(from: data.baseAddress!, count: n) }
            return
        }
        var low = UInt64.max
        var high: UInt64 = 0
        for i in 0..<n {
            let key = data[i].bucketKey
            low = min(low, key)
            high = max(high, key)
        }
        if low == high {
            var run = data
            run.sort(by: R.precedes)
            if !resultInData { other.baseAddress!.update(from: data.baseAddress!, count: n) }
            return
        }
        let span = high &- low
        let spanBits = UInt64.bitWidth - span.leadingZeroBitCount
        let log2n = Int.bitWidth - 1 - n.leadingZeroBitCount
        let bits = max(1, min(maximumBits, log2n - 3))
        let shift = UInt64(max(0, spanBits - bits))
        let buckets = Int(truncatingIfNeeded: span &>> shift) + 1
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * buckets + 1) { counts in
            counts.initialize(repeating: 0)
            for i in 0..<n {
                counts[Int(truncatingIfNeeded: (data[i].bucketKey &- low) &>> shift) &+ 1] &+= 1
            }
            for b in 0..<buckets { counts[b + 1] &+= counts[b] }
            // counts[b] is bucket b's start; counts[buckets + 1 + b] its fill cursor.
            for b in 0..<buckets { counts[buckets + 1 + b] = counts[b] }
            for i in 0..<n {
                let record = data[i]
                let cursor = buckets &+ 1 &+ Int(truncatingIfNeeded: (record.bucketKey &- low) &>> shift)
                other[counts[cursor]] = record
                counts[cursor] &+= 1
            }
            for b in 0..<buckets {
                let start = counts[b]
                let end = counts[b + 1]
                if end - start == 1 {
                    if resultInData { data[start] = other[start] }
                } else if end > start {
                    sort(
                        UnsafeMutableBufferPointer(rebasing: other[start..<end]),
                        other: UnsafeMutableBufferPointer(rebasing: data[start..<end]),
                        resultInData: !resultInData
                    )
                }
            }
        }
    }

    @inline(__always)
    static func insertionSort<R: SweepRecord>(_ records: UnsafeMutableBufferPointer<R>) {
        let n = records.count
        if n < 2 { return }
        for i in 1..<n {
            let record = records[i]
            var j = i
            while j > 0 && R.precedes(record, records[j - 1]) {
                records[j] = records[j - 1]
                j -= 1
            }
            records[j] = record
        }
    }
}
