import Foundation
import TunerCore

/// The JSON-lines export `data/<study>/trials.jsonl`: one trial per line. A new trial is
/// appended (``append(_:to:)``); the file is rewritten whole, atomically, only when a trial
/// replaces an earlier one (a rerun after a kill), so the time between trials does not grow with
/// the study (rewriting 22 MB after each of 250 trials would take about a second each time).
public enum TrialsFile {
    /// Appends one trial as a line. A line left unterminated by a crash is closed first, so
    /// the new line never joins it (``read(path:)`` skips the broken one).
    public static func append(_ sample: TrialSample, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(sample)
        line.append(UInt8(ascii: "\n"))
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            try line.write(to: URL(fileURLWithPath: path), options: .atomic)
            return
        }
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        if end > 0 {
            try handle.seek(toOffset: end - 1)
            if try handle.read(upToCount: 1) != Data([UInt8(ascii: "\n")]) { line.insert(UInt8(ascii: "\n"), at: 0) }
            try handle.seekToEnd()
        }
        try handle.write(contentsOf: line)
    }

    public static func write(_ samples: [TrialSample], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for sample in samples {
            data.append(try encoder.encode(sample))
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a trials.jsonl file; unreadable lines are skipped (a study's own export, which a
    /// crash can truncate mid-line). A path ending in `.gz` is decompressed with `gzip -dc`
    /// (recorded surfaces are committed compressed: 49 MB of JSON is 3 MB gzipped).
    /// - Parameter launcher: runs `gzip` for a `.gz` file.
    /// - Throws: when a `.gz` file cannot be decompressed.
    public static func read(path: String, launcher: Launcher = PosixLauncher()) throws -> [TrialSample] {
        let data: Data
        if path.hasSuffix(".gz") {
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            data = try gunzip(path, launcher: launcher)
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { return [] }
            data = contents
        }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            line.isEmpty ? nil : try? decoder.decode(TrialSample.self, from: Data(line))
        }
    }

    /// The decompressed bytes of a gzip file, through the system's `gzip -dc` run by `launcher`.
    static func gunzip(_ path: String, launcher: Launcher) throws -> Data {
        let run = try launcher.runTool(["gzip", "-dc", "--", path], timeoutSeconds: 120)
        guard run.succeeded else {
            throw TrialFailure(
                "\(path): gzip -dc failed (\(run.standardError.trimmingCharacters(in: .whitespacesAndNewlines))); is it a gzip file?")
        }
        return Data(run.standardOutput.utf8)
    }
}
