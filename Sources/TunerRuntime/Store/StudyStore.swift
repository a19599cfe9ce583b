import Foundation
import TunerCore

/// Where a study's trials are kept. Each finished trial is durable before the next starts.
public protocol StudyStore: Sendable {
    /// Marks a trial as running (so a crash leaves a trace that resume can find).
    func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws
    /// Remembers a process group the running trial started, for reaping after a crash.
    func recordProcess(group: Int32, role: String, setting: GCSetting, repeatIndex: Int) throws
    /// Records one finished trial durably (replacing its running mark).
    func append(_ sample: TrialSample) throws
    /// Every finished trial, in trial order.
    func samples() throws -> [TrialSample]
}

/// The JSON-lines export `data/<study>/trials.jsonl`: one trial per line, rewritten whole
/// (atomically) after every trial so a crash never leaves it half-written.
public enum TrialsFile {
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
    /// - Throws: when a `.gz` file cannot be decompressed.
    public static func read(path: String) throws -> [TrialSample] {
        let data: Data
        if path.hasSuffix(".gz") {
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            data = try gunzip(path)
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { return [] }
            data = contents
        }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            line.isEmpty ? nil : try? decoder.decode(TrialSample.self, from: Data(line))
        }
    }

    /// The decompressed bytes of a gzip file, through the system's `gzip -dc`.
    static func gunzip(_ path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", "--", path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: the pipe would fill and block gzip otherwise.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TrialFailure("\(path): gzip -dc failed (\(message.trimmingCharacters(in: .whitespacesAndNewlines))); is it a gzip file?")
        }
        return data
    }
}

/// Keeps trials in memory; for tests and replays.
public final class InMemoryStudyStore: StudyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrialSample] = []
    /// (trial index, role, group) of every recorded process.
    public private(set) var processes: [(Int, String, Int32)] = []
    public private(set) var running: Set<Int> = []

    public init() {}

    public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws {
        lock.lock(); running.insert(trialIndex); lock.unlock()
    }

    public func recordProcess(group: Int32, role: String, setting: GCSetting, repeatIndex: Int) throws {
        lock.lock(); processes.append((repeatIndex, role, group)); lock.unlock()
    }

    public func append(_ sample: TrialSample) throws {
        lock.lock()
        running.remove(sample.trialIndex)
        stored.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        stored.append(sample)
        lock.unlock()
    }

    public func samples() throws -> [TrialSample] {
        lock.lock(); defer { lock.unlock() }
        return stored.sorted { $0.trialIndex < $1.trialIndex }
    }
}
