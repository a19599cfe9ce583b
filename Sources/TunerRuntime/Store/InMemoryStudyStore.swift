import Foundation
import TunerCore

/// Keeps a study in memory: what `tuner validate` plans on, what replays run on, and what a
/// study folder's exports are imported into when it has no database (``StudyImport``). The
/// same contract as the SQLite store (`StoreContractTests`).
public final class InMemoryStudyStore: StudyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrialSample] = []
    private var running: [RunningTrial] = []
    private var processes: [ProcessRecord] = []
    private var fingerprint: [String: String]?
    private var storedDecision: StudyDecision?
    private var storedVerificationTrials: [VerificationTrial] = []
    private var storedVerification: Verification?
    public let owner: StudyOwner

    public init(owner: StudyOwner = .current) { self.owner = owner }

    /// Another handle on the same trials, written by another owner (as a second tuner would).
    public func handle(owner: StudyOwner) -> InMemoryStudyStore.Handle { Handle(base: self, owner: owner) }

    public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, phase _: String?) throws {
        try begin(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, owner: owner)
    }

    func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int, owner: StudyOwner) throws {
        lock.lock()
        defer { lock.unlock() }
        running.removeAll { $0.gogc == setting.gogcValue && $0.gomemlimit == setting.memoryLimitValue && $0.repeatIndex == repeatIndex }
        running.append(
            RunningTrial(
                trialIndex: trialIndex, gogc: setting.gogcValue, gomemlimit: setting.memoryLimitValue,
                repeatIndex: repeatIndex, owner: owner, startedAtUnixSeconds: Date().timeIntervalSince1970))
    }

    public func recordProcess(group: Int32, startTicks: Int, role: String, setting: GCSetting, repeatIndex: Int) throws {
        try recordProcess(group: group, startTicks: startTicks, role: role, owner: owner)
    }

    func recordProcess(group: Int32, startTicks: Int, role: String, owner: StudyOwner) throws {
        lock.lock()
        defer { lock.unlock() }
        processes.append(ProcessRecord(group: group, startTicks: startTicks, role: role, owner: owner))
    }

    public func append(_ sample: TrialSample) throws {
        lock.lock()
        defer { lock.unlock() }
        running.removeAll {
            $0.gogc == sample.setting.gogcValue && $0.gomemlimit == sample.setting.memoryLimitValue && $0.repeatIndex == sample.repeatIndex
        }
        stored.removeAll { $0.setting == sample.setting && $0.repeatIndex == sample.repeatIndex }
        stored.append(sample)
    }

    public func samples() throws -> [TrialSample] {
        lock.lock()
        defer { lock.unlock() }
        return stored.sorted { $0.trialIndex < $1.trialIndex }
    }

    public func runningTrials() throws -> [RunningTrial] {
        lock.lock()
        defer { lock.unlock() }
        return running.sorted { $0.trialIndex < $1.trialIndex }
    }

    public func recordedProcessGroups() throws -> [(group: Int32, role: String)] {
        lock.lock()
        defer { lock.unlock() }
        return processes.map { ($0.group, $0.role) }
    }

    public func takeLeftovers() throws -> [ProcessRecord] {
        lock.lock()
        defer { lock.unlock() }
        let leftovers = processes.filter { $0.isLeftover(seenBy: owner) }
        processes.removeAll { $0.isLeftover(seenBy: owner) }
        return leftovers
    }

    public func saveDecision(_ decision: StudyDecision) throws {
        lock.lock()
        storedDecision = decision
        lock.unlock()
    }

    public func decision() throws -> StudyDecision? {
        lock.lock()
        defer { lock.unlock() }
        return storedDecision
    }

    public func appendVerificationTrial(_ trial: VerificationTrial) throws {
        lock.lock()
        storedVerificationTrials.append(trial)
        lock.unlock()
    }

    public func verificationTrials() throws -> [VerificationTrial] {
        lock.lock()
        defer { lock.unlock() }
        return storedVerificationTrials
    }

    public func saveVerification(_ verification: Verification) throws {
        lock.lock()
        storedVerification = verification
        lock.unlock()
    }

    public func verification() throws -> Verification? {
        lock.lock()
        defer { lock.unlock() }
        return storedVerification
    }

    public func clearVerification() throws {
        lock.lock()
        storedVerificationTrials = []
        storedVerification = nil
        lock.unlock()
    }

    public func storedFingerprint() throws -> [String: String]? {
        lock.lock()
        defer { lock.unlock() }
        return fingerprint
    }

    public func saveFingerprint(_ fingerprint: [String: String]) throws {
        lock.lock()
        self.fingerprint = fingerprint
        lock.unlock()
    }

    public func isEmpty() throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return stored.isEmpty && running.isEmpty
    }

    /// A second owner's view of an in-memory store: writes carry that owner.
    public struct Handle: Sendable {
        let base: InMemoryStudyStore
        let owner: StudyOwner
        public func begin(trialIndex: Int, setting: GCSetting, repeatIndex: Int) throws {
            try base.begin(trialIndex: trialIndex, setting: setting, repeatIndex: repeatIndex, owner: owner)
        }
        public func recordProcess(group: Int32, startTicks: Int, role: String) throws {
            try base.recordProcess(group: group, startTicks: startTicks, role: role, owner: owner)
        }
    }
}
