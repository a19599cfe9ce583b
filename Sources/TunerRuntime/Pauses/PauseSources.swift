import Foundation
import TunerCore

/// The one factory of pause sources: the spec's `target.pauses.source` becomes a `PauseSource`.
/// A scraped source is any of ``ScrapedPauseSource/formats``; gctrace (the default) and the
/// execution trace have sources of their own.
public enum PauseSources {
    /// - Parameter launcher: starts the tools a source needs (`go tool trace`).
    public static func make(_ spec: PauseSourceSpec, launcher: Launcher) -> PauseSource {
        if let format = ScrapedPauseSource.format(of: spec.kind) {
            return ScrapedPauseSource(format: format, url: spec.url ?? "", intervalSeconds: spec.intervalSeconds)
        }
        switch spec.kind {
        case .trace: return TracePauseSource(url: spec.url ?? "", launcher: launcher)
        default: return GCTracePauseSource()
        }
    }
}
