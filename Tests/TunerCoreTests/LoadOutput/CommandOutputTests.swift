import Testing

@testable import TunerCore

@Suite struct JSONPathTests {
    @Test(arguments: [
        ("$", [JSONPath.Step]()),
        ("$.a.b", [.member("a"), .member("b")]),
        ("$.a[0].b", [.member("a"), .index(0), .member("b")]),
        ("$['a.b']", [.member("a.b")]),
        (#"$["p99.9"]"#, [.member("p99.9")]),
        (#"$['it\'s']"#, [.member("it's")]),
        ("$.runs[-1].rps", [.member("runs"), .index(-1), .member("rps")]),
        ("$.latency_ms.p99", [.member("latency_ms"), .member("p99")]),
        ("$.http-req.avg", [.member("http-req"), .member("avg")]),
    ])
    func supportedPathsParseIntoSteps(path: String, steps: [JSONPath.Step]) throws {
        #expect(try JSONPath(path).steps == steps)
    }

    @Test(arguments: [
        ("a.b", "starts with `$`"),
        ("$..p99", "recursive descent"),
        ("$.a[*]", "wildcards"),
        ("$.*", "wildcards"),
        ("$.a[0:2]", "slices"),
        ("$.a[0,1]", "unions"),
        ("$.a[?(@.x > 1)]", "filters"),
        ("$.a[", "not closed"),
        ("$['a", "not closed"),
        ("$.a[x]", "`['x']`"),
        ("$.9a", "quote other keys"),
        ("$a", "expected `.name`"),
    ])
    func unsupportedPathsAreRejectedWithWhatToWrite(path: String, hint: String) {
        do {
            _ = try JSONPath(path)
            Issue.record("\(path) was accepted")
        } catch {
            guard case .invalidJSONPath(let p, _, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(p == path)
            #expect(error.description.contains(hint), "\(error.description)")
        }
    }
}

@Suite struct OutputFieldTests {
    let jsonLines = """
        starting load
        {"t": 1, "rps": 100.5}
        {"t": 2, "rps": 210.25, "lat": {"p99.9": 12, "hist": [1, 2, 3]}, "ops": "4200"}
        done
        """

    @Test func lastJSONLineIsTheDocument() throws {
        #expect(try OutputField.json(path: "$.rps").extract(from: jsonLines) == 210.25)
        #expect(try OutputField.json(path: "$.lat['p99.9']").extract(from: jsonLines) == 12)
        #expect(try OutputField.json(path: "$.lat.hist[-1]").extract(from: jsonLines) == 3)
        #expect(try OutputField.json(path: "$.ops").extract(from: jsonLines) == 4200)  // numeric string
    }

    @Test func integersZeroAndOneAreNumbersNotBooleans() throws {
        #expect(try OutputField.json(path: "$.a").extract(from: #"{"a": 1, "b": 0}"#) == 1)
        #expect(try OutputField.json(path: "$.b").extract(from: #"{"a": 1, "b": 0}"#) == 0)
        #expect(try OutputField.json(path: "$.big").extract(from: #"{"big": 1796189117853821952}"#) == 1_796_189_117_853_821_952)
    }

    @Test func wholeOutputAsPrettyJSONIsTheDocument() throws {
        let pretty = "[\n  {\"rps\": 1},\n  {\"rps\": 2}\n]\n"
        #expect(try OutputField.json(path: "$[1].rps").extract(from: pretty) == 2)
    }

    @Test func missingKeyNamesTheKeysThereAndShowsTheDocument() {
        do {
            _ = try OutputField.json(path: "$.lat.p50").extract(from: jsonLines)
            Issue.record("extracted")
        } catch {
            guard case .field(let field, let reason, let lines) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(field == "json `$.lat.p50`")
            #expect(reason.contains("`$.lat` has no key \"p50\" (keys: hist, p99.9)"))
            #expect(lines == [#"{"t": 2, "rps": 210.25, "lat": {"p99.9": 12, "hist": [1, 2, 3]}, "ops": "4200"}"#])
        }
    }

    @Test func valuesThatAreNotNumbersAreErrors() {
        let output = #"{"ok": true, "name": "fast", "list": [1]}"#
        for path in ["$.ok", "$.name", "$.list", "$.list[3]", "$.name.x"] {
            #expect(throws: LoadOutputError.self) { try OutputField.json(path: path).extract(from: output) }
        }
    }

    @Test func outputWithoutJSONShowsItsLastLines() {
        #expect(
            throws: LoadOutputError.field(
                field: "json `$.rps`",
                reason: "the output holds no JSON object or array (whole, on one line, or as a block from a line starting with `{` or `[`)",
                unreadLines: ["rps 12", "done"])
        ) {
            try OutputField.json(path: "$.rps").extract(from: "rps 12\n\ndone\n")
        }
    }

    @Test func regexTakesTheLastMatch() throws {
        let output = "progress rps=10.0\nprogress rps=20.0\nfinal rps=1,234.5 ops=9000\n"
        #expect(try OutputField.regex(pattern: #"rps=([0-9.,]+)"#).extract(from: output) == 1234.5)
        #expect(try OutputField.regex(pattern: #"^progress rps=([0-9.]+)$"#).extract(from: output) == 20)
    }

    @Test func regexCaptureWithAUnitIsAnErrorThatSaysWhere() {
        do {
            _ = try OutputField.regex(pattern: #"p99=(\S+)"#).extract(from: "p99=12.5ms\n")
            Issue.record("extracted")
        } catch {
            #expect(error.description.contains(#"captured "12.5ms""#))
            #expect(error.description.contains("keep units and spaces outside the group"))
            #expect(error.description.contains("| p99=12.5ms"))
        }
    }

    @Test func regexThatMatchesNothingShowsTheLines() {
        #expect(throws: LoadOutputError.field(field: #"regex `rps=(\d+)`"#, reason: "no line matches", unreadLines: ["nothing here"])) {
            try OutputField.regex(pattern: #"rps=(\d+)"#).extract(from: "nothing here\n")
        }
    }

    @Test func validationRejectsRegexesWithoutExactlyOneGroup() {
        for (pattern, hint) in [(#"rps=\d+"#, "no capture group"), (#"(a)=(\d+)"#, "(?:…)"), ("(unclosed", "does not compile")] {
            do {
                try OutputField.regex(pattern: pattern).validate()
                Issue.record("\(pattern) accepted")
            } catch {
                #expect(error.description.contains(hint), "\(error.description)")
            }
        }
        #expect(throws: Never.self) { try OutputField.regex(pattern: #"rps=(?:x)?(\d+)"#).validate() }
        #expect(throws: Never.self) { try OutputField.json(path: "$.a['b.c'][2]").validate() }
    }

    @Test(arguments: [("12", 12.0), ("-3.5", -3.5), ("1,234", 1234), ("12,345,678.25", 12_345_678.25)])
    func plainAndThousandsSeparatedNumbersAreRead(text: String, value: Double) {
        #expect(OutputField.number(text) == value)
    }

    @Test(arguments: ["1,5", "12,34", "1e5", "0x10", "12ms", "", "1.2.3"])
    func otherNumberShapesAreRejected(text: String) {
        #expect(OutputField.number(text) == nil)
    }
}

/// The bundled sync-bench's real output (stdout JSON, then its stderr summary line).
@Suite struct CommandOutputSpecTests {
    let spec = CommandOutputSpec(
        throughput: .json(path: "$.throughput_ops_per_sec"),
        operations: .json(path: "$.operations"),
        durationSeconds: .json(path: "$.duration_s"),
        latencyP50: .json(path: "$.latency_ms.p50"),
        latencyP90: .json(path: "$.latency_ms.p90"),
        latencyP99: .regex(pattern: #"p99=([0-9.]+)ms"#),
        latencyMax: .json(path: "$.latency_ms.max"),
        errors: .json(path: "$.errors_total"))

    @Test func syncBenchOutputBecomesAMeasurement() throws {
        let m = try spec.measure(output: LoadFixtures.text("sync-bench.txt"), elapsedSeconds: 3.1)
        #expect(m.operations == 174 && m.durationSeconds == 2 && m.throughputPerSecond == 87)
        #expect(m.latencyPercentilesMillis == [50: 1.687, 90: 3.318, 99: 9.47])
        #expect(m.maxMillis == 9.921)
        #expect(m.errors == 0 && m.attempted == nil && m.notes.isEmpty)
    }

    @Test func missingOptionalFieldsFallBackAndSayHow() throws {
        let minimal = CommandOutputSpec(
            throughput: .regex(pattern: #"\(([0-9.]+)/s\)"#),
            latencyP99: .json(path: "$.latency_ms.p99"), latencyMillisPerUnit: 1000)
        let m = try minimal.measure(output: LoadFixtures.text("sync-bench.txt"), elapsedSeconds: 2.5)
        #expect(m.throughputPerSecond == 87 && m.durationSeconds == 2.5)
        #expect(m.operations == 218)  // 87 × 2.5, rounded
        #expect(m.notes == ["operations estimated as throughput × duration (the spec names no operations field)"])
        #expect(m.p99Millis == 9470)  // seconds-per-unit scale applied
        #expect(m.p50Millis == nil && m.errors == 0)
    }

    @Test func unreadableFieldIsNamedWithItsSpecName() throws {
        var broken = spec
        broken.latencyP90 = .json(path: "$.latency_ms.p95")
        let output = try LoadFixtures.text("sync-bench.txt")
        do {
            _ = try broken.measure(output: output, elapsedSeconds: 2)
            Issue.record("measured")
        } catch {
            #expect(error.description.hasPrefix("output field latency.p90 (json `$.latency_ms.p95`): `$.latency_ms` has no key \"p95\""))
            #expect(error.description.contains(#"|   "errors_total": 0,"#))
        }
    }

    @Test func validationNamesTheSpecFieldAndNeedsNoOutput() {
        var broken = spec
        broken.errors = .regex(pattern: #"errors=\d+"#)
        do {
            try broken.validate()
            Issue.record("validated")
        } catch {
            guard case .field(let field, _, let lines) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(field == "errors" && lines.isEmpty)
            #expect(error.description.contains("has no capture group: put the number in parentheses"))
        }
        var badScale = spec
        badScale.latencyMillisPerUnit = 0
        #expect(throws: LoadOutputError.self) { try badScale.validate() }
    }

    @Test func negativeFiguresAreRejected() {
        let s = CommandOutputSpec(throughput: .regex(pattern: #"rps=(-?[0-9.]+)"#))
        #expect(throws: LoadOutputError.self) { try s.measure(output: "rps=-1\n", elapsedSeconds: 1) }
    }
}
