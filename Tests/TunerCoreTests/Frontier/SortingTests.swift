import PropertyBased
import Testing

@testable import TunerCore

@Suite("Frontier sorting machinery")
struct SortingTests {
    @Test("sort keys order doubles like the doubles themselves")
    func sortKeysPreserveOrder() async {
        let specials: [Double] = [-.infinity, -1e308, -1, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 1, 1e308, .infinity]
        for a in specials {
            for b in specials {
                #expect((SortKey.of(a) < SortKey.of(b)) == (a < b), "\(a) vs \(b)")
                #expect((SortKey.of(a) == SortKey.of(b)) == (a == b), "\(a) vs \(b)")
            }
            #expect(SortKey.of(a) != .max)
        }
        await propertyCheck(count: 500, input: Gen.double(in: -1e6...1e6), Gen.double(in: -1e6...1e6)) { a, b in
            #expect((SortKey.of(a) < SortKey.of(b)) == (a < b))
        }
    }

    @Test("the bucket sort agrees with the standard sort", arguments: [0, 1, 2, 31, 32, 33, 100, 1000, 5000, 70_000])
    func bucketSortAgreesWithStandardSort(count: Int) {
        for levels in [2, 50, 0] {
            var generator = SeededGenerator(seed: UInt64(count * 31 + levels))
            var records = (0..<count).map { i -> XYRecord in
                // levels 0: continuous values spread over many magnitudes; else a small grid.
                let x =
                    levels == 0
                    ? (generator.nextUnit() - 0.5) * Double(1 << Int(generator.next() % 40))
                    : Double(generator.next() % UInt64(levels))
                let y = Double(generator.next() % 3)
                return XYRecord(x: x, y: y, index: UInt32(i))
            }
            let expected = records.sorted(by: XYRecord.precedes).map(\.index)
            BucketSort.sort(&records)
            #expect(records.map(\.index) == expected, "levels \(levels)")
        }
    }

    @Test("the rank set behaves like an ordered set", arguments: [1, 63, 64, 65, 4096, 300_000])
    func rankSetBehavesLikeAnOrderedSet(capacity: Int) {
        var set = RankSet(capacity: capacity)
        var reference = Set<Int>()
        var generator = SeededGenerator(seed: UInt64(capacity))
        for _ in 0..<3000 {
            let i = Int(generator.next() % UInt64(capacity))
            switch generator.next() % 4 {
            case 0, 1:
                set.insert(i)
                reference.insert(i)
            case 2:
                if reference.contains(i) {
                    set.remove(i)
                    reference.remove(i)
                }
            default:
                break
            }
            #expect(set.contains(i) == reference.contains(i))
            #expect(set.successor(i) == reference.filter { $0 > i }.min())
            #expect(set.predecessor(i) == reference.filter { $0 < i }.max())
        }
        #expect(set.successor(-1) == reference.min())
        #expect(set.predecessor(capacity) == reference.max())
    }
}
