import Foundation
import TunerCore

/// Where a study's trials are kept. Each finished trial is durable before the next starts.
public protocol StudyStore: Sendable {
    /// Records one finished trial durably.
    func append(_ sample: TrialSample) throws
    /// Every trial recorded so far, in order.
    func samples() throws -> [TrialSample]
}

/// One JSON object per line in `data/<study>/trials.jsonl`, fsynced after each trial.
/// A previous run's file is kept, renamed with its start time, so nothing is overwritten.
public final class JSONLinesStudyStore: StudyStore, @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Opens a fresh store at `directory/trials.jsonl`, moving any existing file aside.
    public init(directory: String, fresh: Bool = true) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = "\(directory)/trials.jsonl"
        if fresh, FileManager.default.fileExists(atPath: path) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let date = (attributes?[.modificationDate] as? Date) ?? Date()
            let stamp = ISO8601DateFormatter().string(from: date).replacingOccurrences(of: ":", with: "")
            try FileManager.default.moveItem(atPath: path, toPath: "\(directory)/trials-\(stamp).jsonl")
        }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
    }

    public func append(_ sample: TrialSample) throws {
        var line = try encoder.encode(sample)
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TrialFailure("cannot open \(path) for writing")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    public func samples() throws -> [TrialSample] {
        try Self.read(path: path)
    }

    /// Reads a trials.jsonl file; a torn last line (crash mid-write) is skipped.
    public static func read(path: String) throws -> [TrialSample] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        var result: [TrialSample] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let sample = try? decoder.decode(TrialSample.self, from: Data(line)) { result.append(sample) }
        }
        return result
    }
}

/// Keeps trials in memory; for tests and replays.
public final class InMemoryStudyStore: StudyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrialSample] = []
    public init() {}
    public func append(_ sample: TrialSample) throws {
        lock.lock(); stored.append(sample); lock.unlock()
    }
    public func samples() throws -> [TrialSample] {
        lock.lock(); defer { lock.unlock() }
        return stored
    }
}
