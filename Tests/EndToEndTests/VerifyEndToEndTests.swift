import Foundation
import Testing
import TunerFakes

@testable import TunerCore
@testable import TunerRuntime

/// `tuner verify` against the real bundled server: a recommendation whose limit sits close to
/// the live heap is driven to a higher load, where the margin flag must show; the verification
/// is stored and rendered in the env file header and decision.json.
@Suite(.serialized) struct VerifyEndToEndTests {
    let directory = NSTemporaryDirectory() + "tuner-verify-\(UUID().uuidString)"
    /// GOGC=off under a 24 MiB limit: the bundled server's live heap under 64 closed-loop clients
    /// is about 18-20 MiB (the baseline's trials), so the limit is under 1.5× of it there.
    let candidate = GCSetting(gogc: nil, memoryLimitBytes: 24 << 20)

    /// A study of the bundled server whose stored decision recommends `candidate` (its trials
    /// are synthetic: verify measures anew; only the decision is read).
    func study() throws -> String {
        try FileManager.default.createDirectory(atPath: "\(directory)/data/tight", withIntermediateDirectories: true)
        let path = "\(directory)/tight.yml"
        try """
        study: tight
        seed: 3
        \(TunerBinary.bundledTarget)
        load: {binary: bin/sync-bench, mode: closed, clients: 4, docs: 2, doc_size: 64KiB}
        parameters:
          gogc: {min: 25, max: 1600, off: true}
          gomemlimit: {min: 16MiB, max: 1GiB, off: true}
        budget: {settings: 2, repeats: 1, warmup: 500ms, duration: 2s, noise_check: off}
        verify: {levels: [1x, 16x], pairs: 1, warmup: 1s, duration: 3s, min_margin: 1.5}
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let spec = try SpecLoader.load(path: path)
        let store = try SQLiteStudyStore(path: "\(directory)/data/tight/study.sqlite")
        try store.saveFingerprint(StudyFingerprint.of(spec))
        let gc = GCObservation(cycles: [], windowSeconds: 1, processors: 1, malformedLines: 0, cyclesInRun: 3)
        try store.append(SyntheticSurface.trial(index: 0, .goDefault, repeatIndex: 0, throughput: 1000, gc: gc))
        try store.append(SyntheticSurface.trial(index: 1, candidate, repeatIndex: 0, throughput: 1100, gc: gc))
        try store.saveDecision(
            StudyDecision(
                surrogate: nil, confirmation: Confirmation(candidate: candidate, changes: [], confirmed: true, verdict: "confirmed: test"),
                trialCount: 2, decidedAtUnixSeconds: 1))
        return path
    }

    @Test func aLimitCloseToTheLiveHeapIsFlaggedAtTheHigherLoad() throws {
        let path = try study()
        let run = try TunerBinary.run(["verify", path], timeoutSeconds: 240)
        #expect(run.status == 0 || run.status == 3, "\(run.stderr)\n\(run.stdout)")
        let store = try SQLiteStudyStore(path: "\(directory)/data/tight/study.sqlite")
        let verification = try #require(try store.verification(), "\(run.stderr)\n\(run.stdout)")
        #expect(verification.isComplete && verification.levels.count == 2)
        #expect(try store.verificationTrials().count == 4 && store.samples().count == 2, "runs kept apart from the study's trials")
        let low = try #require(verification.levels.first { $0.level.clients == 4 }?.margin)
        let high = try #require(verification.levels.first { $0.level.clients == 64 }?.margin)
        #expect(high.peakLiveHeapBytes > low.peakLiveHeapBytes, "more clients hold more live heap: \(low.summary) / \(high.summary)")
        #expect(high.isBelowThreshold, "\(high.summary)")
        let flagged = try #require(verification.levels.first { $0.level.clients == 64 })
        #expect(flagged.flags.contains { $0.hasPrefix("margin to the limit") }, "\(flagged.flags)")
        #expect(!verification.held && run.status == 3)
        #expect(run.stdout.contains("16x: 64 clients, closed loop") && run.stdout.contains("FLAG: margin to the limit"), "\(run.stdout)")
        let env = try String(contentsOfFile: "\(directory)/data/tight/recommended.env", encoding: .utf8)
        #expect(env.contains("# verification (tuner verify): NOT HELD at 16x"), "\(env)")
        let decision = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/data/tight/decision.json")))
                as? [String: Any])
        #expect((decision["verification"] as? [String: Any])?["levels"] != nil, "decision.json carries the verification")
        let report = try TunerBinary.run(["report", path], timeoutSeconds: 60)
        #expect(report.stdout.contains("Verification (tuner verify): NOT HELD at 16x"), "\(report.stdout)")
    }
}
