import Foundation
import TunerCore

/// The one factory of pause sources: the spec's `target.pauses.source` becomes a `PauseSource`.
public enum PauseSources {
    /// - Parameter launcher: starts the tools a source needs (`go tool trace`).
    public static func make(_ spec: PauseSourceSpec, launcher: Launcher) -> PauseSource {
        switch spec.kind {
        case .gctrace: return GCTracePauseSource()
        case .runtimeMetrics, .expvar, .prometheus:
            return ScrapedPauseSource(kind: spec.kind, url: spec.url ?? "", intervalSeconds: spec.intervalSeconds)
        case .trace: return TracePauseSource(url: spec.url ?? "", launcher: launcher)
        }
    }
}
