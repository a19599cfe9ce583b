import ArgumentParser
import Foundation
import TunerRuntime

extension Tuner {
    struct Frontier: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, markdown }

        static let configuration = CommandConfiguration(
            abstract: "Print a study's frontier (with its stored decision) as a table, JSON, CSV or Markdown.")

        @OptionGroup var study: StoredStudyOptions

        @Option(help: "table, json, csv or markdown.")
        var format: Format = .table

        func run() throws {
            let stored = try study.load()
            switch format {
            case .table: say(ReportRenderer.table(stored.report))
            case .markdown: FileHandle.standardOutput.write(Data(ReportRenderer.markdown(stored.report).utf8))
            case .csv: FileHandle.standardOutput.write(Data(ReportRenderer.csv(stored.report).utf8))
            case .json: FileHandle.standardOutput.write(try ReportRenderer.json(stored.report) + Data("\n".utf8))
            }
            if let note = stored.decisionNote { Diagnostics.note(note) }
        }
    }
}
