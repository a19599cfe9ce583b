import Testing

@testable import TunerCore

@Suite struct LoadLevelTests {
    let closed = LoadLevel(name: "1x", mode: .closed, clients: 64, rateHz: nil)
    let open = LoadLevel(name: "1x", mode: .open, clients: 200, rateHz: 5)

    @Test func multiplesScaleClientsInAClosedLoopAndTheRateInAnOpenOne() {
        let closedLevels = LoadLevel.plan([.multiple(0.5), .multiple(1), .multiple(2)], base: closed)
        #expect(closedLevels.map(\.clients) == [32, 64, 128])
        #expect(closedLevels.map(\.name) == ["0.5x", "1x", "2x"])
        #expect(closedLevels.allSatisfy { $0.mode == .closed && $0.rateHz == nil })
        let openLevels = LoadLevel.plan([.multiple(0.5), .multiple(2)], base: open)
        #expect(openLevels.map(\.clients) == [200, 200])
        #expect(openLevels.map(\.offeredOpsPerSecond) == [500, 2000])
    }

    @Test func aClosedLoopMultipleKeepsAtLeastOneClientAndDuplicatesGo() {
        let base = LoadLevel(name: "1x", mode: .closed, clients: 3, rateHz: nil)
        let levels = LoadLevel.plan([.multiple(0.1), .clients(1), .multiple(1), .clients(3)], base: base)
        #expect(levels.map(\.clients) == [1, 3], "0.1x of 3 clients is 1 client, the same load as 1 client; 3 clients is 1x")
    }

    @Test func anExplicitLevelKeepsItsOwnModeBesideAClosedLoopStudy() {
        let levels = LoadLevel.plan([.multiple(1), .explicit(name: "seed", mode: .open, clients: 200, rateHz: 5)], base: closed)
        #expect(levels.count == 2)
        #expect(levels[1].mode == .open && levels[1].offeredOpsPerSecond == 1000)
        #expect(levels[1].description == "seed: 200 clients × 5.00 Hz, open loop (1000 ops/s offered)")
    }
}
