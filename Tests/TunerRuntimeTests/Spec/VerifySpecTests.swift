import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

@Suite struct VerifySpecTests {
    func parse(_ verify: String, load: String = "{kind: sync-bench, mode: closed, clients: 64}") throws(SpecError) -> StudySpec {
        try SpecLoader.parse(
            yaml: """
                study: v
                target: {command: [bin/server, "{port}"]}
                load: \(load)
                parameters: {gogc: {values: [50, 100, 200]}}
                budget: {settings: 3, warmup: 1s, duration: 4s}
                \(verify)
                """, file: "v.yml", absolutePath: "/tmp/v.yml")
    }

    @Test func withoutASectionTheLevelsAreHalfOnceAndTwiceTheStudysLoadAtItsWindow() throws {
        let spec = try parse("")
        #expect(spec.verify.levels(for: spec.load).map(\.clients) == [32, 64, 128])
        #expect(spec.verify.pairs == 3 && spec.verify.durationSeconds == 4 && spec.verify.warmupSeconds == 1)
        #expect(!spec.verify.onRun && spec.verify.minMargin == 1.5)
    }

    @Test func everyKeyIsRead() throws {
        let spec = try parse(
            """
            verify:
              levels: [1x, 96, {name: seed, mode: open, clients: 200, rate_hz: 5}]
              pairs: 2
              warmup: 0s
              duration: 2s
              min_margin: 2
              on_run: true
            """)
        let levels = spec.verify.levels(for: spec.load)
        #expect(levels.map(\.name) == ["1x", "96 clients", "seed"])
        #expect(levels[2].mode == .open && levels[2].offeredOpsPerSecond == 1000)
        #expect(spec.verify.pairs == 2 && spec.verify.durationSeconds == 2 && spec.verify.warmupSeconds == 0)
        #expect(spec.verify.minMargin == 2 && spec.verify.onRun)
        let scaled = spec.at(levels[2])
        guard case .syncBench(let load) = scaled.load.kind else {
            Issue.record("expected sync-bench")
            return
        }
        #expect(load.mode == .open && load.clients == 200 && load.rateHz == 5)
        #expect(scaled.budget.durationSeconds == 2)
    }

    @Test func unknownKeysAndBadLevelsAreRefusedWithTheKeyAndTheFix() {
        #expect(throws: SpecError.self) { try parse("verify: {pair: 2}") }
        do {
            _ = try parse("verify: {pair: 2}")
        } catch {
            #expect(error.keyPath == "verify.pair" && error.message.contains("did you mean 'pairs'"))
        }
        do {
            _ = try parse("verify: {levels: [half]}")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "verify.levels[0]" && error.message.contains("multiple of the study's load"))
        }
        do {
            _ = try parse("verify: {levels: [2x]}", load: "{kind: wrk, url: \"http://127.0.0.1:{port}/\"}")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "verify.levels" && error.message.contains("use levels: [1x]"))
        }
        do {
            _ = try parse("verify: {levels: [{mode: open, clients: 10}]}")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "verify.levels[0].rate_hz")
        }
    }

    @Test func theCommandLineTakesMultiplesAndClientCounts() throws {
        #expect(try VerifySpec.levels(commandLine: "0.5x, 2x,128") == [.multiple(0.5), .multiple(2), .clients(128)])
        #expect(try VerifySpec.levels(commandLine: "1x,max") == [.multiple(1), .sustained])
        #expect(
            LoadLevel.plan([.multiple(1), .sustained], base: LoadLevel(name: "1x", mode: .closed, clients: 64, rateHz: nil)).count == 1)
        #expect(throws: SpecError.self) { try VerifySpec.levels(commandLine: "lots") }
    }
}
