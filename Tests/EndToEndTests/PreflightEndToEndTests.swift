import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Misconfigurations caught before the first trial, each naming its key, nothing measured.
@Suite struct PreflightEndToEndTests {
    func run(target: String, load: String) throws -> TunerBinary.Result {
        let directory = NSTemporaryDirectory() + "tuner-preflight-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/spec.yml"
        try """
        study: preflight
        target: {workdir: \(directory), \(target)}
        load: {\(load)}
        parameters: {gogc: {values: [100]}}
        budget: {settings: 2, repeats: 1, warmup: 0s, duration: 1s, noise_check: off}
        output: {data_dir: \(directory)/data}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try TunerBinary.run(["run", path], timeoutSeconds: 60)
    }

    @Test func aServerCommandThatDoesNotExistIsNamedBeforeAnyTrial() throws {
        let result = try run(target: "command: [no-such-server-binary, \"{port}\"]", load: "kind: wrk, url: \"http://127.0.0.1:{port}/\"")
        #expect(result.status != 0)
        #expect(result.stderr.contains("target.command: no-such-server-binary is not on PATH"), "\(result.stderr)")
        #expect(!result.stdout.contains("[1/"), "no trial ran")
    }

    @Test func aLoadToolThatIsNotInstalledIsNamedWithTheFix() throws {
        let result = try run(
            target: "command: [sh, -c, \"sleep 5\", \"{port}\"]", load: "kind: hey, binary: no-such-hey, url: \"http://127.0.0.1:{port}/\"")
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("load.binary: no-such-hey is not on PATH; install it (apt-get install hey) or give load.binary"),
            "\(result.stderr)")
    }

    @Test func aRelativeServerPathThatIsMissingSaysWhereItLooked() throws {
        let result = try run(target: "command: [bin/server, \"{port}\"]", load: "kind: wrk, url: \"http://127.0.0.1:{port}/\"")
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("target.command:") && result.stderr.contains("bin/server does not exist or is not executable"),
            "\(result.stderr)")
    }
}
