import Foundation
import TunerCore

/// The files a study folder holds beside its store, all rendered from it: `trials.jsonl` (one
/// trial a line), `report.json` and `frontier.csv` (the report), `decision.json` (the stored
/// decision). They are exports for people and other tools; every tuner command reads the store
/// (``StoredStudy``), and a folder that has only the exports is imported (``StudyImport``).
///
/// As the study goes, each recorded trial is appended to `trials.jsonl` and the report is
/// rewritten, as hyperfine rewrites its exports after every run, so a study that fails later
/// still leaves its frontier so far. They are written between trials, never while one is measured.
public final class StudyExports {
    /// The study's folder, `data/<study>/`.
    public let directory: String
    let spec: StudySpec
    /// Whether trials.jsonl holds exactly the study's samples (after this run's first write),
    /// so the next trial may be appended to it.
    private var trialsFileCurrent = false
    /// Monotonic time (`systemUptime`, seconds) before which no interim report is written.
    private var nextInterimExportAt = 0.0

    public init(spec: StudySpec) {
        self.spec = spec
        self.directory = Self.directory(of: spec)
    }

    /// `data/<study>/` of a spec.
    public static func directory(of spec: StudySpec) -> String { "\(spec.dataDirectory)/\(spec.study)" }

    public var trialsPath: String { "\(directory)/trials.jsonl" }
    public var decisionPath: String { "\(directory)/decision.json" }
    public var reportPath: String { "\(directory)/report.json" }
    public var frontierPath: String { "\(directory)/frontier.csv" }

    /// After a trial is recorded in the store: appends it to trials.jsonl (or rewrites the file
    /// when `appendable` is false: the trial replaced an earlier record, or this run has not
    /// written the file yet) and rewrites the interim report unless the last one was too recent.
    /// Export errors are not the study's: they are ignored, and the store keeps every trial.
    func trialRecorded(_ sample: TrialSample, samples: [TrialSample], appendable: Bool) {
        let sorted = samples.sorted { $0.trialIndex < $1.trialIndex }
        if appendable && trialsFileCurrent {
            try? TrialsFile.append(sample, to: trialsPath)
        } else {
            try? TrialsFile.write(sorted, to: trialsPath)
            trialsFileCurrent = true
        }
        let now = ProcessInfo.processInfo.systemUptime
        if now >= nextInterimExportAt || !sample.isMeasured {
            var report = spec.report(of: sorted)
            report.isInterim = true
            writeReport(report)
            let cost = ProcessInfo.processInfo.systemUptime - now
            nextInterimExportAt = ProcessInfo.processInfo.systemUptime + Self.interimExportSpacing(costSeconds: cost)
        }
    }

    /// Seconds to wait after an interim export that took `costSeconds` before writing the next.
    /// An export under 0.1 s (a study of tens of trials) is written after every trial; a dearer
    /// one (seconds, at hundreds of trials in a debug build) waits 19 × its cost, so the exports
    /// take at most 5 % of the study's wall time. A failed trial is always followed by one, so a
    /// study that stops on failures leaves them in its report. Nothing is lost in between: the
    /// store and trials.jsonl hold every trial, and `tuner report` draws them.
    static func interimExportSpacing(costSeconds: Double) -> Double { costSeconds < 0.1 ? 0 : 19 * costSeconds }

    /// Renders every export from what the store holds now: trials.jsonl, decision.json (when a
    /// decision is stored), and the report (decided, or marked interim when no decision is).
    /// - Throws: when the store cannot be read.
    public func render(from store: StudyStore) throws {
        let samples = try store.samples()
        try? TrialsFile.write(samples, to: trialsPath)
        trialsFileCurrent = true
        var report = spec.report(of: samples)
        if let decision = try store.decision() {
            let verification = try store.verification()
            try? DecisionFile.write(decision, verification: verification, to: decisionPath)
            report.apply(decision)
            report.verification = verification
        } else {
            report.isInterim = true
        }
        writeReport(report)
    }

    private func writeReport(_ report: FrontierReport) {
        if let json = try? ReportRenderer.json(report) { try? json.write(to: URL(fileURLWithPath: reportPath), options: .atomic) }
        try? ReportRenderer.csv(report).write(toFile: frontierPath, atomically: true, encoding: .utf8)
    }
}
