import Foundation
import TunerCore

/// What a study does before its first trial: run `target.build`, then check that the server and
/// load programs exist and that the target's Go can take the study's settings.
extension StudyRunner {
    /// Runs the build command, if any; throws with its output when it fails.
    public func build() throws {
        guard let command = spec.target.build else { return }
        let logs = "\(studyDirectory)/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        log("building \(spec.target.name): \(command.joined(separator: " ")) (in \(spec.target.workdir))")
        guard let launcher else { return }
        let process: RunningProcess
        do {
            process = try launcher.launch(
                LaunchRequest(
                    arguments: command, workingDirectory: spec.target.workdir,
                    environment: ProcessInfo.processInfo.environment,
                    stdoutPath: "\(logs)/build.stdout", stderrPath: "\(logs)/build.stderr"))
        } catch {
            throw StudyError.buildFailed(
                "target.build: \(error). Install what it needs (the README's quick start does) or fix target.build in \(spec.path)")
        }
        guard let exit = process.wait(timeoutSeconds: 600) else {
            process.stop(graceSeconds: 1)
            throw StudyError.buildFailed("target.build did not finish within 10 minutes")
        }
        guard exit.succeeded else {
            throw StudyError.buildFailed("target.build \(exit): \(lastLines(of: process.standardError(), count: 8))")
        }
    }

    /// Checks, after the build and before any trial, that the server and load programs exist
    /// and that the target's Go can take the study's settings. Returns warnings to show.
    /// - Throws: `StudyError.preflight` naming the key to fix.
    public func preflight() throws -> [String] {
        guard let launcher else { return [] }
        func resolve(_ program: String, _ key: String, hint: String) throws -> String {
            do { return try launcher.resolveExecutable(program, workingDirectory: spec.target.workdir) } catch {
                throw StudyError.preflight("\(spec.path): \(key): \(error); \(hint)")
            }
        }
        let server = try resolve(
            spec.target.command[0], "target.command", hint: "fix target.command (relative paths start in target.workdir) or target.build")
        for program in spec.load.kind.spec.programs { _ = try resolve(program.program, program.key, hint: program.hint) }
        var warnings: [String] = spec.target.warnings
        let found: (path: String, info: GoBuildInfo)
        if let info = launcher.goBuildInfo(executable: server) {
            found = (server, info)
        } else if let binary = spec.target.binary {
            let path = try resolve(binary, "target.binary", hint: "give the path of the Go binary the wrapper starts")
            guard let info = launcher.goBuildInfo(executable: path) else {
                throw StudyError.preflight(
                    "\(spec.path): target.binary: \(path) carries no Go build info (go version -m finds none); give the Go binary that target.command starts"
                )
            }
            found = (path, info)
        } else {
            log("target.command \(server) is not a Go binary (a wrapper?): starting it once to find the Go process it runs")
            let started: (path: String, info: GoBuildInfo)?
            do { started = try trialRunner.startOnceForBuildInfo() } catch {
                // The trials will say why in their own words; the study goes on to them.
                warnings.append(
                    "the service did not start for the preflight (\(error)): its Go build info is read at the first trial that starts, and GOMEMLIMIT support is not checked before it"
                )
                return warnings
            }
            guard let started else {
                warnings.append(
                    "no process target.command \(server) starts carries Go build info (none is a Go binary, or it exits at once): GOMEMLIMIT support and GC-related //go:debug are not checked; give target.binary if the Go binary is elsewhere"
                )
                return warnings
            }
            found = started
        }
        let info = found.info
        log("target: \(found.path): \(info.summary)")
        if !info.supportsMemoryLimit && spec.space.includesMemoryLimit {
            throw StudyError.preflight(
                "\(spec.path): parameters.gomemlimit: the target is built with \(info.goVersion), and GOMEMLIMIT exists only from Go 1.19; drop parameters.gomemlimit (GOGC only) or rebuild the target with a newer Go"
            )
        }
        if !info.gcRelatedGODEBUG.isEmpty {
            warnings.append(
                "the target sets GC-related GODEBUG defaults for itself (\(info.gcRelatedGODEBUG.joined(separator: ", ")), from //go:debug or go.mod): they change what GOGC and GOMEMLIMIT do, and tuner keeps them"
            )
        }
        let inherited = ProcessInfo.processInfo.environment["GODEBUG"] ?? ""
        let gcInherited = inherited.split(separator: ",").filter {
            !$0.hasPrefix("gctrace=")
                && GoBuildInfo(goVersion: "", mainModule: nil, experiments: [], defaultGODEBUG: String($0)).gcRelatedGODEBUG.count > 0
        }
        if !gcInherited.isEmpty {
            warnings.append(
                "GODEBUG in tuner's environment carries GC settings (\(gcInherited.joined(separator: ","))) that every trial inherits")
        }
        return warnings
    }
}
