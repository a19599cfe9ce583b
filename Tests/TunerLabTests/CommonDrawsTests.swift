import Foundation
import Testing

@_spi(Lab) @testable import TunerCore
@_spi(Lab) @testable import TunerLab

/// The benchmark's common random numbers agree with the Python side bit for bit: both test
/// suites check the one vector in experiments/bench/crn_vector.json.
@Suite struct CommonDrawsTests {
    struct Vector: Decodable {
        struct SplitMixCase: Decodable {
            var x: String
            var sm: String
        }
        struct KeyCase: Decodable {
            var seed: String
            var gogc_index: Int
            var limit_index: Int
            var round: Int
            var key: String
        }
        struct PermutationCase: Decodable {
            var count: Int
            var seed: String
            var gogc_index: Int
            var limit_index: Int
            var round: Int
            var permutation: [Int]
        }
        struct VisitCase: Decodable {
            var count: Int
            var seed: String
            var gogc_index: Int
            var limit_index: Int
            var repeats: [Int]
        }
        var splitmix: [SplitMixCase]
        var keys: [KeyCase]
        var permutations: [PermutationCase]
        var visits: [VisitCase]
    }

    static func vector(filePath: String = #filePath) throws -> Vector {
        // Tests/TunerLabTests/CommonDrawsTests.swift -> the repository.
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("experiments/bench/crn_vector.json"))
        return try JSONDecoder().decode(Vector.self, from: data)
    }

    @Test func splitMixAndKeysMatchTheSharedVector() throws {
        let vector = try Self.vector()
        #expect(!vector.splitmix.isEmpty && !vector.keys.isEmpty)
        for c in vector.splitmix {
            #expect(CommonDraws.splitMix(UInt64(c.x)!) == UInt64(c.sm)!, "SM(\(c.x))")
        }
        for c in vector.keys {
            #expect(
                CommonDraws.key(seed: UInt64(c.seed)!, gogcIndex: c.gogc_index, limitIndex: c.limit_index, round: c.round) == UInt64(c.key)!
            )
        }
    }

    @Test func permutationsAndVisitsMatchTheSharedVector() throws {
        let vector = try Self.vector()
        for c in vector.permutations {
            #expect(
                CommonDraws.permutation(
                    count: c.count, seed: UInt64(c.seed)!, gogcIndex: c.gogc_index, limitIndex: c.limit_index, round: c.round)
                    == c.permutation)
        }
        for c in vector.visits {
            let repeats = c.repeats.indices.map {
                CommonDraws.repeatIndex(
                    visit: $0, count: c.count, seed: UInt64(c.seed)!, gogcIndex: c.gogc_index, limitIndex: c.limit_index)
            }
            #expect(repeats == c.repeats)
        }
    }

    @Test func eachRoundUsesEveryRepeatOnceBeforeAnyIsUsedAgain() {
        for seed: UInt64 in 1...20 {
            for count in 1...7 {
                let visits = (0..<(3 * count)).map {
                    CommonDraws.repeatIndex(visit: $0, count: count, seed: seed, gogcIndex: 4, limitIndex: 9)
                }
                for round in 0..<3 {
                    #expect(visits[(round * count)..<((round + 1) * count)].sorted() == Array(0..<count))
                }
            }
        }
    }

    @Test func theFirstVisitIsSpreadOverTheRepeatsAcrossSeeds() {
        // 3 repeats, 3000 seeds: each repeat comes first about a third of the time.
        var firsts = [0, 0, 0]
        for seed: UInt64 in 1...3000 { firsts[CommonDraws.repeatIndex(visit: 0, count: 3, seed: seed, gogcIndex: 6, limitIndex: 10)] += 1 }
        #expect(firsts.allSatisfy { abs($0 - 1000) < 120 }, "\(firsts)")
    }
}
