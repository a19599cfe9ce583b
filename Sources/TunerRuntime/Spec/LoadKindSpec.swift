import Foundation
import TunerCore
import Yams

/// What one load kind knows about itself, so that nothing outside its files switches on it:
/// its name and keys in the spec, how it reads them, the programs the preflight checks, the
/// fingerprint entries that make two studies' loads comparable, and the driver that runs it.
///
/// Adding a load kind touches one case of ``LoadSpec/Kind`` (with its entry in
/// ``LoadSpec/Kind/all`` and ``LoadSpec/Kind/spec``, all in `LoadSpec.swift`), one spec struct
/// conforming here (`Spec/`), one driver file (`Load/`, which also holds the struct's
/// ``driver(tool:)``), and one test file.
protocol LoadKindSpec: Sendable {
    /// `load.kind` as the spec writes it.
    static var kindName: String { get }
    /// The `load:` keys it takes besides `kind`, `cpus` and `max_error_rate`.
    static var keys: [String] { get }
    /// The share of failed requests a trial may have when `load.max_error_rate` is not given.
    static var defaultMaxErrorRate: Double { get }
    /// Reads its keys from the `load:` mapping (`node`), whose entries are `entries`.
    static func read(_ entries: [String: Node], in node: Node, reader: NodeReader, target: TargetSpec) throws(SpecError) -> Self
    /// This spec as the case of ``LoadSpec/Kind`` that holds it.
    var kind: LoadSpec.Kind { get }
    /// Programs the preflight resolves before the first trial, with the key to fix and how.
    var programs: [(program: String, key: String, hint: String)] { get }
    /// Its entries in the study fingerprint.
    var fingerprint: [String: String] { get }
    /// The driver that runs it through `tool`.
    func driver(tool: ToolRunner) -> LoadDriver
    /// The load as a level `tuner verify` can scale (clients, and each one's rate in an open
    /// loop), or nil when the kind has no such knob.
    var level: LoadLevel? { get }
    /// This load driven at `level`, or nil when the kind cannot drive it.
    func at(_ level: LoadLevel) -> LoadSpec.Kind?
}

extension LoadKindSpec {
    static var defaultMaxErrorRate: Double { 0.01 }
    var level: LoadLevel? { nil }
    func at(_ level: LoadLevel) -> LoadSpec.Kind? { nil }
}
