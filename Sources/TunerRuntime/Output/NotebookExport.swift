import Foundation

/// Writes a stored study's notebook: `DIR/<study>.json` (the ``NotebookData``), then
/// `scripts/notebook/make_notebook.py` builds `DIR/<study>.ipynb` from it, executes it, renders
/// `DIR/<study>.html` and saves the frontier figure as `DIR/<study>-frontier.png`. The notebook
/// reads only the JSON beside it.
public struct NotebookExport {
    /// The Python packages the script imports (import name, pip name), as pinned in
    /// `scripts/requirements-notebook.txt`.
    public static let pythonPackages: [(module: String, package: String)] = [
        ("matplotlib", "matplotlib"), ("nbformat", "nbformat"), ("nbclient", "nbclient"),
        ("nbconvert", "nbconvert"), ("ipykernel", "ipykernel"),
    ]

    /// Why the notebook could not be written, each with what to do.
    public enum Failure: Error, CustomStringConvertible {
        /// No python3 on PATH.
        case noPython
        /// `make_notebook.py` was not found beside the binary or above the working directory.
        case scriptNotFound(searched: [String])
        /// Python packages the script needs are not importable by `python`.
        case missingPackages([String], python: String)
        /// The script failed (its stderr has already been shown).
        case scriptFailed(status: Int32)
        /// The output folder or the data file could not be written.
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .noPython:
                return "tuner notebook needs python3 on PATH; install it (apt-get install python3 python3-pip) and run scripts/setup.sh"
            case .scriptNotFound(let searched):
                return
                    "scripts/notebook/make_notebook.py not found (looked in \(searched.joined(separator: ", "))); run tuner from its repository or set TUNER_NOTEBOOK_SCRIPT to the script's path"
            case .missingPackages(let packages, let python):
                return
                    "the notebook needs the Python package(s) \(packages.joined(separator: ", ")), missing for \(python); install them with 'source scripts/setup.sh' (or 'python3 -m pip install -r scripts/requirements-notebook.txt')"
            case .scriptFailed(let status):
                return "make_notebook.py failed (exit status \(status)); its error is above"
            case .cannotWrite(let path, let reason):
                return "cannot write \(path): \(reason)"
            }
        }
    }

    /// Output folder (created if missing).
    public var directory: String
    /// The script: `TUNER_NOTEBOOK_SCRIPT`, else found by ``locateScript(executablePath:workingDirectory:)``.
    public var scriptPath: String
    /// Seconds the notebook's execution may take before the script stops it.
    public var timeoutSeconds: Int = 600
    /// Runs python (the package check and the script).
    public var launcher: Launcher = PosixLauncher()

    public init(directory: String, scriptPath: String) {
        self.directory = directory
        self.scriptPath = scriptPath
    }

    /// The script's path: `$TUNER_NOTEBOOK_SCRIPT`, or `scripts/notebook/make_notebook.py` in the
    /// first folder above the executable (`.build/debug/tuner` sits in the repository) or above
    /// the working directory that has it.
    public static func locateScript(
        executablePath: String, workingDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Failure) -> String {
        if let given = environment["TUNER_NOTEBOOK_SCRIPT"], !given.isEmpty { return given }
        let relative = "scripts/notebook/make_notebook.py"
        var searched: [String] = []
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        for start in [executable.deletingLastPathComponent(), URL(fileURLWithPath: workingDirectory)] {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent(relative).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
            searched.append("above \(start.path)")
        }
        throw .scriptNotFound(searched: searched)
    }

    /// Where python3 is on PATH, or nil.
    static func python() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The packages of ``pythonPackages`` that `python` cannot import (asked without importing
    /// them: `importlib.util.find_spec`).
    func missingPackages(python: String) -> [String] {
        let modules = Self.pythonPackages.map { "'\($0.module)'" }.joined(separator: ",")
        let check = "import importlib.util as u\nfor m in [\(modules)]:\n    u.find_spec(m) is None and print(m)"
        guard let run = try? launcher.runTool([python, "-c", check], timeoutSeconds: 60) else { return Self.pythonPackages.map(\.package) }
        let missing = Set(run.standardOutput.split(separator: "\n").map(String.init))
        return Self.pythonPackages.filter { missing.contains($0.module) }.map(\.package)
    }

    /// Writes the data file, then runs the script on it; returns the paths it wrote.
    /// The script's progress and errors go to this process's stderr.
    public func write(_ data: NotebookData) throws -> (notebook: String, html: String, frontierPNG: String) {
        guard let python = Self.python() else { throw Failure.noPython }
        let missing = missingPackages(python: python)
        guard missing.isEmpty else { throw Failure.missingPackages(missing, python: python) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure.cannotWrite(path: directory, reason: error.localizedDescription)
        }
        let base = "\(directory)/\(data.study)"
        do {
            try data.json().write(to: URL(fileURLWithPath: "\(base).json"), options: .atomic)
        } catch {
            throw Failure.cannotWrite(path: "\(base).json", reason: "\(error)")
        }
        // The script's progress and errors go straight to this process's stderr.
        let process = try launcher.launch(
            LaunchRequest(
                arguments: [python, scriptPath, "\(base).json", "--timeout", String(timeoutSeconds)],
                workingDirectory: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment,
                stdoutPath: "", stderrPath: "", role: "tool", writesToTunerStderr: true))
        guard let exit = process.wait(timeoutSeconds: Double(timeoutSeconds) + 60) else {
            process.stop(graceSeconds: 1)
            throw Failure.scriptFailed(status: -1)
        }
        guard exit.succeeded else {
            if case .exited(let code) = exit { throw Failure.scriptFailed(status: code) }
            throw Failure.scriptFailed(status: -1)
        }
        return ("\(base).ipynb", "\(base).html", "\(base)-frontier.png")
    }
}
