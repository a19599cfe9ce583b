import Foundation
import TunerCore

/// A study as its store holds it after `tuner run`: the trials and the stored decision, made into
/// the same report `tuner run` printed. What `tuner report`, `show`, `frontier`, `recommend`,
/// `env` and `notebook` render. Read through ``StudyImport``: the study's database, or its
/// exports when the folder has none.
public struct StoredStudy {
    public var spec: StudySpec
    public var samples: [TrialSample]
    /// The decision `tuner run` stored (nil: it stopped before deciding, or `--trials` was given).
    public var decision: StudyDecision?
    public var report: FrontierReport

    /// Why a stored study cannot be read.
    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Reads the study of `spec` from its store (``StudyImport/open(spec:trialsFile:launcher:)``),
    /// or the trials of `trialsPath` alone (no stored decision then).
    public static func load(
        spec: StudySpec, specPath: String, trialsPath: String? = nil, storage: StoreLocation? = nil,
        launcher: Launcher = PosixLauncher()
    ) throws -> StoredStudy {
        let opened: StudyImport.Opened
        do { opened = try StudyImport.open(spec: spec, trialsFile: trialsPath, storage: storage, launcher: launcher) } catch {
            // A --storage this tuner cannot open says so itself (and how to fix it).
            if let storeError = error as? StoreError, case .badLocation = storeError { throw Failure(description: storeError.description) }
            throw Failure(
                description:
                    "the study '\(spec.study)' in \(StudyExports.directory(of: spec))/ cannot be read (\(error)); run 'tuner run \(specPath)' again, or start over with --fresh"
            )
        }
        let samples = (try? opened.store.samples()) ?? []
        guard !samples.isEmpty else {
            throw Failure(
                description:
                    "no trials in \(opened.source); run 'tuner run \(specPath)' first, pass --trials FILE, or read a study kept elsewhere with --data-dir DIR (the committed reference runs: --data-dir data/reference)"
            )
        }
        var report = spec.report(of: samples)
        var decision: StudyDecision?
        do { decision = try opened.store.decision() } catch {
            throw Failure(
                description:
                    "the decision stored in \(opened.source) cannot be read (\(error)); run 'tuner run \(specPath)' again to decide anew")
        }
        // A study recorded before decisions were stored still has its confirmation trials.
        if decision == nil { decision = StudyRunner.decisionFromRecordedTrials(samples, spec: spec) }
        if let decision { report.apply(decision) }
        do { report.verification = try opened.store.verification() } catch {
            throw Failure(
                description: "the verification stored in \(opened.source) cannot be read (\(error)); run 'tuner verify \(specPath) --fresh'"
            )
        }
        return StoredStudy(spec: spec, samples: samples, decision: decision, report: report)
    }

    /// The report re-decided from the stored trials under other constraints or another rule;
    /// nothing is run, so its choice is unconfirmed.
    public func redecided(constraints: [Constraint], rule: SelectionRule) -> FrontierReport {
        spec.report(of: samples, constraints: constraints, rule: rule)
    }

    /// What a reader must know about the decision behind the report, or nil when it is current.
    public var decisionNote: String? {
        if let decision, decision.trialCount != samples.count {
            return
                "NOTE: the stored decision was made on \(decision.trialCount) trials; the study now holds \(samples.count). Run 'tuner run' on its spec to decide again."
        }
        if decision == nil {
            return
                "NOTE: no decision is stored for this study and it holds no confirmation trials (it stopped before its recommendation was confirmed, or ran without budget.confirm): the recommendation is the rule's pick among measured settings, UNCONFIRMED."
        }
        return nil
    }
}
