import Foundation
import TunerCore

/// What a trial's pause source hands a session when the measured run is about to start.
public struct PauseContext: Sendable {
    /// The running server (its stderr carries the gctrace).
    public let server: RunningProcess
    /// The trial's ports by placeholder name.
    public let ports: [String: Int]
    /// When the server was launched, Unix ns (gctrace counts from there).
    public let launchUnixNanos: Int64
    /// Length of the measured run about to start, seconds.
    public let windowSeconds: Double
    /// Path prefix for the source's own files (`PREFIX.trace`, …).
    public let logPrefix: String
    /// The setting the trial runs (a source that can see the service's own knobs checks them).
    public var setting: GCSetting = .goDefault

    public init(server: RunningProcess, ports: [String: Int], launchUnixNanos: Int64, windowSeconds: Double, logPrefix: String) {
        self.server = server
        self.ports = ports
        self.launchUnixNanos = launchUnixNanos
        self.windowSeconds = windowSeconds
        self.logPrefix = logPrefix
    }
}
