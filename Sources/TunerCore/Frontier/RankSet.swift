/// A set of integers in 0..<capacity with O(log₆₄ n) insert, remove, successor and predecessor:
/// a 64-ary tree of bit words (level 0 holds the members, each higher level one bit per
/// non-empty word below). Used as the ordered "staircase" of the HV3D sweep, keyed by each
/// point's position in a presorted order, so it never allocates after `init`.
/// Memory: about n/63 words.
struct RankSet {
    private var words: [UInt64]
    /// Start of each level in `words`; level 0 first.
    private let levelStart: [Int]
    /// Number of meaningful bits at each level.
    private let levelBits: [Int]

    init(capacity: Int) {
        var starts = [Int]()
        var bits = [Int]()
        var total = 0
        var size = max(capacity, 1)
        repeat {
            starts.append(total)
            bits.append(size)
            let wordCount = (size + 63) >> 6
            total += wordCount
            size = wordCount
        } while size > 1
        levelStart = starts
        levelBits = bits
        words = [UInt64](repeating: 0, count: total)
    }

    func contains(_ i: Int) -> Bool {
        words[levelStart[0] + (i >> 6)] & (1 << UInt64(i & 63)) != 0
    }

    mutating func insert(_ i: Int) {
        var i = i
        for level in levelStart.indices {
            let w = levelStart[level] + (i >> 6)
            let wasEmpty = words[w] == 0
            words[w] |= 1 << UInt64(i & 63)
            if !wasEmpty { return }
            i >>= 6
        }
    }

    mutating func remove(_ i: Int) {
        var i = i
        for level in levelStart.indices {
            let w = levelStart[level] + (i >> 6)
            words[w] &= ~(1 << UInt64(i & 63))
            if words[w] != 0 { return }
            i >>= 6
        }
    }

    /// The smallest member greater than `i` (`i` may be −1).
    func successor(_ i: Int) -> Int? {
        let levels = levelStart.count
        var level = 0
        var position = i + 1
        while true {
            if position >= levelBits[level] { return nil }
            let word = words[levelStart[level] + (position >> 6)] & (~0 << UInt64(position & 63))
            if word != 0 {
                position = (position & ~63) | word.trailingZeroBitCount
                break
            }
            position = (position >> 6) + 1
            level += 1
            if level == levels { return nil }
        }
        while level > 0 {
            level -= 1
            position = (position << 6) | words[levelStart[level] + position].trailingZeroBitCount
        }
        return position
    }

    /// The largest member smaller than `i` (`i` may be `capacity`).
    func predecessor(_ i: Int) -> Int? {
        let levels = levelStart.count
        var level = 0
        var position = i - 1
        while true {
            if position < 0 { return nil }
            let bit = position & 63
            let mask: UInt64 = bit == 63 ? ~0 : (1 << UInt64(bit + 1)) - 1
            let word = words[levelStart[level] + (position >> 6)] & mask
            if word != 0 {
                position = (position & ~63) | (63 - word.leadingZeroBitCount)
                break
            }
            position = (position >> 6) - 1
            level += 1
            if level == levels { return nil }
        }
        while level > 0 {
            level -= 1
            position = (position << 6) | (63 - words[levelStart[level] + position].leadingZeroBitCount)
        }
        return position
    }
}
