import Foundation
import Testing

@testable import TunerCore

@Suite struct PrometheusTextTests {
    typealias P = PrometheusText

    @Test func helpAndTypeLinesNameTheFamily() throws {
        let families = try P.parse(
            """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000

            """)
        let f = try #require(families.family(named: "http_requests_total"))
        #expect(f.type == .counter)
        #expect(f.help == "The total number of HTTP requests.")
        #expect(f.metrics.count == 2)
        #expect(f.metrics[0].labels == [P.Label(name: "method", value: "post"), P.Label(name: "code", value: "200")])
        #expect(f.metrics[0].value == .counter(1027))
        #expect(f.metrics[1].timestampMillis == 1_395_066_363_000)
        #expect(f.metrics[1].label("code") == "400")
    }

    @Test func otherCommentsAndBlankLinesAreIgnored() throws {
        let families = try P.parse("# a comment\n\n   \n#\n# HELP\n# TYPE x\nx 1\n")
        #expect(families.map(\.name) == ["x"])
        #expect(families[0].type == .untyped && families[0].metrics[0].value == .untyped(1))
    }

    @Test func labelValueEscapesAreUnescaped() throws {
        let families = try P.parse(
            #"msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9"# + "\n")
        let m = try #require(families.first?.metrics.first)
        #expect(m.label("path") == #"C:\DIR\FILE.TXT"#)
        #expect(m.label("error") == "Cannot find file:\n\"FILE.TXT\"")
        #expect(m.scalar == 1.458255915e9)
    }

    @Test func helpEscapesAreUnescaped() throws {
        let families = try P.parse(#"# HELP a Line one\nline two \\ done"# + "\n# TYPE a gauge\na 0\n")
        #expect(families[0].help == "Line one\nline two \\ done")
    }

    @Test func specialFloatsParseAsGoDoes() throws {
        let families = try P.parse(
            """
            # TYPE g gauge
            g{k="a"} +Inf
            g{k="b"} -Inf
            g{k="c"} NaN
            g{k="d"} -1.5e-3
            g{k="e"} .5
            g{k="f"} inf

            """)
        let values = families[0].metrics.map { $0.scalar! }
        #expect(values[0] == .infinity && values[1] == -.infinity && values[2].isNaN)
        #expect(values[3] == -0.0015 && values[4] == 0.5 && values[5] == .infinity)
        #expect(parsePrometheusFloat("0x1p3") == nil, "expfmt rejects hex floats")
        #expect(parsePrometheusFloat("1_000") == nil)
    }

    @Test func summaryLinesGroupIntoOneMetricPerLabelSet() throws {
        let families = try P.parse(
            """
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{service="a",quantile="0.5"} 0.01
            rpc_duration_seconds{service="b",quantile="0.5"} 0.02
            rpc_duration_seconds{quantile="0.99",service="a"} 0.05
            rpc_duration_seconds_sum{service="a"} 17
            rpc_duration_seconds_count{service="a"} 2693
            rpc_duration_seconds_count{service="b"} 7

            """)
        let f = try #require(families.family(named: "rpc_duration_seconds"))
        #expect(families.count == 1, "_sum and _count belong to the summary")
        #expect(f.metrics.count == 2)
        guard case .summary(let a) = f.metrics[0].value else {
            Issue.record("not a summary")
            return
        }
        #expect(f.metrics[0].labels == [P.Label(name: "service", value: "a")], "quantile is not a label")
        #expect(a.quantiles == [P.Quantile(quantile: 0.5, value: 0.01), P.Quantile(quantile: 0.99, value: 0.05)])
        #expect(a.sampleSum == 17 && a.sampleCount == 2693)
        guard case .summary(let b) = f.metrics[1].value else {
            Issue.record("not a summary")
            return
        }
        #expect(b.sampleCount == 7 && b.sampleSum == nil)
    }

    @Test func histogramBucketsSumAndCountGroup() throws {
        let families = try P.parse(
            """
            # HELP h A histogram.
            # TYPE h histogram
            h_bucket{le="0.05"} 24054
            h_bucket{le="0.1"} 33444
            h_bucket{le="+Inf"} 144320
            h_sum 53423
            h_count 144320

            """)
        #expect(families.count == 1)
        guard case .histogram(let h) = families[0].metrics[0].value else {
            Issue.record("not a histogram")
            return
        }
        #expect(h.buckets.map(\.upperBound) == [0.05, 0.1, .infinity])
        #expect(h.buckets.map(\.cumulativeCount) == [24054, 33444, 144320])
        #expect(h.sampleSum == 53423 && h.sampleCount == 144320)
        #expect(families[0].metrics[0].labels.isEmpty, "le is not a label")
    }

    @Test func sumAndCountOfAnUntypedNameAreFamiliesOfTheirOwn() throws {
        let families = try P.parse("x_count 3\nx_sum 2\n# TYPE y counter\ny_count 1\n")
        #expect(families.map(\.name) == ["x_count", "x_sum", "y_count"])
    }

    @Test func quotedUTF8NamesInsideTheBracesAreRead() throws {
        let families = try P.parse(#"{"my.dotted.metric",code="200"} 4"# + "\n" + #"{"other.metric"} 5"# + "\n")
        #expect(families.map(\.name) == ["my.dotted.metric", "other.metric"])
        #expect(families[0].metrics[0].labels == [P.Label(name: "code", value: "200")])
    }

    @Test func trailingCommaBlanksAndCRLFAreAccepted() throws {
        let families = try P.parse("a {x=\"1\", y = \"2\",}\t7\r\nb 8")
        #expect(families.count == 2)
        #expect(families[0].metrics[0].labels.map(\.name) == ["x", "y"])
        #expect(families[1].metrics[0].scalar == 8, "a last line without newline is read")
    }

    @Test(arguments: [
        ("a 1\nb{x=\"1\" 2\n", 2, "unexpected end of label value"),
        ("a notanumber\n", 1, "expected float as value"),
        ("a 1 12.5\n", 1, "expected integer as timestamp"),
        ("a 1 12 extra\n", 1, "spurious string after timestamp"),
        ("a{x=1} 1\n", 1, "expected '\"' at start of label value"),
        ("a{x=\"\\q\"} 1\n", 1, "invalid escape sequence"),
        ("a{x=\"1\",x=\"2\"} 1\n", 1, "duplicate label names"),
        ("a{__name__=\"b\"} 1\n", 1, "reserved"),
        ("# TYPE a gauge\n# TYPE a counter\n", 2, "second TYPE line"),
        ("a 1\n# TYPE a gauge\n", 2, "TYPE reported after samples"),
        ("# HELP a x\n# HELP a y\n", 2, "second HELP line"),
        ("# TYPE a histogrammm\n", 1, "unknown metric type"),
        ("# TYPE s summary\ns{quantile=\"high\"} 1\n", 2, "'quantile' label"),
        ("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", 2, "'le' label"),
        ("a{x\"1\"} 1\n", 1, "expected '=' after label name"),
        ("1a 1\n", 1, "invalid metric name"),
    ])
    func syntaxErrorsNameTheLine(input: String, line: Int, message: String) {
        do {
            _ = try P.parse(input)
            Issue.record("no error for \(input.debugDescription)")
        } catch let error as P.ParseError {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.localizedDescription.hasPrefix("Prometheus text format, line \(line): "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func familiesWithoutSamplesAreDropped() throws {
        #expect(try P.parse("# HELP a nothing\n# TYPE a gauge\n").isEmpty)
    }

    /// The bundled server's /metrics, captured (Fixtures/pauses/metrics-after.txt).
    @Test func capturedScrapeParsesIntoTheGoCollectorFamilies() throws {
        let families = try PauseFixtures.prometheus("after")
        #expect(
            families.map(\.name) == [
                "go_gc_duration_seconds", "go_gc_gogc_percent", "go_gc_gomemlimit_bytes",
                "go_goroutines", "go_memstats_heap_alloc_bytes", "go_sched_pauses_total_gc_seconds",
            ])
        let summary = try #require(families.family(named: "go_gc_duration_seconds"))
        guard case .summary(let s) = summary.metrics[0].value else {
            Issue.record("not a summary")
            return
        }
        #expect(s.quantiles.map(\.quantile) == [0, 0.25, 0.5, 0.75, 1])
        #expect(s.sampleCount == 357)
        let histogram = try #require(families.family(named: "go_sched_pauses_total_gc_seconds"))
        guard case .histogram(let h) = histogram.metrics[0].value else {
            Issue.record("not a histogram")
            return
        }
        #expect(h.buckets.count == 8 && h.buckets.last?.upperBound == .infinity)
        #expect(h.buckets.first?.upperBound == 6.399999999999999e-08)
        #expect(families.family(named: "go_gc_gomemlimit_bytes")?.metrics[0].scalar == 9.223372036854776e18)
    }
}
