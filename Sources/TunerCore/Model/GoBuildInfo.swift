/// What a Go binary says of its build (`go version -m BINARY`): the toolchain, the experiments
/// it was built with, and the `//go:debug` defaults baked into it.
public struct GoBuildInfo: Sendable, Codable, Equatable {
    /// e.g. `go1.27.2`.
    public var goVersion: String
    /// Main module path, e.g. `github.com/nats-io/nats-server/v2`; nil when not recorded.
    public var mainModule: String?
    /// `GOEXPERIMENT` build setting, split on commas (empty: the release's defaults).
    public var experiments: [String]
    /// `DefaultGODEBUG` build setting (from `//go:debug` lines or go.mod `godebug`), as written.
    public var defaultGODEBUG: String?

    public init(goVersion: String, mainModule: String?, experiments: [String], defaultGODEBUG: String?) {
        self.goVersion = goVersion
        self.mainModule = mainModule
        self.experiments = experiments
        self.defaultGODEBUG = defaultGODEBUG
    }

    /// (major, minor) of `goVersion`, e.g. (1, 27); nil for a development build.
    public var release: (major: Int, minor: Int)? {
        guard goVersion.hasPrefix("go") else { return nil }
        let parts = goVersion.dropFirst(2).split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// Whether the binary's runtime honours `GOMEMLIMIT` (Go 1.19 and later).
    public var supportsMemoryLimit: Bool {
        guard let release else { return true }
        return release.major > 1 || release.minor >= 19
    }

    /// Whether the Green Tea collector is on: the default from Go 1.26 unless built with
    /// `GOEXPERIMENT=nogreenteagc`; opt-in (`greenteagc`) in Go 1.25; absent before.
    public var greenTeaCollector: Bool {
        guard let release else { return !experiments.contains("nogreenteagc") }
        if release.major > 1 || release.minor >= 26 { return !experiments.contains("nogreenteagc") }
        if release.minor == 25 { return experiments.contains("greenteagc") }
        return false
    }

    /// `DefaultGODEBUG` settings that change the collector or its pacing (the service sets
    /// them for itself, and they change what tuner's knobs do).
    public var gcRelatedGODEBUG: [String] {
        guard let text = defaultGODEBUG else { return [] }
        let gcKeys = [
            "gcstoptheworld", "gcshrinkstackoff", "madvdontneed", "gccheckmark", "gcpacertrace",
            "harddecommit", "scavtrace", "disablethp", "gctrace",
        ]
        return text.split(separator: ",").map(String.init).filter { entry in
            gcKeys.contains { entry.hasPrefix("\($0)=") }
        }
    }

    /// Parses the output of `go version -m BINARY`; nil when it holds no Go version line.
    public static func parse(goVersionOutput text: String) -> GoBuildInfo? {
        var version: String?
        var module: String?
        var experiments: [String] = []
        var godebug: String?
        for line in text.split(separator: "\n") {
            let trimmed = String(line).trimmingSpaces
            if version == nil, let colon = line.range(of: ": go"), !line.hasPrefix("\t") {
                version = String(line[line.index(after: colon.lowerBound)...]).trimmingSpaces
                continue
            }
            let fields = trimmed.split(separator: "\t", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "mod": if module == nil { module = fields[1] }
            case "path": if module == nil { module = fields[1] }
            case "build":
                if fields[1].hasPrefix("GOEXPERIMENT=") {
                    experiments = fields[1].dropFirst("GOEXPERIMENT=".count).split(separator: ",").map(String.init)
                } else if fields[1].hasPrefix("DefaultGODEBUG=") {
                    godebug = String(fields[1].dropFirst("DefaultGODEBUG=".count))
                }
            default: break
            }
        }
        guard let version else { return nil }
        return GoBuildInfo(goVersion: version, mainModule: module, experiments: experiments, defaultGODEBUG: godebug)
    }

    /// e.g. "go1.27.2, Green Tea GC on".
    public var summary: String {
        var parts = [goVersion, "Green Tea GC \(greenTeaCollector ? "on" : "off")"]
        if !experiments.isEmpty { parts.append("GOEXPERIMENT=\(experiments.joined(separator: ","))") }
        return parts.joined(separator: ", ")
    }
}
