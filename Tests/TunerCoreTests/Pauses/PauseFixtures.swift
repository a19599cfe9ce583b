import Foundation

@testable import TunerCore

/// The captured run under `Tests/TunerCoreTests/Fixtures/pauses/` (see its README.md), found
/// from this file's path.
enum PauseFixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pauses")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try data(name), as: UTF8.self)
    }

    /// `times.txt`: event name -> Unix nanoseconds (or a count, for the trace size lines).
    static func times() throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for line in try text("times.txt").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let v = Int64(parts[1]) { out[String(parts[0])] = v }
        }
        return out
    }

    static func gctraceCycles() throws -> [GCCycle] {
        GCTraceParser.parse(text: try text("gctrace.stderr")).cycles
    }

    static func prometheus(_ which: String) throws -> [PrometheusText.MetricFamily] {
        try PrometheusText.parse(try text("metrics-\(which).txt"))
    }

    static func expvar(_ which: String) throws -> ExpvarMemStats {
        try ExpvarMemStats.parse(try data("vars-\(which).json"))
    }

    static func runtimeMetrics(_ which: String) throws -> RuntimeMetricsSnapshot {
        try RuntimeMetricsSnapshot.parse(try data("gcmetrics-\(which).json"))
    }

    static func trace() throws -> ExecutionTraceSummary {
        try ExecutionTraceParser.parse(try text("trace-parsed-stw.txt"))
    }
}
