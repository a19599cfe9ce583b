import Foundation
import Testing
@testable import TunerCore
@testable import TunerRuntime

/// One suite for every study store (SQLite and in memory), as Optuna's storage tests do.
@Suite struct StoreContractTests {
    enum Kind: String, CaseIterable, Sendable { case sqlite, memory }

    func store(_ kind: Kind) throws -> StudyStore {
        switch kind {
        case .sqlite: return try SQLiteStudyStore(path: NSTemporaryDirectory() + "tuner-store-\(UUID().uuidString)/study.sqlite")
        case .memory: return InMemoryStudyStore()
        }
    }

    func sample(_ index: Int, _ setting: GCSetting, repeatIndex: Int = 0, failed: Bool = false) -> TrialSample {
        TrialSample(trialIndex: index, setting: setting, repeatIndex: repeatIndex,
                    outcome: failed ? .failed(reason: "no") : .measured, startedAtUnixSeconds: Double(index),
                    wallSeconds: 1, readySeconds: 0.1, tunerCPUSeconds: 0.01,
                    load: FakeLoadDriver.result(), gc: nil, memory: nil)
    }

    @Test(arguments: Kind.allCases)
    func finishedTrialsComeBackInTrialOrderFailedOnesIncluded(kind: Kind) throws {
        let store = try store(kind)
        let a = GCSetting(gogc: 50, memoryLimitBytes: nil), b = GCSetting(gogc: 200, memoryLimitBytes: 64 << 20)
        let second = sample(1, b)
        try store.begin(trialIndex: 1, setting: b, repeatIndex: 0)
        try store.append(second)
        try store.begin(trialIndex: 0, setting: a, repeatIndex: 0)
        try store.append(sample(0, a, failed: true))
        let stored = try store.samples()
        #expect(stored.map(\.trialIndex) == [0, 1], "\(kind)")
        #expect(stored[0].outcome == .failed(reason: "no"))
        #expect(stored[1] == second, "\(kind): a trial comes back as it went in")
    }

    @Test(arguments: Kind.allCases)
    func aRunningTrialIsNotASampleAndARerunReplacesTheOldRecord(kind: Kind) throws {
        let store = try store(kind)
        let a = GCSetting(gogc: 50, memoryLimitBytes: nil)
        try store.begin(trialIndex: 0, setting: a, repeatIndex: 0)
        #expect(try store.samples().isEmpty, "\(kind)")
        try store.recordProcess(group: 12345, role: "server", setting: a, repeatIndex: 0)
        try store.append(sample(0, a, failed: true))
        try store.append(sample(3, a))
        let stored = try store.samples()
        #expect(stored.count == 1, "\(kind): one record per (setting, repeat)")
        #expect(stored.first?.isMeasured == true && stored.first?.trialIndex == 3)
    }
}
