import Foundation
import TunerCore

/// A signal by its name, as `target.stop_signal` gives it (`TERM`, `INT`, `QUIT`, `HUP`, …).
public struct StopSignal: Sendable, Equatable {
    public var name: String
    public var number: Int32

    public static let term = StopSignal(name: "TERM", number: SIGTERM)
    /// The signals a spec may name.
    public static let known: [StopSignal] = [
        .term, StopSignal(name: "INT", number: SIGINT), StopSignal(name: "QUIT", number: SIGQUIT),
        StopSignal(name: "HUP", number: SIGHUP), StopSignal(name: "USR1", number: SIGUSR1),
        StopSignal(name: "USR2", number: SIGUSR2), StopSignal(name: "KILL", number: SIGKILL),
    ]
}
