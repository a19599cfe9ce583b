import PropertyBased
import Testing

@testable import TunerCore

/// Obviously-correct reference implementations the fast algorithms are checked against.
enum FrontierOracle {
    /// O(m·n²): a point is non-dominated when no other point dominates it.
    static func nonDominated(_ points: [[Double]], _ directions: [ObjectiveDirection]) -> [Int] {
        points.indices.filter { i in
            !points.indices.contains { j in ParetoFront.dominates(points[j], points[i], directions: directions) }
        }
    }

    /// Peel fronts one at a time with the brute-force filter.
    static func ranks(_ points: [[Double]], _ directions: [ObjectiveDirection]) -> [Int] {
        var ranks = [Int](repeating: -1, count: points.count)
        var remaining = Array(points.indices)
        var rank = 0
        while !remaining.isEmpty {
            let front = nonDominated(remaining.map { points[$0] }, directions).map { remaining[$0] }
            for i in front { ranks[i] = rank }
            let frontSet = Set(front)
            remaining.removeAll { frontSet.contains($0) }
            rank += 1
        }
        return ranks
    }

    /// Hypervolume by inclusion–exclusion over every non-empty subset: the union of the boxes
    /// [p, r] has measure Σ_{S ≠ ∅} (−1)^{|S|+1} λ(⋂_{p ∈ S} [p, r]), and the intersection of boxes
    /// is the box of their componentwise worst corner. O(2ⁿ·n·m); n ≤ ~12.
    static func inclusionExclusionVolume(
        _ points: [[Double]], reference: [Double], directions: [ObjectiveDirection]
    ) -> Double {
        let m = directions.count
        let inside =
            points
            .map { p in (0..<m).map { directions[$0].minimizing(p[$0]) } }
            .filter { p in (0..<m).allSatisfy { p[$0] < directions[$0].minimizing(reference[$0]) } }
        let ref = (0..<m).map { directions[$0].minimizing(reference[$0]) }
        let n = inside.count
        precondition(n <= 16, "inclusion–exclusion is exponential")
        var total = 0.0
        for mask in 1..<(1 << n) {
            var corner = [Double](repeating: -.infinity, count: m)
            for i in 0..<n where mask & (1 << i) != 0 {
                for k in 0..<m { corner[k] = max(corner[k], inside[i][k]) }
            }
            var box = 1.0
            for k in 0..<m { box *= ref[k] - corner[k] }
            total += mask.nonzeroBitCount % 2 == 1 ? box : -box
        }
        return total
    }

    /// Tolerance for comparing volumes computed in different orders.
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(1, abs(a), abs(b))
    }
}

/// One generated input: points and a direction per objective.
struct FrontierCase: Sendable, CustomStringConvertible {
    var points: [[Double]]
    var directions: [ObjectiveDirection]

    var dimension: Int { directions.count }
    var pointSet: PointSet { PointSet(rows: points, dimension: dimension) }

    var description: String {
        "directions \(directions.map(\.rawValue)), \(points.count) points \(points)"
    }

    /// A point worse than `point` in every objective by `offset` ≥ 0 (strictly worse when > 0).
    func worsened(_ point: [Double], by offset: [Double]) -> [Double] {
        directions.indices.map { k in directions[k] == .minimize ? point[k] + offset[k] : point[k] - offset[k] }
    }
}

/// Generators for the property tests.
enum FrontierGen {
    static let maximumDimension = 6

    /// Coordinates drawn from 0...levels, so ties and duplicates are frequent.
    static func tied(
        dimensions: ClosedRange<Int>, count: ClosedRange<Int>, levels: Int = 3
    ) -> Generator<FrontierCase, some SendableSequenceType> {
        zip(
            Gen.int(in: dimensions),
            Gen.int(in: 0...levels).array(of: maximumDimension).array(of: count),
            Gen.bool.array(of: maximumDimension)
        ).map { shape in
            let (m, rows, flips) = shape
            return FrontierCase(
                points: rows.map { $0.prefix(m).map(Double.init) },
                directions: flips.prefix(m).map { $0 ? .maximize : .minimize }
            )
        }
    }

    /// Continuous coordinates in [−1, 1]: ties are rare.
    static func continuous(
        dimensions: ClosedRange<Int>, count: ClosedRange<Int>
    ) -> Generator<FrontierCase, some SendableSequenceType> {
        zip(
            Gen.int(in: dimensions),
            Gen.double(in: -1...1).array(of: maximumDimension).array(of: count),
            Gen.bool.array(of: maximumDimension)
        ).map { shape in
            let (m, rows, flips) = shape
            return FrontierCase(
                points: rows.map { Array($0.prefix(m)) },
                directions: flips.prefix(m).map { $0 ? .maximize : .minimize }
            )
        }
    }

    /// A large case built from a seed (n points in m objectives): half on a concave front, half
    /// behind it, optionally rounded to a grid so that ties appear at scale.
    static func large(n: Int, m: Int, seed: UInt64, grid: Double? = nil, directions: [ObjectiveDirection]? = nil) -> FrontierCase {
        var generator = SeededGenerator(seed: seed)
        var chosen = [ObjectiveDirection]()
        for _ in 0..<m { chosen.append(generator.next() % 2 == 0 ? .minimize : .maximize) }
        if let directions { chosen = directions }
        var points = [[Double]]()
        points.reserveCapacity(n)
        for i in 0..<n {
            var x = (0..<m).map { _ in generator.nextUnit() + 1e-9 }
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let radius = i % 2 == 0 ? 1.0 : 1 + generator.nextUnit()
            x = x.map { $0 / norm * radius }
            if let grid { x = x.map { ($0 / grid).rounded() * grid } }
            points.append(zip(x, chosen).map { $1 == .minimize ? $0 : -$0 })
        }
        points.shuffle(using: &generator)
        return FrontierCase(points: points, directions: chosen)
    }
}
