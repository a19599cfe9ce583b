import Foundation
import Testing

@testable import TunerCore
@testable import TunerRuntime

/// Services configured as people run them: ports and folders through the environment, config
/// files rendered from templates beside the spec, a reset command, the Go binary behind a wrapper.
@Suite struct ServiceConfigurationSpecTests {
    let directory = NSTemporaryDirectory() + "tuner-service-spec-\(UUID().uuidString)"

    func parse(_ target: String, templates: [String: String] = [:]) throws(SpecError) -> StudySpec {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in templates { try? text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8) }
        return try SpecLoader.parse(
            yaml: """
                study: kv
                target:
                \(target.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                load: {kind: hey, url: "http://127.0.0.1:{port}/put"}
                parameters: {gogc: {values: [50, 100]}}
                budget: {settings: 2, duration: 2s}
                """, file: "kv.yml", absolutePath: "\(directory)/kv.yml")
    }

    @Test func aPortGivenOnlyThroughTheEnvironmentOrAConfigFileCountsAsBound() throws {
        let spec = try parse(
            """
            command: [bin/kv, -config, "{scratch}/kv.conf"]
            env: {PORT: "{port}"}
            files: {kv.conf: kv.conf.tmpl}
            pauses: {source: prometheus, url: "http://127.0.0.1:{port:admin}/metrics"}
            """, templates: ["kv.conf.tmpl": "# admin\nadmin_addr = 127.0.0.1:{port:admin}\ndata_dir = {scratch}/data\n"])
        #expect(spec.target.boundPortNames.sorted() == ["", "admin"])
        #expect(spec.target.files["kv.conf"]?.contains("admin_addr = 127.0.0.1:{port:admin}") == true)
        #expect(spec.target.usesScratch)
        #expect(spec.target.readiness.kind == .tcp(port: "{port}"), "the default probe is the first port given")
    }

    @Test func aTemplateThatNamesAnUnknownPlaceholderIsRefusedWithItsFileAndLine() throws {
        do {
            _ = try parse(
                "command: [bin/kv, \"{port}\"]\nfiles: {kv.conf: kv.conf.tmpl}",
                templates: ["kv.conf.tmpl": "data_dir = {scratch}/data\nadmin_addr = 127.0.0.1:{prot}\n"])
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "target.files.kv.conf")
            #expect(error.message.contains("\(directory)/kv.conf.tmpl:2: {prot} is not a placeholder tuner fills in"), "\(error.message)")
        }
    }

    @Test func templatesKeepBracesThatAreNotPlaceholders() throws {
        let text = #"{"port": {port}, "tmpl": "{{.Name}}", "shell": "${HOME}", "data": "{scratch}"}"#
        #expect(TrialPlaceholders.unknown(in: text).isEmpty)
        #expect(TrialPlaceholders.unknown(in: "{port:} {scrach} {port:admin}") == ["{port:}", "{scrach}"])
        let filled = TrialPlaceholders(ports: ["": 8080, "admin": 9090], scratch: "/s").expand("{port} {port:admin} {scratch}/x")
        #expect(filled == "8080 9090 /s/x")
    }

    @Test func anUnknownPlaceholderInTheEnvironmentIsRefusedNamingTheKey() throws {
        do {
            _ = try parse("command: [bin/kv]\nenv: {PORT: \"{prot}\"}")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "target.env.PORT")
            #expect(error.message.contains("{prot} is not a placeholder"))
        }
    }

    @Test func aMissingTemplateIsRefusedNamingIt() throws {
        do {
            _ = try parse("command: [bin/kv, \"{port}\"]\nfiles: {kv.conf: missing.tmpl}")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "target.files.kv.conf")
            #expect(error.message.contains("cannot read the template \(directory)/missing.tmpl"))
        }
    }

    @Test func resetAndBinaryAreReadWithTheirPlaceholdersAndPaths() throws {
        let spec = try parse(
            """
            command: [sh, -c, "exec bin/kv -port {port}"]
            reset: [bin/wipe, "{scratch}"]
            binary: bin/kv
            """)
        #expect(spec.target.reset == ["bin/wipe", "{scratch}"])
        #expect(spec.target.binary == "\(directory)/bin/kv")
    }

    @Test func gomaxprocsAboveThePinnedCPUsIsWarnedAboutNamingBothKeys() throws {
        let spec = try parse("command: [bin/kv, \"{port}\"]\nenv: {GOMAXPROCS: \"2\"}\ncpus: \"1\"")
        #expect(spec.target.pinnedCPUCount == 1)
        let warning = try #require(spec.target.warnings.first)
        #expect(warning.contains("target.env.GOMAXPROCS is 2 but target.cpus (1) gives the server 1 CPU(s)"), "\(warning)")
        #expect(try parse("command: [bin/kv, \"{port}\"]\nenv: {GOMAXPROCS: \"2\"}\ncpus: \"0-1\"").target.warnings.isEmpty)
        #expect(try parse("command: [bin/kv, \"{port}\"]\nenv: {GOMAXPROCS: \"2\"}").target.warnings.isEmpty)
    }
}
