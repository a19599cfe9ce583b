import Foundation
import TunerCore

/// Why a trial produced no sample. The study records it and goes on.
public struct TrialFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The server could not bind its port (someone took it first): worth one more try.
    public var portTaken = false
    public init(_ description: String) { self.description = description }
}
