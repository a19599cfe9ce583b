import ArgumentParser
import Foundation

/// tuner-lab: the search benchmark's command line, apart from the product. It replays recorded
/// surfaces (`data/surfaces/`) and writes what `experiments/bench/` scores; `tuner` never links it.
@main
struct TunerLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tuner-lab",
        abstract: "The search benchmark: compare search strategies on recorded surfaces (experiments/bench/README.md).",
        subcommands: subcommands
    )

    /// bench-workers needs the Postgres trait (`swift build --traits Postgres`).
    static var subcommands: [any ParsableCommand.Type] {
        #if Postgres
            [Lab.BenchSearch.self, Lab.BenchConfirm.self, Lab.BenchHosts.self, Lab.BenchWorkers.self]
        #else
            [Lab.BenchSearch.self, Lab.BenchConfirm.self, Lab.BenchHosts.self]
        #endif
    }
}

/// The namespace of tuner-lab's subcommands.
enum Lab {}

/// Writes messages to stderr.
enum Diagnostics {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}

/// Standard output, flushed per line so progress shows up when piped.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
