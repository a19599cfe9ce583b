import Foundation
import TunerCore

/// One objective: a metric and whether to minimise or maximise it.
public struct ObjectiveSpec: Sendable, Equatable {
    public var metric: Metric
    public var direction: ObjectiveDirection
}
