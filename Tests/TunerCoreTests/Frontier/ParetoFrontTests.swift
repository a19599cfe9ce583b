import PropertyBased
import Testing

@testable import TunerCore

@Suite("Pareto front")
struct ParetoFrontTests {
    // MARK: Hand-made examples

    @Test("an empty input has an empty frontier and no ranks")
    func emptyInput() {
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices([], directions: directions) == [])
        #expect(ParetoFront.ranks([], directions: directions) == [])
        let three: [ObjectiveDirection] = [.minimize, .maximize, .minimize]
        #expect(ParetoFront.nonDominatedIndices([], directions: three) == [])
        #expect(
            ParetoFront.nonDominatedIndices(PointSet(values: [], dimension: 5), directions: .init(repeating: .minimize, count: 5)) == [])
    }

    @Test("a single point is the frontier", arguments: 1...5)
    func singlePoint(dimension: Int) {
        let directions = [ObjectiveDirection](repeating: .minimize, count: dimension)
        let point = (0..<dimension).map(Double.init)
        #expect(ParetoFront.nonDominatedIndices([point], directions: directions) == [0])
        #expect(ParetoFront.ranks([point], directions: directions) == [0])
    }

    @Test("the frontier ignores dominated settings")
    func frontierIgnoresDominatedSettings() {
        // pause (ms, minimise), throughput (ops/s, maximise)
        let points: [[Double]] = [[10, 100], [5, 80], [2, 40], [12, 90], [5, 70]]
        let directions: [ObjectiveDirection] = [.minimize, .maximize]
        #expect(ParetoFront.nonDominatedIndices(points, directions: directions) == [0, 1, 2])
        #expect(ParetoFront.ranks(points, directions: directions) == [0, 0, 0, 1, 1])
    }

    @Test("duplicates of a frontier point are all on the frontier and share a rank")
    func duplicatesAreKept() {
        let points: [[Double]] = [[1, 2], [2, 1], [1, 2], [3, 3], [3, 3]]
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices(points, directions: directions) == [0, 1, 2])
        #expect(ParetoFront.ranks(points, directions: directions) == [0, 0, 0, 1, 1])
        let three = points.map { $0 + [0] }
        let d3: [ObjectiveDirection] = [.minimize, .minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices(three, directions: d3) == [0, 1, 2])
        #expect(ParetoFront.ranks(three, directions: d3) == [0, 0, 0, 1, 1])
    }

    @Test("a point equal in one objective and better in another dominates")
    func weakTiesDominate() {
        let points: [[Double]] = [[1, 1, 5], [1, 1, 4], [1, 2, 4]]
        let directions: [ObjectiveDirection] = [.minimize, .minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices(points, directions: directions) == [1])
        #expect(ParetoFront.relation([1, 1], [1, 2], directions: [.minimize, .minimize]) == .dominates)
        #expect(ParetoFront.relation([1, 2], [1, 1], directions: [.minimize, .minimize]) == .dominated)
        #expect(ParetoFront.relation([1, 2], [1, 2], directions: [.minimize, .minimize]) == .equal)
        #expect(ParetoFront.relation([1, 2], [2, 1], directions: [.minimize, .minimize]) == .incomparable)
    }

    @Test("maximising an objective is minimising its negation")
    func maximiseIsNegatedMinimise() {
        let points: [[Double]] = [[1, 9], [2, 8], [3, 10], [0, 0]]
        #expect(ParetoFront.nonDominatedIndices(points, directions: [.minimize, .maximize]) == [0, 2, 3])
        #expect(ParetoFront.nonDominatedIndices(points, directions: [.maximize, .maximize]) == [2])
        #expect(ParetoFront.nonDominatedIndices(points, directions: [.minimize, .minimize]) == [3])
    }

    @Test("minus zero equals plus zero and infinities are ordinary values")
    func signedZeroAndInfinity() {
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices([[-0.0, 1], [0.0, 1]], directions: directions) == [0, 1])
        #expect(ParetoFront.nonDominatedIndices([[0, .infinity], [1, .infinity]], directions: directions) == [0])
        #expect(ParetoFront.nonDominatedIndices([[0, .infinity], [1, 5], [-.infinity, 9]], directions: directions) == [1, 2])
        let d3: [ObjectiveDirection] = [.minimize, .minimize, .minimize]
        #expect(ParetoFront.nonDominatedIndices([[-0.0, 1, 2], [0.0, 1, 2], [0, 1, .infinity]], directions: d3) == [0, 1])
    }

    @Test("one objective keeps every copy of the best value")
    func oneObjective() {
        #expect(ParetoFront.nonDominatedIndices([[3], [1], [2], [1]], directions: [.minimize]) == [1, 3])
        #expect(ParetoFront.ranks([[3], [1], [2], [1]], directions: [.minimize]) == [2, 0, 1, 0])
        #expect(ParetoFront.nonDominatedIndices([[3], [1], [2], [3]], directions: [.maximize]) == [0, 3])
    }

    @Test("four and more objectives go through the general algorithm")
    func manyObjectives() {
        let points: [[Double]] = [
            [1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [2, 2, 3, 4, 5], [1, 2, 3, 4, 5], [0, 9, 9, 9, 9],
        ]
        let directions = [ObjectiveDirection](repeating: .minimize, count: 5)
        #expect(ParetoFront.nonDominatedIndices(points, directions: directions) == [0, 1, 3, 4])
        #expect(ParetoFront.ranks(points, directions: directions) == [0, 0, 1, 0, 0])
    }

    // MARK: Properties

    @Test("no frontier point is dominated by any input point")
    func frontierPointsAreNotDominated() async {
        let check: @Sendable (FrontierCase) -> Void = { c in
            let front = ParetoFront.nonDominatedIndices(c.points, directions: c.directions)
            for i in front {
                #expect(!c.points.contains { ParetoFront.dominates($0, c.points[i], directions: c.directions) })
            }
        }
        await propertyCheck(count: 200, input: FrontierGen.tied(dimensions: 1...5, count: 0...40), perform: check)
        await propertyCheck(count: 200, input: FrontierGen.continuous(dimensions: 1...5, count: 0...60), perform: check)
    }

    @Test("every point off the frontier is dominated by a frontier point")
    func offFrontierPointsAreDominatedByTheFrontier() async {
        let check: @Sendable (FrontierCase) -> Void = { c in
            let front = ParetoFront.nonDominatedIndices(c.points, directions: c.directions)
            let onFront = Set(front)
            for i in c.points.indices where !onFront.contains(i) {
                #expect(front.contains { ParetoFront.dominates(c.points[$0], c.points[i], directions: c.directions) })
            }
        }
        await propertyCheck(count: 200, input: FrontierGen.tied(dimensions: 1...5, count: 0...40), perform: check)
        await propertyCheck(count: 200, input: FrontierGen.continuous(dimensions: 1...5, count: 0...60), perform: check)
    }

    @Test("the frontier equals the brute-force frontier")
    func frontierMatchesBruteForce() async {
        let check: @Sendable (FrontierCase) -> Void = { c in
            #expect(
                ParetoFront.nonDominatedIndices(c.points, directions: c.directions) == FrontierOracle.nonDominated(c.points, c.directions))
        }
        await propertyCheck(count: 300, input: FrontierGen.tied(dimensions: 1...5, count: 0...40, levels: 2), perform: check)
        await propertyCheck(count: 200, input: FrontierGen.continuous(dimensions: 1...5, count: 0...60), perform: check)
    }

    @Test("the frontier does not change when the input is permuted")
    func frontierIsPermutationInvariant() async {
        await propertyCheck(
            count: 200, input: FrontierGen.tied(dimensions: 1...5, count: 0...40), Gen.uint64()
        ) { c, seed in
            var generator = SeededGenerator(seed: seed)
            let permutation = Array(c.points.indices).shuffled(using: &generator)
            let permuted = permutation.map { c.points[$0] }
            let front = ParetoFront.nonDominatedIndices(c.points, directions: c.directions)
            let permutedFront = ParetoFront.nonDominatedIndices(permuted, directions: c.directions)
            #expect(permutedFront.map { permutation[$0] }.sorted() == front)
            let ranks = ParetoFront.ranks(c.points, directions: c.directions)
            let permutedRanks = ParetoFront.ranks(permuted, directions: c.directions)
            #expect(permutation.indices.allSatisfy { permutedRanks[$0] == ranks[permutation[$0]] })
        }
    }

    @Test("adding dominated points does not change the frontier")
    func dominatedPointsDoNotChangeTheFrontier() async {
        await propertyCheck(
            count: 200,
            input: FrontierGen.tied(dimensions: 1...5, count: 1...30),
            Gen.int(in: 0...3).array(of: FrontierGen.maximumDimension).array(of: 1...10),
            Gen.uint64()
        ) { c, offsets, seed in
            let front = ParetoFront.nonDominatedIndices(c.points, directions: c.directions)
            var generator = SeededGenerator(seed: seed)
            var extended = c.points
            for offset in offsets {
                // Worse than some input point by ≥ 0 everywhere and > 0 somewhere: dominated.
                var delta = offset.prefix(c.dimension).map(Double.init)
                delta[Int(generator.next() % UInt64(c.dimension))] += 1
                let base = c.points[Int(generator.next() % UInt64(c.points.count))]
                extended.append(c.worsened(base, by: delta))
            }
            #expect(ParetoFront.nonDominatedIndices(extended, directions: c.directions) == front)
        }
    }

    @Test("the 2- and 3-objective sweeps equal the general algorithm")
    func sweepsEqualGeneralAlgorithm() async {
        let check: @Sendable (FrontierCase) -> Void = { c in
            let set = c.pointSet
            let sweep = ParetoFront.nonDominatedMask(set, directions: c.directions, algorithm: .automatic)
            let general = ParetoFront.nonDominatedMask(set, directions: c.directions, algorithm: .general)
            #expect(sweep == general)
            #expect(
                ParetoFront.ranks(set, directions: c.directions, algorithm: .automatic)
                    == ParetoFront.ranks(set, directions: c.directions, algorithm: .general)
            )
        }
        await propertyCheck(count: 300, input: FrontierGen.tied(dimensions: 2...3, count: 0...60, levels: 4), perform: check)
        await propertyCheck(count: 300, input: FrontierGen.continuous(dimensions: 2...3, count: 0...80), perform: check)
    }

    @Test("ranks equal peeling fronts one at a time")
    func ranksMatchPeeling() async {
        let check: @Sendable (FrontierCase) -> Void = { c in
            #expect(ParetoFront.ranks(c.points, directions: c.directions) == FrontierOracle.ranks(c.points, c.directions))
        }
        await propertyCheck(count: 200, input: FrontierGen.tied(dimensions: 1...5, count: 0...40, levels: 3), perform: check)
        await propertyCheck(count: 100, input: FrontierGen.continuous(dimensions: 1...4, count: 0...50), perform: check)
    }

    @Test(
        "large inputs take the pruning and bucket paths and still equal the general algorithm",
        arguments: [
            (2, nil), (2, 0.01), (2, 0.25), (3, nil), (3, 0.05), (3, 0.25),
        ] as [(Int, Double?)])
    func largeInputsEqualGeneralAlgorithm(dimension: Int, grid: Double?) {
        for seed: UInt64 in 1...3 {
            let c = FrontierGen.large(n: dimension == 2 ? 6_000 : 5_000, m: dimension, seed: seed, grid: grid)
            let set = c.pointSet
            let sweep = ParetoFront.nonDominatedMask(set, directions: c.directions)
            let general = ParetoFront.nonDominatedMask(set, directions: c.directions, algorithm: .general)
            // Count mismatches rather than print thousands of flags on failure.
            #expect(zip(sweep, general).filter { $0 != $1 }.count == 0, "seed \(seed)")
            #expect(sweep.contains(true))
            if dimension == 2 {
                let fast = ParetoFront.ranks(set, directions: c.directions)
                let general = ParetoFront.ranks(set, directions: c.directions, algorithm: .general)
                #expect(zip(fast, general).filter { $0 != $1 }.count == 0, "seed \(seed)")
            }
        }
    }

    @Test("a large input of one repeated point keeps every copy")
    func largeAllDuplicates() {
        for m in 2...3 {
            let set = PointSet(values: [Double](repeating: 0.5, count: 5000 * m), dimension: m)
            let directions = [ObjectiveDirection](repeating: .minimize, count: m)
            #expect(ParetoFront.nonDominatedIndices(set, directions: directions).count == 5000)
        }
    }
}
