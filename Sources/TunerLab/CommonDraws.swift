@_spi(Lab) import TunerCore

/// Common random numbers for replayed trials: which recorded repeat the k-th visit of a
/// setting returns, the same for every search strategy of one benchmark seed.
///
/// A setting of a recorded surface has n repeats, in recording order (by trial index). For
/// benchmark seed s and the setting's grid position (g, l) (indices into the surface's sorted
/// GOGC and GOMEMLIMIT values, `off` last), visits are served in rounds of n: visit k belongs to
/// round r = k / n and returns repeat π_r[k mod n], where π_r is a permutation of 0..<n. So the
/// repeats are drawn without replacement until they are used up, then again in a new order.
///
/// **The permutation, exactly** (implemented identically in
/// `experiments/bench/crn.py`; both test suites check the vector in
/// `experiments/bench/crn_vector.json`):
///
///     SM(x)  = the first output of SplitMix64 started at state x:
///              z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
///              z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)   (all mod 2^64)
///     key    = SM(SM(SM(SM(s) ^ g) ^ l) ^ r)
///     π      = [0, 1, …, n−1]; a SplitMix64 generator starts at state `key`;
///              for i = n−1 down to 1: j = next() mod (i + 1); swap π[i], π[j]
///
/// (`next()` is ``SeededGenerator/next()``: add the constant to the state, then mix as SM. The
/// modulo bias is below 2^-60 for the handful of repeats a surface holds.)
public enum CommonDraws {
    /// SM(x): the first output of a SplitMix64 generator started at state `x`.
    public static func splitMix(_ x: UInt64) -> UInt64 {
        var generator = SeededGenerator(seed: x)
        return generator.next()
    }

    /// The key of round `round` of the setting at grid position (`gogcIndex`, `limitIndex`) in
    /// benchmark seed `seed`.
    public static func key(seed: UInt64, gogcIndex: Int, limitIndex: Int, round: Int) -> UInt64 {
        splitMix(splitMix(splitMix(splitMix(seed) ^ UInt64(gogcIndex)) ^ UInt64(limitIndex)) ^ UInt64(round))
    }

    /// π_round: a permutation of 0..<count (Fisher–Yates from the top, driven by SplitMix64
    /// started at ``key(seed:gogcIndex:limitIndex:round:)``).
    public static func permutation(count: Int, seed: UInt64, gogcIndex: Int, limitIndex: Int, round: Int) -> [Int] {
        var order = Array(0..<max(count, 0))
        guard count > 1 else { return order }
        var generator = SeededGenerator(seed: key(seed: seed, gogcIndex: gogcIndex, limitIndex: limitIndex, round: round))
        for i in stride(from: count - 1, through: 1, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order
    }

    /// The repeat (0-based, recording order) that visit `visit` (0-based) of the setting returns.
    /// - Precondition: `count` > 0.
    public static func repeatIndex(visit: Int, count: Int, seed: UInt64, gogcIndex: Int, limitIndex: Int) -> Int {
        precondition(count > 0 && visit >= 0)
        let round = visit / count
        return permutation(count: count, seed: seed, gogcIndex: gogcIndex, limitIndex: limitIndex, round: round)[visit % count]
    }

    /// The benchmark seed of the simulated confirmation of seed `seed`: its alternating pairs are
    /// fresh visits in a stream of their own (the search's visits do not use up its repeats),
    /// the same for every strategy.
    public static func confirmationSeed(_ seed: UInt64) -> UInt64 { seed &+ 1_000_000 }
}
