import Foundation
import Testing

@testable import TunerCore

/// The parent suite of every surrogate test, so `--filter Surrogate` selects them all.
@Suite struct SurrogateTests {}

/// Shared fixtures for the surrogate tests: seeded data, finite differences, relative errors.
enum SurrogateFixtures {
    /// f(x) = sin(3x₀) + x₁², the smooth 2-D test function.
    static func smoothFunction(_ x: [Double]) -> Double {
        sin(3 * x[0]) + x[1] * x[1]
    }

    /// `count` uniform points in [0, 1]^dimension.
    static func uniformPoints(_ count: Int, dimension: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in generator.nextUnit() } }
    }

    /// `count` standard normal draws (Box–Muller).
    static func normals(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u1 = 1 - generator.nextUnit()
            let u2 = generator.nextUnit()
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    /// Noisy samples of the smooth function at `count` points: noise standard deviation `noise`.
    static func smoothData(_ count: Int, noise: Double, seed: UInt64) -> (inputs: [[Double]], outputs: [Double]) {
        let inputs = uniformPoints(count, dimension: 2, seed: seed)
        let eps = normals(count, seed: seed &+ 1)
        return (inputs, zip(inputs, eps).map { smoothFunction($0) + noise * $1 })
    }

    /// The derivative of `f` at `x` by central differences with one Richardson extrapolation
    /// step: error O(h⁴) rather than O(h²).
    static func derivative(at x: Double, step h: Double = 1e-4, _ f: (Double) -> Double) -> Double {
        let wide = (f(x + h) - f(x - h)) / (2 * h)
        let narrow = (f(x + h / 2) - f(x - h / 2)) / h
        return (4 * narrow - wide) / 3
    }

    /// The gradient of `f` at `x` by ``derivative(at:step:_:)`` in each coordinate.
    static func gradient(at x: [Double], step h: Double = 1e-4, _ f: ([Double]) -> Double) -> [Double] {
        x.indices.map { p in
            derivative(at: x[p], step: h) { t in
                var moved = x
                moved[p] = t
                return f(moved)
            }
        }
    }

    /// |a − b| / max(|a|, |b|), or 0 when both are exactly 0.
    static func relativeError(_ a: Double, _ b: Double) -> Double {
        let scale = max(abs(a), abs(b))
        return scale == 0 ? 0 : abs(a - b) / scale
    }

    /// Checks an acquisition's gradient against finite differences (relative error below 1e-5)
    /// at those of `points` where its value is resolved (> 1e-8; below that the gradient is all
    /// rounding), and that at least `minimumChecked` points were.
    static func expectGradientMatchesFiniteDifferences(_ acquisition: some AcquisitionFunction, at points: [[Double]], minimumChecked: Int)
    {
        var checked = 0
        for x in points {
            let (value, analytic) = acquisition.valueAndGradient(at: x)
            #expect(value == acquisition.value(at: x))
            guard value > 1e-8 else { continue }
            let numeric = gradient(at: x, step: 1e-4) { acquisition.value(at: $0) }
            for q in x.indices {
                #expect(relativeError(analytic[q], numeric[q]) < 1e-5, "∂/∂x\(q) at \(x)")
            }
            checked += 1
        }
        #expect(checked >= minimumChecked)
    }
}
