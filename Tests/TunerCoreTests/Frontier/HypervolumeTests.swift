import PropertyBased
import Testing

@testable import TunerCore

@Suite("Hypervolume")
struct HypervolumeTests {
    // MARK: Hand-made examples

    @Test("a staircase of three points covers six units")
    func staircaseExample() {
        let points: [[Double]] = [[1, 3], [2, 2], [3, 1]]
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        #expect(Hypervolume.volume(points, reference: [4, 4], directions: directions) == 6)
        #expect(Hypervolume.contributions(points, reference: [4, 4], directions: directions) == [1, 1, 1])
    }

    @Test("one point's volume is the box it spans to the reference", arguments: 1...5)
    func singleBox(dimension: Int) {
        let directions = [ObjectiveDirection](repeating: .minimize, count: dimension)
        let point = [Double](repeating: 0, count: dimension)
        let reference = (1...dimension).map(Double.init)
        let box = reference.reduce(1, *)
        #expect(Hypervolume.volume([point], reference: reference, directions: directions) == box)
        #expect(Hypervolume.contributions([point], reference: reference, directions: directions) == [box])
    }

    @Test("points that do not beat the reference in every objective add nothing")
    func pointsOutsideTheReferenceBox() {
        let directions: [ObjectiveDirection] = [.minimize, .minimize, .minimize]
        let reference: [Double] = [1, 1, 1]
        #expect(Hypervolume.volume([[1, 0, 0], [0, 2, 0], [0.5, 0.5, 1]], reference: reference, directions: directions) == 0)
        #expect(Hypervolume.volume([], reference: reference, directions: directions) == 0)
        #expect(Hypervolume.volume([[0.5, 0.5, 0.5], [1, 0, 0]], reference: reference, directions: directions) == 0.125)
        #expect(Hypervolume.contributions([[0.5, 0.5, 0.5], [1, 0, 0]], reference: reference, directions: directions) == [0.125, 0])
    }

    @Test("the baseline setting is the default reference point")
    func baselineReference() {
        // pause p99 (ms, minimise), throughput (ops/s, maximise); setting 0 is Go's default.
        let points: [[Double]] = [[10, 1000], [8, 1100], [12, 1500], [9, 900]]
        let directions: [ObjectiveDirection] = [.minimize, .maximize]
        let volume = Hypervolume.volume(points, baseline: 0, directions: directions)
        #expect(volume == 2 * 100)
        #expect(volume == Hypervolume.volume(points, reference: points[0], directions: directions))
        #expect(Hypervolume.contributions(points, baseline: 0, directions: directions) == [0, 200, 0, 0])
    }

    @Test("maximised objectives measure the region below the point")
    func maximisedObjectives() {
        let directions: [ObjectiveDirection] = [.maximize, .maximize]
        #expect(Hypervolume.volume([[3, 1], [1, 3], [2, 2]], reference: [0, 0], directions: directions) == 6)
        let mixed: [ObjectiveDirection] = [.minimize, .maximize, .maximize]
        #expect(Hypervolume.volume([[1, 2, 3]], reference: [2, 0, 0], directions: mixed) == 6)
    }

    @Test("duplicates and dominated points have no exclusive contribution")
    func duplicateContributions() {
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        let contributions = Hypervolume.contributions(
            [[1, 3], [1, 3], [2, 2], [3, 3], [3, 1]], reference: [4, 4], directions: directions
        )
        #expect(contributions == [0, 0, 1, 0, 1])
        let d3 = directions + [.minimize]
        let three = Hypervolume.contributions(
            [[1, 3, 0], [1, 3, 0], [2, 2, 0], [3, 3, 0], [3, 1, 0]], reference: [4, 4, 1], directions: d3
        )
        #expect(three == [0, 0, 1, 0, 1])
    }

    @Test("an empty point set has zero volume", arguments: 1...5)
    func emptyVolume(dimension: Int) {
        let directions = [ObjectiveDirection](repeating: .maximize, count: dimension)
        let reference = [Double](repeating: 0, count: dimension)
        #expect(Hypervolume.volume([], reference: reference, directions: directions) == 0)
        #expect(Hypervolume.contributions([], reference: reference, directions: directions) == [])
    }

    // MARK: Properties

    /// Random points in [0, 4]^m and the reference 4 (adjusted for direction).
    static func reference(for c: FrontierCase, at value: Double) -> [Double] {
        c.directions.map { $0 == .minimize ? value : -value }
    }

    static func signed(_ c: FrontierCase) -> FrontierCase {
        // Flip maximised coordinates so that the same reference box works for every direction.
        FrontierCase(
            points: c.points.map { p in c.directions.indices.map { c.directions[$0] == .minimize ? p[$0] : -p[$0] } },
            directions: c.directions
        )
    }

    @Test("hypervolume equals brute-force inclusion–exclusion on small sets")
    func volumeMatchesInclusionExclusion() async {
        let check: @Sendable (FrontierCase) -> Void = { raw in
            let c = Self.signed(raw)
            let reference = Self.reference(for: c, at: 3.5)
            let fast = Hypervolume.volume(c.points, reference: reference, directions: c.directions)
            let brute = FrontierOracle.inclusionExclusionVolume(c.points, reference: reference, directions: c.directions)
            #expect(FrontierOracle.close(fast, brute), "fast \(fast), brute \(brute)")
        }
        await propertyCheck(count: 300, input: FrontierGen.tied(dimensions: 1...5, count: 0...8, levels: 4), perform: check)
        await propertyCheck(
            count: 300,
            input: FrontierGen.continuous(dimensions: 1...5, count: 0...8).map { c in
                FrontierCase(points: c.points.map { $0.map { ($0 + 1) * 2 } }, directions: c.directions)
            },
            perform: check
        )
    }

    @Test("hypervolume never decreases when a point is added")
    func volumeIsMonotone() async {
        await propertyCheck(
            count: 300,
            input: FrontierGen.continuous(dimensions: 1...4, count: 0...30),
            Gen.double(in: -1...1).array(of: FrontierGen.maximumDimension)
        ) { raw, extra in
            let c = Self.signed(raw)
            let reference = Self.reference(for: c, at: 0.8)
            let point = c.directions.indices.map { c.directions[$0] == .minimize ? extra[$0] : -extra[$0] }
            let before = Hypervolume.volume(c.points, reference: reference, directions: c.directions)
            let after = Hypervolume.volume(c.points + [point], reference: reference, directions: c.directions)
            #expect(after >= before - 1e-12 * max(1, before), "before \(before), after \(after)")
        }
    }

    @Test("the volume does not change when the input is permuted or dominated points are added")
    func volumeIgnoresOrderAndDominatedPoints() async {
        await propertyCheck(
            count: 200, input: FrontierGen.tied(dimensions: 2...4, count: 1...30, levels: 5), Gen.uint64()
        ) { raw, seed in
            let c = Self.signed(raw)
            let reference = Self.reference(for: c, at: 6)
            let volume = Hypervolume.volume(c.points, reference: reference, directions: c.directions)
            var generator = SeededGenerator(seed: seed)
            var permuted = c.points.shuffled(using: &generator)
            #expect(FrontierOracle.close(Hypervolume.volume(permuted, reference: reference, directions: c.directions), volume))
            permuted.append(c.worsened(c.points[0], by: [Double](repeating: 0.5, count: c.dimension)))
            #expect(FrontierOracle.close(Hypervolume.volume(permuted, reference: reference, directions: c.directions), volume))
        }
    }

    @Test("each contribution is the volume lost by removing that frontier point")
    func contributionsMatchRemoval() async {
        let check: @Sendable (FrontierCase) -> Void = { raw in
            let c = Self.signed(raw)
            let reference = Self.reference(for: c, at: 3.5)
            let contributions = Hypervolume.contributions(c.points, reference: reference, directions: c.directions)
            let front = FrontierOracle.nonDominated(c.points, c.directions)
            let frontPoints = front.map { c.points[$0] }
            let total = Hypervolume.volume(frontPoints, reference: reference, directions: c.directions)
            #expect(FrontierOracle.close(total, Hypervolume.volume(c.points, reference: reference, directions: c.directions)))
            #expect(contributions.reduce(0, +) <= total + 1e-9 * max(1, total))
            for i in c.points.indices {
                #expect(contributions[i] >= 0)
                if let t = front.firstIndex(of: i) {
                    var others = frontPoints
                    others.remove(at: t)
                    let lost = total - Hypervolume.volume(others, reference: reference, directions: c.directions)
                    #expect(abs(contributions[i] - lost) <= 1e-9 * max(1, total), "point \(i): \(contributions[i]) vs \(lost)")
                } else {
                    #expect(contributions[i] == 0)
                }
            }
        }
        await propertyCheck(count: 200, input: FrontierGen.tied(dimensions: 1...4, count: 0...12, levels: 4), perform: check)
        await propertyCheck(
            count: 200,
            input: FrontierGen.continuous(dimensions: 1...4, count: 0...12).map { c in
                FrontierCase(points: c.points.map { $0.map { ($0 + 1) * 1.5 } }, directions: c.directions)
            },
            perform: check
        )
    }

    @Test("maximising an objective gives the volume of its negation minimised")
    func directionsAreConsistent() async {
        await propertyCheck(count: 200, input: FrontierGen.continuous(dimensions: 1...4, count: 0...20)) { c in
            let minimised = c.points.map { p in c.directions.indices.map { c.directions[$0].minimizing(p[$0]) } }
            let reference = c.directions.map { $0 == .minimize ? 0.9 : -0.9 }
            let minimisedReference = c.directions.indices.map { c.directions[$0].minimizing(reference[$0]) }
            let a = Hypervolume.volume(c.points, reference: reference, directions: c.directions)
            let b = Hypervolume.volume(
                minimised, reference: minimisedReference, directions: .init(repeating: .minimize, count: c.dimension)
            )
            #expect(a == b)
        }
    }

    @Test("large 2-D and 3-D volumes agree with slicing into lower dimensions", arguments: [2, 3])
    func largeVolumesAgreeWithSlicing(dimension: Int) {
        for (seed, grid) in [(1, nil), (2, 0.02), (3, 0.2)] as [(UInt64, Double?)] {
            let c = FrontierGen.large(
                n: dimension == 2 ? 30_000 : 3_000, m: dimension, seed: seed, grid: grid,
                directions: .init(repeating: .minimize, count: dimension)
            )
            let reference = [Double](repeating: 1.8, count: dimension)
            let set = c.pointSet
            let sweep = Hypervolume.volume(set, reference: reference, directions: c.directions)
            let sliced = Hypervolume.volumeBySlicing(set.minimizing(c.directions), reference)
            #expect(FrontierOracle.close(sweep, sliced), "seed \(seed): \(sweep) vs \(sliced)")
            #expect(sweep > 0)
        }
    }

    @Test("the 2-D volume of many points equals a sort-and-sum reference")
    func large2DVolumeMatchesReference() {
        let c = FrontierGen.large(n: 50_000, m: 2, seed: 9, directions: [.minimize, .maximize])
        let reference: [Double] = [1.5, -1.5]
        let fast = Hypervolume.volume(c.pointSet, reference: reference, directions: c.directions)
        // Reference: frontier from the brute-force-free sweep, sorted by x, vertical slabs.
        let inside = c.points.map { [$0[0], -$0[1]] }.filter { $0[0] < 1.5 && $0[1] < 1.5 }
        let sorted = inside.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
        var staircase = [[Double]]()
        for p in sorted where staircase.last.map({ p[1] < $0[1] }) ?? true { staircase.append(p) }
        var volume = 0.0
        for (i, p) in staircase.enumerated() {
            let nextX = i + 1 < staircase.count ? staircase[i + 1][0] : 1.5
            volume += (nextX - p[0]) * (1.5 - p[1])
        }
        #expect(FrontierOracle.close(fast, volume))
    }
}
