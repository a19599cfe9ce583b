import Foundation
import TunerCore

/// One read of a metrics endpoint: when (Unix ns, the request's midpoint) and what it answered.
struct Scrape: Sendable {
    var unixNanos: Int64
    var body: Data
}
