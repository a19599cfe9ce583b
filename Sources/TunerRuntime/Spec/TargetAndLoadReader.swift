import Foundation
import TunerCore
import Yams

/// `target:` and `load:` sections: any program, any of the load kinds.
extension NodeReader {
    func targetSpec(_ node: Node, specDirectory: String) throws(SpecError) -> TargetSpec {
        let path = "target"
        let entries = try mapping(
            node, path,
            allowed: [
                "name", "workdir", "build", "command", "env", "files", "reset", "binary", "ready", "stop_signal",
                "stop_grace", "max_rss", "cpus", "pauses",
            ])
        let name = try entries["name"].map { n throws(SpecError) in try string(n, "target.name") } ?? "service"
        let workdir = resolve(
            try entries["workdir"].map { n throws(SpecError) in try string(n, "target.workdir") } ?? ".", against: specDirectory)
        let build = try entries["build"].map { n throws(SpecError) in try stringList(n, "target.build") }
        let commandNode = try required(entries, "command", path, in: node)
        let command = try stringList(commandNode, "target.command")
        var environment: [String: String] = [:]
        if let envNode = entries["env"] {
            guard case .mapping(let envMapping) = envNode else { throw error(envNode, "target.env", "expected a mapping NAME: value") }
            for (key, value) in envMapping {
                guard let name = key.string else { throw error(key, "target.env", "names must be text") }
                if ["GOGC", "GOMEMLIMIT", "GODEBUG"].contains(name) {
                    throw error(key, "target.env.\(name)", "tuner sets \(name) itself for every trial; remove it here")
                }
                let text = try string(value, "target.env.\(name)")
                if let unknown = TrialPlaceholders.unknown(in: text).first {
                    throw error(
                        value, "target.env.\(name)", "\(unknown) is not a placeholder tuner fills in; use {port}, {port:NAME} or {scratch}")
                }
                environment[name] = text
            }
        }
        var files: [String: String] = [:]
        if let filesNode = entries["files"] {
            guard case .mapping(let filesMapping) = filesNode else {
                throw error(filesNode, "target.files", "expected a mapping FILE_NAME: template path (beside the spec)")
            }
            for (key, value) in filesMapping {
                guard let name = key.string, !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                    throw error(
                        key, "target.files",
                        "a file name without a slash, e.g. server.conf: it is written into the trial's {scratch} folder")
                }
                let templatePath = resolve(try string(value, "target.files.\(name)"), against: specDirectory)
                guard let data = FileManager.default.contents(atPath: templatePath) else {
                    throw error(value, "target.files.\(name)", "cannot read the template \(templatePath); give a file beside the spec")
                }
                let text = String(decoding: data, as: UTF8.self)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if let unknown = TrialPlaceholders.unknown(in: String(line)).first {
                        throw error(
                            value, "target.files.\(name)",
                            "\(templatePath):\(number + 1): \(unknown) is not a placeholder tuner fills in; use {port}, {port:NAME} or {scratch}"
                        )
                    }
                }
                files[name] = text
            }
        }
        let reset = try entries["reset"].map { n throws(SpecError) in try stringList(n, "target.reset") }
        if let reset, let resetNode = entries["reset"], let unknown = TrialPlaceholders.unknown(in: reset.joined(separator: " ")).first {
            throw error(resetNode, "target.reset", "\(unknown) is not a placeholder tuner fills in; use {port}, {port:NAME} or {scratch}")
        }
        let binary = try entries["binary"].map { n throws(SpecError) in resolve(try string(n, "target.binary"), against: workdir) }
        let bound = PortPlaceholders.names(
            in: command + environment.keys.sorted().map { environment[$0]! } + files.keys.sorted().map { files[$0]! })
        var readiness = ReadinessProbe(
            kind: .tcp(port: bound.first.map { $0.isEmpty ? "{port}" : "{port:\($0)}" } ?? ""), timeoutSeconds: 10)
        var readyNode: Node?
        if let node = entries["ready"] {
            readyNode = node
            let ready = try mapping(node, "target.ready", allowed: ["http", "tcp", "log", "timeout"])
            let kinds = ["http", "tcp", "log"].filter { ready[$0] != nil }
            guard kinds.count <= 1 else {
                throw error(node, "target.ready", "give one of http, tcp or log, not \(kinds.joined(separator: " and "))")
            }
            if let http = ready["http"] {
                let url = try string(http, "target.ready.http")
                try requireLoopbackURL(url, http, "target.ready.http")
                readiness.kind = .http(url: url)
            }
            if let tcp = ready["tcp"] {
                let port = try string(tcp, "target.ready.tcp")
                guard Int(port).map({ (1...65535).contains($0) }) == true || PortPlaceholders.names(in: [port]).count == 1 else {
                    throw error(tcp, "target.ready.tcp", "'\(port)' is not a port; write \"{port}\", \"{port:NAME}\" or a number")
                }
                readiness.kind = .tcp(port: port)
            }
            if let log = ready["log"] {
                let pattern = try string(log, "target.ready.log")
                do { _ = try NSRegularExpression(pattern: pattern) } catch {
                    throw self.error(log, "target.ready.log", "'\(pattern)' is not a regular expression: \(error.localizedDescription)")
                }
                readiness.kind = .log(pattern: pattern)
            }
            if let timeout = ready["timeout"] {
                readiness.timeoutSeconds = try seconds(timeout, "target.ready.timeout", range: 0.1...600)
            }
        }
        if case .tcp(let port) = readiness.kind, port.isEmpty {
            throw error(
                readyNode ?? commandNode, "target.ready",
                "the service is given no {port} (in target.command, target.env or target.files), so tuner cannot probe it; add \"{port}\" where the service reads its port, or give target.ready.log: a line the server prints when ready"
            )
        }
        var signal = StopSignal.term
        if let signalNode = entries["stop_signal"] {
            let text = try string(signalNode, "target.stop_signal").uppercased()
            let bare = text.hasPrefix("SIG") ? String(text.dropFirst(3)) : text
            guard let known = StopSignal.known.first(where: { $0.name == bare }) else {
                throw error(
                    signalNode, "target.stop_signal",
                    "'\(text)' is not a signal tuner sends; use one of \(StopSignal.known.map(\.name).joined(separator: ", "))")
            }
            signal = known
        }
        let grace = try entries["stop_grace"].map { n throws(SpecError) in try seconds(n, "target.stop_grace", range: 0...60) } ?? 3
        let maxRSS = try entries["max_rss"].map { n throws(SpecError) in try bytes(n, "target.max_rss") } ?? (8 << 30)
        var target = TargetSpec(
            name: name, workdir: workdir, build: build, command: command, environment: environment,
            readiness: readiness, stopGraceSeconds: grace, maxRSSBytes: maxRSS)
        target.stopSignal = signal
        target.files = files
        target.reset = reset
        target.binary = binary
        target.cpus = try entries["cpus"].map { n throws(SpecError) in try cpuList(n, "target.cpus") }
        if let pausesNode = entries["pauses"] {
            target.pauses = try pauseSource(pausesNode)
        }
        // Every port a probe or a source uses must be one the server command binds.
        var uses: [(String, String, Node?)] = []
        switch readiness.kind {
        case .http(let url): uses.append((url, "target.ready.http", readyNode))
        case .tcp(let port): uses.append((port, "target.ready.tcp", readyNode))
        case .log: break
        }
        if let url = target.pauses.url { uses.append((url, "target.pauses.url", entries["pauses"])) }
        try requireBound(uses, bound: bound)
        return target
    }

    func pauseSource(_ node: Node) throws(SpecError) -> PauseSourceSpec {
        let path = "target.pauses"
        let entries = try mapping(node, path, allowed: ["source", "url", "interval"])
        var spec = PauseSourceSpec()
        if let sourceNode = entries["source"] {
            let text = try string(sourceNode, "\(path).source")
            guard let kind = PauseSourceKind(rawValue: text) else {
                throw error(
                    sourceNode, "\(path).source",
                    "'\(text)' is not a pause source; use one of \(PauseSourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            spec.kind = kind
        }
        if let urlNode = entries["url"] {
            let url = try string(urlNode, "\(path).url")
            try requireLoopbackURL(url, urlNode, "\(path).url")
            spec.url = url
        }
        if spec.kind != .gctrace && spec.url == nil {
            let example = ScrapedPauseSource.format(of: spec.kind)?.exampleURL ?? "http://127.0.0.1:{port}/debug/pprof/trace"
            throw error(
                node, "\(path).url", "source \(spec.kind.rawValue) reads an endpoint of the service; give its url, e.g. \"\(example)\"")
        }
        if spec.kind == .gctrace, let urlNode = entries["url"] {
            throw error(
                urlNode, "\(path).url", "gctrace is read from the server's stderr and takes no url; remove it or choose another source")
        }
        spec.intervalSeconds =
            try entries["interval"].map { n throws(SpecError) in try seconds(n, "\(path).interval", range: 0.05...60) }
            ?? (ScrapedPauseSource.format(of: spec.kind)?.defaultIntervalSeconds ?? 1)
        return spec
    }

    func requireLoopbackURL(_ url: String, _ node: Node, _ path: String) throws(SpecError) {
        guard url.hasPrefix("http://127.") || url.hasPrefix("http://localhost") || url.hasPrefix("http://[::1]") else {
            throw error(node, path, "'\(url)' must be a loopback http:// URL (tuner only talks to this machine)")
        }
    }

    /// Refuses a `{port:NAME}` used in `uses` that the server command never binds.
    func requireBound(_ uses: [(text: String, path: String, node: Node?)], bound: [String]) throws(SpecError) {
        for use in uses {
            for name in PortPlaceholders.names(in: [use.text]) where !bound.contains(name) {
                let placeholder = name.isEmpty ? "{port}" : "{port:\(name)}"
                throw error(
                    use.node, use.path,
                    "uses \(placeholder), but the service is never given it (in target.command, target.env or target.files), so nothing listens there; add \(placeholder) where the service reads its ports\(bound.isEmpty ? "" : " (it binds \(bound.map { $0.isEmpty ? "{port}" : "{port:\($0)}" }.joined(separator: ", ")))")"
                )
            }
        }
    }

    /// One kind's keys read as its case of `LoadSpec.Kind` (a generic function: the load kind's
    /// type is opened here rather than called through its existential metatype).
    private func readKind<K: LoadKindSpec>(_ type: K.Type, _ entries: [String: Node], in node: Node, target: TargetSpec)
        throws(SpecError) -> LoadSpec.Kind
    {
        try K.read(entries, in: node, reader: self, target: target).kind
    }

    func loadSpec(_ node: Node, target: TargetSpec) throws(SpecError) -> LoadSpec {
        let common = ["kind", "cpus", "max_error_rate"]
        let names = LoadSpec.Kind.all.map { $0.kindName }
        let listed = names.dropLast().joined(separator: ", ") + " or " + names.last!
        guard case .mapping = node else { throw error(node, "load", "expected a mapping with kind: \(listed)") }
        let kindText =
            try (try mapping(node, "load", allowed: nil))["kind"].map { n throws(SpecError) in try string(n, "load.kind") } ?? "sync-bench"
        guard let type = LoadSpec.Kind.all.first(where: { $0.kindName == kindText }) else {
            throw error(node, "load.kind", "'\(kindText)' is not a load kind tuner drives; use \(listed)")
        }
        let entries = try mapping(node, "load", allowed: common + type.keys)
        var load = LoadSpec(kind: try readKind(type, entries, in: node, target: target))
        load.cpus = try entries["cpus"].map { n throws(SpecError) in try cpuList(n, "load.cpus") }
        load.maxErrorRate =
            try entries["max_error_rate"].map { n throws(SpecError) in try number(n, "load.max_error_rate", range: 0...1) }
            ?? type.defaultMaxErrorRate
        return load
    }

    /// `load.url`: a loopback URL whose ports the server command binds.
    func loadURL(_ entries: [String: Node], in node: Node, target: TargetSpec) throws(SpecError) -> String {
        let urlNode = try required(entries, "url", "load", in: node)
        let url = try string(urlNode, "load.url")
        try requireLoopbackURL(url, urlNode, "load.url")
        try requireBound([(url, "load.url", urlNode)], bound: target.boundPortNames)
        return url
    }

    /// A program name (looked up on PATH at launch) or a path relative to target.workdir.
    func executable(_ node: Node, _ path: String, workdir: String) throws(SpecError) -> String {
        let text = try string(node, path)
        return text.contains("/") ? resolve(text, against: workdir) : text
    }

    /// `{json: "$.a.b"}` or `{regex: "rate ([0-9.]+)"}`.
    func outputField(_ node: Node, _ path: String) throws(SpecError) -> OutputField {
        let entries = try mapping(node, path, allowed: ["json", "regex"])
        guard entries.count == 1, let (key, valueNode) = entries.first else {
            throw error(node, path, "give one of json: \"$.path.to.number\" or regex: \"pattern with one (group)\"")
        }
        let expression = try string(valueNode, "\(path).\(key)")
        let field: OutputField = key == "json" ? .json(path: expression) : .regex(pattern: expression)
        do { try field.validate() } catch { throw self.error(valueNode, "\(path).\(key)", "\(error)") }
        return field
    }
}
