import Foundation
import TunerCore

/// A study as its files hold it after `tuner run`: the trials and the stored decision, made into
/// the same report `tuner run` printed. What `tuner report` and `tuner env` render.
public struct StoredStudy {
    public var spec: StudySpec
    public var samples: [TrialSample]
    /// The decision `tuner run` stored (nil: it stopped before deciding, or `--trials` was given).
    public var decision: StudyDecision?
    public var report: FrontierReport

    /// Why a stored study cannot be read.
    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Reads `data/<study>/trials.jsonl` (or `trialsPath`) and `decision.json`.
    public static func load(spec: StudySpec, specPath: String, trialsPath: String? = nil) throws -> StoredStudy {
        let directory = "\(spec.dataDirectory)/\(spec.study)"
        let path = trialsPath ?? "\(directory)/trials.jsonl"
        let samples = (try? TrialsFile.read(path: path)) ?? []
        guard !samples.isEmpty else {
            throw Failure(description: "no trials in \(path); run 'tuner run \(specPath)' first, pass --trials FILE, or read a study kept elsewhere with --data-dir DIR (the committed reference runs: --data-dir data/reference)")
        }
        var report = spec.report(of: samples)
        let decisionPath = "\(directory)/decision.json"
        var decision: StudyDecision?
        do { decision = trialsPath == nil ? try DecisionFile.read(path: decisionPath) : nil } catch {
            throw Failure(description: "\(decisionPath) cannot be read (\(error)); run 'tuner run \(specPath)' again to decide anew")
        }
        // A study recorded before decisions were stored still has its confirmation trials.
        if decision == nil { decision = StudyRunner.decisionFromRecordedTrials(samples, spec: spec) }
        if let decision { report.apply(decision) }
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
            return "NOTE: the stored decision was made on \(decision.trialCount) trials; the study now holds \(samples.count). Run 'tuner run' on its spec to decide again."
        }
        if decision == nil {
            return "NOTE: no decision is stored for this study and it holds no confirmation trials (it stopped before its recommendation was confirmed, or ran without budget.confirm): the recommendation is the rule's pick among measured settings, UNCONFIRMED."
        }
        return nil
    }
}
