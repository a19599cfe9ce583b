import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// What the notebook tests need on the machine, found once.
enum NotebookTools {
    /// python3 on PATH with every package of scripts/requirements-notebook.txt.
    static let pythonReady: Bool = {
        guard let python = NotebookExport.python() else { return false }
        return NotebookExport(directory: "/tmp", scriptPath: "").missingPackages(python: python).isEmpty
    }()
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A tiny real study of the bundled server, run once for every test here: a surrogate search of
    /// 4 trials over GOGC × GOMEMLIMIT (so the surface has both knobs and their off arms) and 2
    /// confirmation pairs (too few to confirm: the stored decision is the Go default, with the
    /// refuted candidate's pairs to draw). About 45 s on 2 cores.
    static let tinyStudy: Result<String, any Error> = Result {
        let directory = NSTemporaryDirectory() + "tuner-notebook-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spec = "\(directory)/nb-tiny.yml"
        try """
        study: nb-tiny
        seed: 5
        \(TunerBinary.bundledTarget)
        load: {binary: bin/sync-bench, mode: closed, clients: 8, docs: 2, doc_size: 16KiB}
        parameters:
          gogc: {min: 25, max: 400, off: true}
          gomemlimit: {min: 32MiB, max: 256MiB, off: true}
        budget: {sampler: surrogate, trials: 4, initial: 3, confirm: 2, warmup: 500ms, duration: 2s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let run = try TunerBinary.run(["run", spec], timeoutSeconds: 300)
        guard run.status == 0 else { throw Failure(description: "tuner run failed: \(run.stderr)\n\(run.stdout)") }
        return spec
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// The committed reference baseline run (`data/reference/baseline/`), copied with
    /// experiments/baseline.yml into a fresh folder so the repository's files are never
    /// written; nil when it holds no trials.
    static func committedBaseline() throws -> String? {
        let root = TunerBinary.repositoryRoot
        guard
            let source = ["data/reference/baseline"].map({ root.appendingPathComponent($0).path })
                .first(where: { FileManager.default.fileExists(atPath: "\($0)/trials.jsonl") })
        else { return nil }
        let directory = NSTemporaryDirectory() + "tuner-notebook-baseline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(directory)/experiments", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(directory)/data/baseline", withIntermediateDirectories: true)
        // The spec's data lands in ../data beside it; its workdir is only read, never run here.
        let spec = try String(contentsOfFile: root.appendingPathComponent("experiments/baseline.yml").path, encoding: .utf8)
            .replacingOccurrences(of: "workdir: workload", with: "workdir: \(root.appendingPathComponent("experiments/workload").path)")
        try spec.write(toFile: "\(directory)/experiments/baseline.yml", atomically: true, encoding: .utf8)
        for file in ["trials.jsonl", "decision.json"] where FileManager.default.fileExists(atPath: "\(source)/\(file)") {
            try FileManager.default.copyItem(atPath: "\(source)/\(file)", toPath: "\(directory)/data/baseline/\(file)")
        }
        return "\(directory)/experiments/baseline.yml"
    }
}

/// `tuner notebook` on stored studies: the notebook is executed, every cell ran, every plot drew,
/// the HTML opens in a browser and shows its figures.
@Suite(.serialized) struct NotebookEndToEndTests {
    /// Runs `tuner notebook` and returns the notebook's JSON, its HTML path and the command's output.
    func export(_ spec: String, study: String) throws -> (notebook: [String: Any], html: String, result: TunerBinary.Result) {
        let out = NSTemporaryDirectory() + "tuner-notebook-out-\(UUID().uuidString)"
        let result = try TunerBinary.run(["notebook", spec, "--out", out], timeoutSeconds: 600)
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("Notebook: \(out)/\(study).ipynb"), "\(result.stdout)")
        for file in ["\(study).ipynb", "\(study).html", "\(study).json", "\(study)-frontier.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(file) written")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(study).ipynb"))
        let notebook = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (notebook, "\(out)/\(study).html", result)
    }

    /// Every code cell ran, none raised, and each plot cell produced a PNG; returns the plot count
    /// and the notebook's markdown text.
    func checkExecuted(_ notebook: [String: Any]) throws -> (plots: Int, markdown: String) {
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        var plots = 0
        var markdown = ""
        for (index, cell) in cells.enumerated() {
            if cell["cell_type"] as? String == "markdown" {
                markdown += (cell["source"] as? String) ?? ((cell["source"] as? [String])?.joined() ?? "")
                continue
            }
            guard cell["cell_type"] as? String == "code" else { continue }
            #expect(cell["execution_count"] as? Int != nil, "code cell \(index) has an execution_count")
            let outputs = (cell["outputs"] as? [[String: Any]]) ?? []
            let errors = outputs.filter { $0["output_type"] as? String == "error" }
            #expect(errors.isEmpty, "cell \(index) raised: \(errors.map { "\($0["ename"] ?? "") \($0["evalue"] ?? "")" })")
            let tags = ((cell["metadata"] as? [String: Any])?["tags"] as? [String]) ?? []
            if tags.contains("plot") {
                plots += 1
                let images = outputs.filter { (($0["data"] as? [String: Any])?["image/png"]) != nil }
                #expect(images.count == 1, "plot cell \(index) drew one image, got \(images.count)")
            }
        }
        return (plots, markdown)
    }

    @Test(.enabled(if: NotebookTools.pythonReady, "needs python3 with scripts/requirements-notebook.txt (source scripts/setup.sh)"))
    func aTinyStudysNotebookRunsEveryCellAndDrawsEveryPlot() throws {
        let spec = try NotebookTools.tinyStudy.get()
        let (notebook, _, _) = try export(spec, study: "nb-tiny")
        let (plots, markdown) = try checkExecuted(notebook)
        // Frontier, hypervolume, surrogate surface, pause ECDF and the confirmation pairs.
        #expect(plots == 5, "\(plots) plot cells")
        // The summary shows the stored decision as tuner report prints it.
        let report = try TunerBinary.run(["report", spec], timeoutSeconds: 60)
        let line = try #require(report.stdout.split(separator: "\n").first { $0.hasPrefix("Recommended: ") })
        let escaped = line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
        #expect(markdown.contains(escaped), "the notebook's summary holds tuner report's line: \(line)")
    }

    @Test(.enabled(if: NotebookTools.pythonReady, "needs python3 with scripts/requirements-notebook.txt (source scripts/setup.sh)"))
    func theCommittedBaselinesNotebookRunsEveryCellAndDrawsEveryPlot() throws {
        guard let spec = try NotebookTools.committedBaseline() else {
            Issue.record("no committed baseline trials in data/reference/baseline/")
            return
        }
        let (notebook, _, _) = try export(spec, study: "baseline")
        let (plots, markdown) = try checkExecuted(notebook)
        #expect(plots == 5, "\(plots) plot cells (three objectives: three pairs in one frontier figure)")
        #expect(markdown.contains("Recommended: "))
    }

    @Test(
        .enabled(
            if: NotebookTools.pythonReady && NotebookTools.chromium != nil,
            "needs python3 with the notebook packages and Debian's chromium (source scripts/setup.sh from scripts/test)"))
    func theHTMLOpensInHeadlessChromiumAndShowsItsFigures() throws {
        let spec = try NotebookTools.tinyStudy.get()
        let (_, html, _) = try export(spec, study: "nb-tiny")
        let shot = NSTemporaryDirectory() + "tuner-notebook-shot-\(UUID().uuidString).png"
        // Tall enough for the whole page of a tiny study: summary, tables and every figure.
        let browser = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [
                    NotebookTools.chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--screenshot=\(shot)", "--window-size=1400,7000", URL(fileURLWithPath: html).absoluteString,
                ],
                workingDirectory: NSTemporaryDirectory(), environment: ProcessInfo.processInfo.environment,
                stdoutPath: shot + ".out", stderrPath: shot + ".err"))
        _ = browser.wait(timeoutSeconds: 120) ?? browser.stop(graceSeconds: 1)
        #expect(
            FileManager.default.fileExists(atPath: shot),
            "chromium wrote no screenshot: \((try? String(contentsOfFile: shot + ".err", encoding: .utf8)) ?? "")")
        // Decode the PNG with matplotlib: the share of non-white pixels, and pixels in the
        // frontier's colours (matplotlib's C0 blue of frontier points, the crimson star).
        let measure = """
            import sys, numpy as np, matplotlib.image as im
            a = im.imread(sys.argv[1])[..., :3] * 255
            near = lambda rgb: int((np.abs(a - np.array(rgb)).max(axis=2) < 12).sum())
            print((a.min(axis=2) < 235).mean(), near((31, 119, 180)), near((220, 20, 60)))
            """
        let out = NSTemporaryDirectory() + "tuner-notebook-measure-\(UUID().uuidString)"
        let python = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [NotebookExport.python()!, "-c", measure, shot], workingDirectory: NSTemporaryDirectory(),
                environment: ProcessInfo.processInfo.environment, stdoutPath: out, stderrPath: out + ".err"))
        _ = python.wait(timeoutSeconds: 60)
        let figures = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try #require(
            figures.count == 3, "could not measure the screenshot: \((try? String(contentsOfFile: out + ".err", encoding: .utf8)) ?? "")")
        #expect(figures[0] > 0.02, "the page is not blank: \(figures[0] * 100) % of its pixels are not white")
        #expect(figures[1] > 200, "frontier points (C0 blue) are visible: \(Int(figures[1])) pixels")
        #expect(figures[2] > 50, "the recommendation's star (crimson) is visible: \(Int(figures[2])) pixels")
    }

    @Test(.enabled(if: NotebookExport.python() != nil, "needs python3 on PATH"))
    func aMissingPythonPackageIsNamedWithTheSetupCommand() throws {
        let spec = try #require(try NotebookTools.committedBaseline(), "no committed baseline trials in data/reference/baseline/")
        let python = try #require(NotebookExport.python())
        // A python3 that sees no site-packages (-S): every notebook package is missing for it.
        let bin = NSTemporaryDirectory() + "tuner-notebook-nopkgs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\nexec \(python) -S \"$@\"\n".write(toFile: "\(bin)/python3", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(bin)/python3")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "\(bin):" + (environment["PATH"] ?? "/usr/bin:/bin")
        let out = NSTemporaryDirectory() + "tuner-notebook-nopkgs-out-\(UUID().uuidString)"
        let process = try PosixLauncher().launch(
            LaunchRequest(
                arguments: [TunerBinary.path, "notebook", spec, "--out", out], workingDirectory: TunerBinary.repositoryRoot.path,
                environment: environment, stdoutPath: out + ".stdout", stderrPath: out + ".stderr"))
        let exit = process.wait(timeoutSeconds: 60) ?? process.stop(graceSeconds: 1)
        let stderr = (try? String(contentsOfFile: out + ".stderr", encoding: .utf8)) ?? ""
        #expect(exit != .exited(code: 0))
        #expect(
            stderr.contains("the notebook needs the Python package(s) matplotlib, nbformat, nbclient, nbconvert, ipykernel"), "\(stderr)")
        #expect(stderr.contains("source scripts/setup.sh") && stderr.contains("scripts/requirements-notebook.txt"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written when the packages are missing")
    }
}
