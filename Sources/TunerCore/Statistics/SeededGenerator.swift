/// A deterministic random number generator (SplitMix64, Steele et al. 2014).
///
/// Every random path in tuner takes one of these, built from the study's `seed`, so two runs
/// with one seed make the same decisions. Period 2^64; passes BigCrush as a 64-bit generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// - Parameter seed: any value; equal seeds give equal streams.
    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A generator for a derived stream (e.g. one per bootstrap, one per setting), independent
    /// of this one's future output for practical purposes.
    public func derived(_ salt: UInt64) -> SeededGenerator {
        var mixer = SeededGenerator(seed: state ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        return SeededGenerator(seed: mixer.next())
    }
}
