import Foundation
import Testing

@testable import TunerCore

@Suite struct SustainedLoadSearchTests {
    /// A closed-loop service whose p99 doubles with the client count: 20 ms at 64 clients, so
    /// 120 ms is crossed between 6x (120 ms... exactly) and 8x.
    func run(_ p99: (Double) -> Double?, base: LoadLevel = LoadLevel(name: "1x", mode: .closed, clients: 64, rateHz: nil))
        -> SustainedLoadSearch
    {
        var search = SustainedLoadSearch(base: base, latencyBudgetMillis: 120)
        while let multiple = search.next { search.record(multiple: multiple, p99Millis: p99(multiple)) }
        return search
    }

    @Test func doublesThenBisectsOnceAndReturnsTheHighestLoadThatHeld() throws {
        let search = run { 20 * $0 }
        #expect(search.probes.map(\.multiple).prefix(4) == [1, 2, 4, 8])
        #expect(search.probes.count == 5, "one bisection between 4x and 8x")
        #expect(abs(search.probes[4].multiple - 32.0.squareRoot()) < 1e-12)
        let level = try #require(search.result)
        #expect(level.name == "max" && level.clients == 362 && level.mode == .closed)
        #expect(search.summary.contains("5.66x the study's"), "\(search.summary)")
    }

    @Test func aBaseLoadThatAlreadyBreaksTheBudgetHalves() throws {
        let open = LoadLevel(name: "1x", mode: .open, clients: 200, rateHz: 5)
        let search = run({ 300 * $0 }, base: open)
        #expect(search.probes.map(\.multiple).prefix(3) == [1, 0.5, 0.25])
        let level = try #require(search.result)
        #expect(level.mode == .open && level.clients == 200)
        #expect(try #require(level.rateHz) <= 5 * 0.4)
        #expect(level.rateHz.map { 300 * $0 / 5 <= 120 } == true)
    }

    @Test func failedRunsDoNotHoldAndNothingHeldGivesNoLevel() {
        let search = run { _ in nil }
        #expect(search.result == nil)
        #expect(search.probes.count <= 6)
        #expect(search.summary.contains("at no probed load"))
    }

    @Test func theProbeBudgetIsKept() {
        let search = run { 0.001 * $0 }
        #expect(search.probes.count == 6)
        #expect(search.result?.clients == 64 * 32)
    }
}
