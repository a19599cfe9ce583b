import ArgumentParser

/// tuner: measure Go GC settings (GOGC, GOMEMLIMIT) for a service and recommend one.
@main
struct Tuner: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tuner",
        abstract: "Find GOGC/GOMEMLIMIT settings for a Go service by measuring them.",
        discussion: "Start with: tuner run experiments/baseline.yml",
        version: "0.1.0",
        subcommands: [
            Run.self, Worker.self, Validate.self, Report.self, Show.self, Frontier.self, Recommend.self, Env.self, Notebook.self,
            Verify.self,
        ]
    )
}
