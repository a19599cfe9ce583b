import Foundation
import TunerCore

/// How tuner decides the server is ready.
public struct ReadinessProbe: Sendable {
    public enum Kind: Sendable, Equatable {
        /// HTTP GET answered with a 2xx status; port placeholders are substituted.
        case http(url: String)
        /// A TCP connection to 127.0.0.1 on this port (`{port}`, `{port:NAME}` or a number) is accepted.
        case tcp(port: String)
        /// A line of the server's stdout or stderr matches this regular expression.
        case log(pattern: String)
    }
    public var kind: Kind
    /// Upper bound on the wait, seconds.
    public var timeoutSeconds: Double

    public init(kind: Kind, timeoutSeconds: Double) {
        self.kind = kind
        self.timeoutSeconds = timeoutSeconds
    }
}
