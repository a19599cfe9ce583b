import Foundation

/// Writes user-facing messages to stderr; colour only on a terminal without NO_COLOR/TERM=dumb.
enum Diagnostics {
    static let useColor: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return isatty(2) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }()

    static func error(_ message: String) {
        let prefix = useColor ? "\u{1B}[1;31merror:\u{1B}[0m " : "error: "
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// Standard output, flushed per line so progress shows up when piped.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
