import Foundation
import TunerCore
import Yams

/// `target:` and `load:` sections: any program, any of the load kinds.
extension NodeReader {
    func targetSpec(_ node: Node, specDirectory: String) throws(SpecError) -> TargetSpec {
        let path = "target"
        let entries = try mapping(node, path, allowed: ["name", "workdir", "build", "command", "env", "ready", "stop_signal",
                                                        "stop_grace", "max_rss", "cpus", "pauses"])
        let name = try entries["name"].map { n throws(SpecError) in try string(n, "target.name") } ?? "service"
        let workdir = resolve(try entries["workdir"].map { n throws(SpecError) in try string(n, "target.workdir") } ?? ".", against: specDirectory)
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
                environment[name] = try string(value, "target.env.\(name)")
            }
        }
        let bound = PortPlaceholders.names(in: command)
        var readiness = ReadinessProbe(kind: .tcp(port: bound.first.map { $0.isEmpty ? "{port}" : "{port:\($0)}" } ?? ""), timeoutSeconds: 10)
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
            throw error(readyNode ?? commandNode, "target.ready", "target.command binds no {port}, so tuner cannot probe it; add \"{port}\" to target.command or give target.ready.log: a line the server prints when ready")
        }
        var signal = StopSignal.term
        if let signalNode = entries["stop_signal"] {
            let text = try string(signalNode, "target.stop_signal").uppercased()
            let bare = text.hasPrefix("SIG") ? String(text.dropFirst(3)) : text
            guard let known = StopSignal.known.first(where: { $0.name == bare }) else {
                throw error(signalNode, "target.stop_signal", "'\(text)' is not a signal tuner sends; use one of \(StopSignal.known.map(\.name).joined(separator: ", "))")
            }
            signal = known
        }
        let grace = try entries["stop_grace"].map { n throws(SpecError) in try seconds(n, "target.stop_grace", range: 0...60) } ?? 3
        let maxRSS = try entries["max_rss"].map { n throws(SpecError) in try bytes(n, "target.max_rss") } ?? (8 << 30)
        var target = TargetSpec(name: name, workdir: workdir, build: build, command: command, environment: environment,
                                readiness: readiness, stopGraceSeconds: grace, maxRSSBytes: maxRSS)
        target.stopSignal = signal
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
                throw error(sourceNode, "\(path).source", "'\(text)' is not a pause source; use one of \(PauseSourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            spec.kind = kind
        }
        if let urlNode = entries["url"] {
            let url = try string(urlNode, "\(path).url")
            try requireLoopbackURL(url, urlNode, "\(path).url")
            spec.url = url
        }
        if spec.kind != .gctrace && spec.url == nil {
            let example: String
            switch spec.kind {
            case .runtimeMetrics: example = "http://127.0.0.1:{port}/debug/gcmetrics"
            case .expvar: example = "http://127.0.0.1:{port}/debug/vars"
            case .prometheus: example = "http://127.0.0.1:{port}/metrics"
            case .trace, .gctrace: example = "http://127.0.0.1:{port}/debug/pprof/trace"
            }
            throw error(node, "\(path).url", "source \(spec.kind.rawValue) reads an endpoint of the service; give its url, e.g. \"\(example)\"")
        }
        if spec.kind == .gctrace, let urlNode = entries["url"] {
            throw error(urlNode, "\(path).url", "gctrace is read from the server's stderr and takes no url; remove it or choose another source")
        }
        spec.intervalSeconds = try entries["interval"].map { n throws(SpecError) in try seconds(n, "\(path).interval", range: 0.05...60) }
            ?? (spec.kind == .expvar ? 0.5 : 1)
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
                throw error(use.node, use.path, "uses \(placeholder), but target.command never binds it, so no server listens there; add \(placeholder) to target.command\(bound.isEmpty ? "" : " (it binds \(bound.map { $0.isEmpty ? "{port}" : "{port:\($0)}" }.joined(separator: ", ")))")")
            }
        }
    }

    func loadSpec(_ node: Node, target: TargetSpec) throws(SpecError) -> LoadSpec {
        let common = ["kind", "cpus", "max_error_rate"]
        guard case .mapping = node else { throw error(node, "load", "expected a mapping with kind: sync-bench, wrk, hey or command") }
        let kindText = try (try mapping(node, "load", allowed: nil))["kind"].map { n throws(SpecError) in try string(n, "load.kind") } ?? "sync-bench"
        let kind: LoadSpec.Kind
        let entries: [String: Node]
        var defaultErrorRate = 0.01
        switch kindText {
        case "sync-bench":
            entries = try mapping(node, "load", allowed: common + ["binary", "mode", "clients", "rate_hz", "docs", "doc_size", "args"])
            kind = .syncBench(try syncBench(entries, workdir: target.workdir))
            defaultErrorRate = 0
        case "wrk":
            entries = try mapping(node, "load", allowed: common + ["binary", "url", "threads", "connections", "timeout", "args"])
            var wrk = WrkLoad(url: try loadURL(entries, in: node, target: target))
            if let n = entries["binary"] { wrk.binary = try executable(n, "load.binary", workdir: target.workdir) }
            if let n = entries["threads"] { wrk.threads = try integer(n, "load.threads", range: 1...256) }
            if let n = entries["connections"] { wrk.connections = try integer(n, "load.connections", range: 1...100_000) }
            guard wrk.connections >= wrk.threads else {
                throw error(entries["connections"] ?? node, "load.connections", "wrk needs at least one connection per thread (\(wrk.threads) threads); raise load.connections or lower load.threads")
            }
            if let n = entries["timeout"] { wrk.timeoutSeconds = try seconds(n, "load.timeout", range: 0.001...600) }
            if let n = entries["args"] { wrk.extraArguments = try stringList(n, "load.args") }
            kind = .wrk(wrk)
        case "hey":
            entries = try mapping(node, "load", allowed: common + ["binary", "url", "concurrency", "rate_hz", "method", "body", "args"])
            var hey = HeyLoad(url: try loadURL(entries, in: node, target: target))
            if let n = entries["binary"] { hey.binary = try executable(n, "load.binary", workdir: target.workdir) }
            if let n = entries["concurrency"] { hey.concurrency = try integer(n, "load.concurrency", range: 1...100_000) }
            if let n = entries["rate_hz"] { hey.rateHz = try number(n, "load.rate_hz", range: 0.01...1_000_000) }
            if let n = entries["method"] {
                let method = try string(n, "load.method").uppercased()
                guard ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"].contains(method) else {
                    throw error(n, "load.method", "'\(method)' is not an HTTP method hey sends; use GET, POST, PUT, DELETE, HEAD or PATCH")
                }
                hey.method = method
            }
            if let n = entries["body"] { hey.body = try string(n, "load.body") }
            if let n = entries["args"] { hey.extraArguments = try stringList(n, "load.args") }
            kind = .hey(hey)
        case "command":
            entries = try mapping(node, "load", allowed: common + ["command", "throughput", "operations", "latency_p50_ms",
                                                               "latency_p90_ms", "latency_p99_ms", "latency_max_ms", "latency_unit", "errors", "requests"])
            let commandNode = try required(entries, "command", "load", in: node)
            var command = try stringList(commandNode, "load.command")
            if command[0].contains("/") { command[0] = resolve(command[0], against: target.workdir) }
            try requireBound([(command.joined(separator: " "), "load.command", commandNode)], bound: target.boundPortNames)
            var output = CommandOutputSpec(throughput: try outputField(try required(entries, "throughput", "load", in: node), "load.throughput"))
            output.operations = try entries["operations"].map { n throws(SpecError) in try outputField(n, "load.operations") }
            output.latencyP50 = try entries["latency_p50_ms"].map { n throws(SpecError) in try outputField(n, "load.latency_p50_ms") }
            output.latencyP90 = try entries["latency_p90_ms"].map { n throws(SpecError) in try outputField(n, "load.latency_p90_ms") }
            output.latencyP99 = try entries["latency_p99_ms"].map { n throws(SpecError) in try outputField(n, "load.latency_p99_ms") }
            output.latencyMax = try entries["latency_max_ms"].map { n throws(SpecError) in try outputField(n, "load.latency_max_ms") }
            output.errors = try entries["errors"].map { n throws(SpecError) in try outputField(n, "load.errors") }
            output.attempted = try entries["requests"].map { n throws(SpecError) in try outputField(n, "load.requests") }
            if let unitNode = entries["latency_unit"] {
                let units: [String: Double] = ["ms": 1, "s": 1000, "us": 0.001, "µs": 0.001, "ns": 0.000_001]
                let text = try string(unitNode, "load.latency_unit")
                guard let scale = units[text] else {
                    throw error(unitNode, "load.latency_unit", "'\(text)' is not a unit; use ms, s, us or ns (the unit the command prints latencies in)")
                }
                output.latencyMillisPerUnit = scale
            }
            kind = .command(CommandLoad(command: command, output: output))
        default:
            throw error(node, "load.kind", "'\(kindText)' is not a load kind tuner drives; use sync-bench, wrk, hey or command")
        }
        var load = LoadSpec(kind: kind)
        load.cpus = try entries["cpus"].map { n throws(SpecError) in try cpuList(n, "load.cpus") }
        load.maxErrorRate = try entries["max_error_rate"].map { n throws(SpecError) in try number(n, "load.max_error_rate", range: 0...1) } ?? defaultErrorRate
        return load
    }

    private func syncBench(_ entries: [String: Node], workdir: String) throws(SpecError) -> SyncBenchLoad {
        let binary = resolve(try entries["binary"].map { n throws(SpecError) in try string(n, "load.binary") } ?? "bin/sync-bench", against: workdir)
        var mode = SyncBenchLoad.Mode.open
        if let modeNode = entries["mode"] {
            let text = try string(modeNode, "load.mode")
            guard let parsed = SyncBenchLoad.Mode(rawValue: text) else {
                throw error(modeNode, "load.mode", "'\(text)' is not a mode; use open or closed")
            }
            mode = parsed
        }
        let clients = try entries["clients"].map { n throws(SpecError) in try integer(n, "load.clients", range: 1...10_000) } ?? 200
        let rate = try entries["rate_hz"].map { n throws(SpecError) in try number(n, "load.rate_hz", range: 0.01...10_000) } ?? 5
        let docs = try entries["docs"].map { n throws(SpecError) in try integer(n, "load.docs", range: 1...10_000) } ?? 4
        let docSize = try entries["doc_size"].map { n throws(SpecError) in try bytes(n, "load.doc_size") } ?? 131_072
        guard docSize <= 64 << 20 else { throw error(entries["doc_size"], "load.doc_size", "at most 64MiB") }
        let args = try entries["args"].map { n throws(SpecError) in try stringList(n, "load.args") } ?? []
        return SyncBenchLoad(binary: binary, mode: mode, clients: clients, rateHz: rate, docs: docs, docSizeBytes: docSize, extraArguments: args)
    }

    /// `load.url`: a loopback URL whose ports the server command binds.
    private func loadURL(_ entries: [String: Node], in node: Node, target: TargetSpec) throws(SpecError) -> String {
        let urlNode = try required(entries, "url", "load", in: node)
        let url = try string(urlNode, "load.url")
        try requireLoopbackURL(url, urlNode, "load.url")
        try requireBound([(url, "load.url", urlNode)], bound: target.boundPortNames)
        return url
    }

    /// A program name (looked up on PATH at launch) or a path relative to target.workdir.
    private func executable(_ node: Node, _ path: String, workdir: String) throws(SpecError) -> String {
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
