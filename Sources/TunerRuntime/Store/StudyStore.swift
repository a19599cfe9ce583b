import Foundation
import TunerCore

/// Where a study's trials are kept. Each finished trial is durable before the next starts.
///
/// Every running trial and process group carries its owner (host, tuner pid, the pid's start
/// time), so a store shared by several tuners (the PostgreSQL store to come, one study worked
/// on by many machines) reaps and reruns only what a dead owner left. Within one machine, one
/// writer at a time is enforced by `StudyLock` before a store is opened for writing.
public protocol StudyStore: Sendable {
    /// The tuner process writing through this store.
    var owner: StudyOwner { get }
    /// Marks a trial as running (so a crash leaves a trace that resume can find).
    func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws
    /// Remembers a process group the running trial started, for reaping after a crash.
    func recordProcess(group: Int32, role: String, setting: GCSetting, repeatIndex: Int) throws
    /// Records one finished trial durably (replacing its running mark).
    func append(_ sample: TrialSample) throws
    /// Every finished trial, in trial order.
    func samples() throws -> [TrialSample]
    /// Every trial marked running, whoever marked it.
    func runningTrials() throws -> [RunningTrial]
    /// Process groups recorded for running trials: (pgid, role).
    func recordedProcessGroups() throws -> [(group: Int32, role: String)]
    /// Kills the live process groups whose recorded owner is gone and forgets them; groups of a
    /// live owner are left alone. Returns the groups it killed.
    func reapLeftovers() throws -> [Int32]
    /// The spec fingerprint the study was started with (nil for a new study), and its setter.
    func storedFingerprint() throws -> [String: String]?
    func saveFingerprint(_ fingerprint: [String: String]) throws
    /// Whether the study holds any trial at all (finished, failed or running).
    func isEmpty() throws -> Bool
}

extension StudyStore {
    /// Trials left running by a tuner that is gone (a live owner's trial is not interrupted).
    public func interruptedTrials() throws -> [RunningTrial] {
        try runningTrials().filter { !$0.owner.isSameProcess(as: owner) && !$0.owner.isAlive }
    }
}

/// A trial marked `running`, with the tuner that marked it.
public struct RunningTrial: Sendable {
    public var trialIndex: Int
    public var gogc: String
    public var gomemlimit: String
    public var repeatIndex: Int
    public var owner: StudyOwner
    public var startedAtUnixSeconds: Double
}

/// A process group a running trial started, as a store records it.
public struct ProcessRecord: Sendable {
    public var group: Int32
    /// `/proc/PGID/stat` start time when recorded (0: unknown), so a reused pid is never ours.
    public var startTicks: Int
    public var role: String
    public var owner: StudyOwner
}

/// The reaping rule every store applies: a record whose owner is gone is forgotten, and its group
/// killed when it still runs the same processes. Returns (killed groups, forgotten record indices).
func reap(_ records: [ProcessRecord], as owner: StudyOwner) -> (killed: [Int32], forgotten: [Int]) {
    var killed: [Int32] = []
    var forgotten: [Int] = []
    for (index, record) in records.enumerated() {
        guard !record.owner.isSameProcess(as: owner), !record.owner.isAlive else { continue }
        forgotten.append(index)
        guard !ProcessTable.liveMembers(ofGroup: record.group).isEmpty else { continue }
        if record.startTicks != 0, let current = ProcessTable.startTicks(of: record.group), current != record.startTicks { continue }
        kill(-record.group, SIGKILL)
        killed.append(record.group)
    }
    return (killed, forgotten)
}

/// The JSON-lines export `data/<study>/trials.jsonl`: one trial per line. A new trial is
/// appended (``append(_:to:)``); the file is rewritten whole, atomically, only when a trial
/// replaces an earlier one (a rerun after a kill). Rewriting it after every trial, as tuner did
/// first, made the time between trials grow with the study: 22 MB and about a second at 250
/// trials of a surface recording.
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

/// `data/<study>/decision.json`: the study's one decision, written by `tuner run` once it has
/// decided (atomically), read by every other output.
public enum DecisionFile {
    public static func write(_ decision: StudyDecision, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(decision).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The stored decision, or nil when there is none (the study stopped before deciding).
    /// - Throws: when the file exists but cannot be read.
    public static func read(path: String) throws -> StudyDecision? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(StudyDecision.self, from: data)
    }
}

/// Keeps trials in memory; for tests and replays. The same contract as the SQLite store
/// (`StoreContractTests`).
public final class InMemoryStudyStore: StudyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrialSample] = []
    private var running: [RunningTrial] = []
    private var processes: [ProcessRecord] = []
    private var fingerprint: [String: String]?
    public let owner: StudyOwner

    public init(owner: StudyOwner = .current) { self.owner = owner }

    /// Another handle on the same trials, written by another owner (as a second tuner would).
    public func handle(owner: StudyOwner) -> InMemoryStudyStore.Handle { Handle(base: self, owner: owner) }

    public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws {
        try begin(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, owner: owner)
    }

    func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, owner: StudyOwner) throws {
        lock.lock(); defer { lock.unlock() }
        running.removeAll { $0.gogc == setting.gogcValue && $0.gomemlimit == setting.memoryLimitValue && $0.repeatIndex == repeatIndex }
        running.append(RunningTrial(trialIndex: trialIndex, gogc: setting.gogcValue, gomemlimit: setting.memoryLimitValue,
                                    repeatIndex: repeatIndex, owner: owner, startedAtUnixSeconds: Date().timeIntervalSince1970))
    }

    public func recordProcess(group: Int32, role: String, setting: GCSetting, repeatIndex: Int) throws {
        try recordProcess(group: group, role: role, owner: owner)
    }

    func recordProcess(group: Int32, role: String, owner: StudyOwner) throws {
        lock.lock(); defer { lock.unlock() }
        processes.append(ProcessRecord(group: group, startTicks: ProcessTable.startTicks(of: group) ?? 0, role: role, owner: owner))
    }

    public func append(_ sample: TrialSample) throws {
        lock.lock(); defer { lock.unlock() }
        running.removeAll { $0.gogc == sample.setting.gogcValue && $0.gomemlimit == sample.setting.memoryLimitValue && $0.repeatIndex == sample.repeatIndex }
        stored.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        stored.append(sample)
    }

    public func samples() throws -> [TrialSample] {
        lock.lock(); defer { lock.unlock() }
        return stored.sorted { $0.trialIndex < $1.trialIndex }
    }

    public func runningTrials() throws -> [RunningTrial] {
        lock.lock(); defer { lock.unlock() }
        return running.sorted { $0.trialIndex < $1.trialIndex }
    }

    public func recordedProcessGroups() throws -> [(group: Int32, role: String)] {
        lock.lock(); defer { lock.unlock() }
        return processes.map { ($0.group, $0.role) }
    }

    public func reapLeftovers() throws -> [Int32] {
        lock.lock(); defer { lock.unlock() }
        let (killed, forgotten) = reap(processes, as: owner)
        processes = processes.enumerated().filter { !forgotten.contains($0.offset) }.map(\.element)
        return killed
    }

    public func storedFingerprint() throws -> [String: String]? {
        lock.lock(); defer { lock.unlock() }
        return fingerprint
    }

    public func saveFingerprint(_ fingerprint: [String: String]) throws {
        lock.lock(); self.fingerprint = fingerprint; lock.unlock()
    }

    public func isEmpty() throws -> Bool {
        lock.lock(); defer { lock.unlock() }
        return stored.isEmpty && running.isEmpty
    }

    /// A second owner's view of an in-memory store: writes carry that owner.
    public struct Handle: Sendable {
        let base: InMemoryStudyStore
        let owner: StudyOwner
        public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws {
            try base.begin(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, owner: owner)
        }
        public func recordProcess(group: Int32, role: String) throws {
            try base.recordProcess(group: group, role: role, owner: owner)
        }
    }
}
