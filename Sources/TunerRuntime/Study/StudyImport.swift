import Foundation
import TunerCore

/// Opens the store of a study folder for reading, whatever the folder holds: its database
/// (`study.sqlite`), or, when it has none (the committed reference runs, a folder copied without
/// its database, a study recorded before decisions were stored), its exports imported into an
/// in-memory store. Every stored-study command reads through the store this returns.
public enum StudyImport {
    /// The store to read and where its trials came from.
    public struct Opened {
        public var store: StudyStore
        /// The database or the export file the trials were read from.
        public var source: String
    }

    /// The study's store: `trialsFile` imported when given (a recorded surface, another
    /// study's export); else the `storage` given (a shared PostgreSQL study, a SQLite file);
    /// else `data/<study>/study.sqlite`; else the folder's exports.
    /// - Throws: when the database or a gzip export cannot be read.
    public static func open(
        spec: StudySpec, trialsFile: String? = nil, storage: StoreLocation? = nil, launcher: Launcher = PosixLauncher()
    ) throws -> Opened {
        let directory = StudyExports.directory(of: spec)
        if let trialsFile {
            return Opened(store: try imported(trialsFile: trialsFile, decisionFile: nil, launcher: launcher), source: trialsFile)
        }
        if case .postgres(let location) = storage {
            #if Postgres
                return Opened(store: try PostgresStudyStore(location: location, study: spec.study), source: location.redacted)
            #else
                _ = location
                throw StoreLocation.postgresNotBuiltIn
            #endif
        }
        var database = "\(directory)/study.sqlite"
        if case .sqlite(let path) = storage { database = path }
        let decisionFile = "\(directory)/decision.json"
        if FileManager.default.fileExists(atPath: database) {
            let store = try SQLiteStudyStore(path: database)
            // A database written before decisions were stored keeps its decision in decision.json.
            if try store.decision() == nil, let decision = try DecisionFile.read(path: decisionFile) {
                let copy = InMemoryStudyStore()
                for sample in try store.samples() { try copy.append(sample) }
                try copy.saveDecision(decision)
                if let verification = try store.verification() { try copy.saveVerification(verification) }
                return Opened(store: copy, source: database)
            }
            return Opened(store: store, source: database)
        }
        let trials =
            ["\(directory)/trials.jsonl", "\(directory)/trials.jsonl.gz"].first { FileManager.default.fileExists(atPath: $0) }
            ?? "\(directory)/trials.jsonl"
        return Opened(store: try imported(trialsFile: trials, decisionFile: decisionFile, launcher: launcher), source: trials)
    }

    /// An in-memory store holding the trials of a trials.jsonl export and, when given and
    /// present, the decision of a decision.json export.
    /// - Throws: when a `.gz` file cannot be decompressed or the decision cannot be read.
    public static func imported(trialsFile: String, decisionFile: String?, launcher: Launcher = PosixLauncher()) throws
        -> InMemoryStudyStore
    {
        let store = InMemoryStudyStore()
        for sample in try TrialsFile.read(path: trialsFile, launcher: launcher) { try store.append(sample) }
        if let decisionFile, let decision = try DecisionFile.read(path: decisionFile) {
            try store.saveDecision(decision)
            if let verification = try DecisionFile.readVerification(path: decisionFile) { try store.saveVerification(verification) }
        }
        return store
    }
}
