// Temporary stand-ins for types being written on the `pauses` and `loads` branches; removed
// when those land.

public enum OutputField: Sendable, Equatable {
    case json(path: String)
    case regex(pattern: String)
    public func validate() throws {}
}

public struct CommandOutputSpec: Sendable {
    public var throughput: OutputField
    public var operations: OutputField?
    public var latencyP50: OutputField?
    public var latencyP90: OutputField?
    public var latencyP99: OutputField?
    public var latencyMax: OutputField?
    public var errors: OutputField?
    public init(throughput: OutputField) { self.throughput = throughput }
}

public struct LoadMeasurement: Sendable {
    public var operations: Int = 0
    public var throughputPerSecond: Double = 0
    public var p50Millis: Double?
    public var p90Millis: Double?
    public var p99Millis: Double?
    public var maxMillis: Double?
    public var errors: Int = 0
    public var attempted: Int?
    public var errorBreakdown: [String: Int] = [:]
}
public enum WrkOutput { public static func parse(_ text: String) throws -> LoadMeasurement { LoadMeasurement() } }
public enum HeyOutput { public static func parse(_ text: String) throws -> LoadMeasurement { LoadMeasurement() } }
extension CommandOutputSpec {
    public func measurement(from text: String, durationSeconds: Double) throws -> LoadMeasurement { LoadMeasurement() }
}
