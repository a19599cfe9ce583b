import Foundation
import TunerCore

/// The one factory of pause sources: the spec's `target.pauses.source` becomes a `PauseSource`.
public enum PauseSources {
    public static func make(_ spec: PauseSourceSpec) -> PauseSource {
        switch spec.kind {
        case .gctrace: return GCTracePauseSource()
        default: return GCTracePauseSource() // replaced when the scraping sources land
        }
    }
}
