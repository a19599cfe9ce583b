import Foundation

/// Maps settings to points of the unit box the surrogate works in, and back.
///
/// Coordinates (d = 2): x₀ = log(GOGC / GOGC_min) / log(GOGC_max / GOGC_min) and
/// x₁ = log(limit / limit_min) / log(limit_max / limit_min), both in [0, 1]. `off` is not a
/// number: it is an **arm** whose coordinate is fixed at `offCoordinate` (1.25, just past the
/// largest value, because `GOGC=off` behaves like an unbounded GOGC and no limit like an
/// unbounded limit). A search optimises each arm separately with that coordinate pinned.
public struct SettingEncoding: Sendable {
    /// Coordinate of `off` on either axis.
    public static let offCoordinate = 1.25

    public let gogcRange: ClosedRange<Double>
    public let limitRange: ClosedRange<Double>
    /// Whether each knob may be `off`.
    public let gogcOff: Bool
    public let limitOff: Bool
    /// Whether each knob has numeric values at all.
    public let gogcNumeric: Bool
    public let limitNumeric: Bool
    /// The finite candidate set when both domains are explicit lists (nil: continuous search).
    public let candidates: [GCSetting]?
    private let space: SearchSpace

    public init(space: SearchSpace) {
        self.space = space
        func describe<V: BinaryInteger>(_ domain: ParameterDomain<V>, fallback: ClosedRange<Double>) -> (ClosedRange<Double>, Bool, Bool) {
            switch domain {
            case .values(let values):
                let numbers = values.compactMap { $0 }.map { Double($0) }
                guard let low = numbers.min(), let high = numbers.max() else { return (fallback, true, false) }
                return (low...(high > low ? high : low * 2), values.contains(nil), true)
            case .range(let min, let max, let includesOff):
                return (Double(min)...Double(max), includesOff, true)
            }
        }
        // The Go default must be encodable even when the domain excludes it.
        var (gogc, gOff, gNumeric) = describe(space.gogc, fallback: 100...200)
        gogc = min(gogc.lowerBound, 100)...max(gogc.upperBound, 100)
        let (limit, lOff, lNumeric) = describe(space.memoryLimit, fallback: Double(64 << 20)...Double(1 << 30))
        gogcRange = gogc
        limitRange = limit
        gogcOff = gOff
        limitOff = lOff
        gogcNumeric = gNumeric
        limitNumeric = lNumeric
        if case .values(let gValues) = space.gogc, case .values(let lValues) = space.memoryLimit {
            var all: [GCSetting] = []
            for g in gValues { for l in lValues { all.append(GCSetting(gogc: g, memoryLimitBytes: l)) } }
            if !all.contains(.goDefault) { all.insert(.goDefault, at: 0) }
            candidates = all
        } else {
            candidates = nil
        }
    }

    /// The setting's point in the box (off → `offCoordinate`).
    public func encode(_ setting: GCSetting) -> [Double] {
        [Self.unit(setting.gogc.map(Double.init), gogcRange), Self.unit(setting.memoryLimitBytes.map(Double.init), limitRange)]
    }

    private static func unit(_ value: Double?, _ range: ClosedRange<Double>) -> Double {
        guard let value else { return offCoordinate }
        return log(value / range.lowerBound) / log(range.upperBound / range.lowerBound)
    }

    /// The setting nearest to a point of an arm, rounded (GOGC to 2 significant digits,
    /// GOMEMLIMIT to MiB). A coordinate at `offCoordinate` decodes to `off`.
    public func decode(_ x: [Double]) -> GCSetting {
        func value(_ u: Double, _ range: ClosedRange<Double>) -> Double? {
            u >= Self.offCoordinate - 1e-9 ? nil : range.lowerBound * exp(u * log(range.upperBound / range.lowerBound))
        }
        let gogc = value(x[0], gogcRange).map(SettingRounding.gogc)
        let limit = value(x[1], limitRange).map(SettingRounding.memoryLimit)
        return GCSetting(gogc: gogc, memoryLimitBytes: limit)
    }

    /// Box bounds of each arm: (gogc off?, limit off?) with its coordinate pinned when off.
    public var arms: [(label: String, bounds: [ClosedRange<Double>])] {
        var result: [(String, [ClosedRange<Double>])] = []
        let gogcChoices: [Bool] = (gogcNumeric ? [false] : []) + (gogcOff ? [true] : [])
        let limitChoices: [Bool] = (limitNumeric ? [false] : []) + (limitOff ? [true] : [])
        for g in gogcChoices {
            for l in limitChoices {
                let pinned = Self.offCoordinate...Self.offCoordinate
                result.append(
                    (
                        "GOGC \(g ? "off" : "numeric"), GOMEMLIMIT \(l ? "off" : "numeric")",
                        [g ? pinned : 0...1, l ? pinned : 0...1]
                    ))
            }
        }
        return result
    }

    /// Whether the setting may be proposed (inside the space; the default always may).
    public func allows(_ setting: GCSetting) -> Bool {
        if let candidates { return candidates.contains(setting) }
        return space.contains(setting)
    }
}
