/// A spec the user must fix, with where and how.
public struct SpecError: Error, Equatable, CustomStringConvertible {
    /// The spec file as given.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// Dotted key path, e.g. `budget.repeats`; empty for file-level problems.
    public var keyPath: String
    /// What is wrong and what to do.
    public var message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}
