import Foundation
import TunerCore

/// A readiness check with its ports filled in.
public enum ReadinessCheck: Sendable, Equatable {
    case http(url: String)
    case tcp(port: Int)
    /// A line of the process's stdout or stderr matches this regular expression.
    case log(pattern: String)

    /// Whether a line of `texts` matches `pattern` (the `log` check on output already read).
    public static func anyLine(of texts: [String], matches pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return texts.contains { text in
            text.split(separator: "\n").contains { line in
                let line = String(line)
                return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
            }
        }
    }
}
