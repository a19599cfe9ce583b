import Foundation
import TunerCore

/// The load generator: one of the kinds tuner drives, each with its own settings.
public struct LoadSpec: Sendable {
    public enum Kind: Sendable {
        /// The bundled collaborative-editing load (experiments/workload/cmd/sync-bench).
        case syncBench(SyncBenchLoad)
        /// wrk (Debian package `wrk`) against an HTTP URL.
        case wrk(WrkLoad)
        /// hey (Debian package `hey`) against an HTTP URL.
        case hey(HeyLoad)
        /// Any command whose output yields throughput and latency.
        case command(CommandLoad)

        /// Every kind's spec type, in the order messages list them.
        static let all: [any LoadKindSpec.Type] = [SyncBenchLoad.self, WrkLoad.self, HeyLoad.self, CommandLoad.self]

        /// The spec this case holds: the one switch over load kinds.
        var spec: any LoadKindSpec {
            switch self {
            case .syncBench(let load): return load
            case .wrk(let load): return load
            case .hey(let load): return load
            case .command(let load): return load
            }
        }
    }
    public var kind: Kind
    /// CPUs the load generator is pinned to (taskset syntax); nil = any.
    public var cpus: String? = nil
    /// A trial whose errors exceed this share of its requests fails (0: any error fails).
    public var maxErrorRate: Double = 0

    public init(kind: Kind, cpus: String? = nil, maxErrorRate: Double = 0) {
        self.kind = kind
        self.cpus = cpus
        self.maxErrorRate = maxErrorRate
    }

    /// The kind's name as the spec writes it.
    public var kindName: String { type(of: kind.spec).kindName }

    /// The study's own load as a level `tuner verify` scales (named "1x"), or nil when the kind
    /// has no client count to scale.
    public var level: LoadLevel? { kind.spec.level }

    /// This load driven at `level`, or nil when the kind cannot drive it.
    public func at(_ level: LoadLevel) -> LoadSpec? {
        guard let scaled = kind.spec.at(level) else { return nil }
        var copy = self
        copy.kind = scaled
        return copy
    }
}
