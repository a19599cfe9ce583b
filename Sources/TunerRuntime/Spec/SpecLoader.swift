import Foundation
import TunerCore
import Yams

/// Reads and validates a study spec. Unknown keys, wrong types and out-of-range values are
/// errors naming the file, line and key path; nothing is defaulted silently except the
/// documented defaults.
public enum SpecLoader {
    /// Loads the spec at `path` (relative to the current directory or absolute).
    public static func load(path: String) throws(SpecError) -> StudySpec {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: absolute) else {
            throw SpecError(
                file: path, line: nil, keyPath: "",
                message: "no such file; give the path of a study spec, e.g. experiments/baseline.yml")
        }
        guard let data = FileManager.default.contents(atPath: absolute),
            let text = String(data: data, encoding: .utf8)
        else {
            throw SpecError(file: path, line: nil, keyPath: "", message: "cannot read the file as UTF-8 text")
        }
        return try parse(yaml: text, file: path, absolutePath: absolute)
    }

    /// Parses spec text; `file` names it in errors, `absolutePath` anchors relative paths.
    public static func parse(yaml text: String, file: String, absolutePath: String) throws(SpecError) -> StudySpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, line: nil, keyPath: "", message: "the file is empty; see README.md for a study spec")
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch let error as YamlError {
            throw yamlSyntaxError(error, file: file)
        } catch {
            throw SpecError(file: file, line: nil, keyPath: "", message: "YAML syntax error: \(error)")
        }
        let reader = NodeReader(file: file)
        let specDirectory = (absolutePath as NSString).deletingLastPathComponent
        return try reader.studySpec(root, specDirectory: specDirectory, absolutePath: absolutePath)
    }

    private static func yamlSyntaxError(_ error: YamlError, file: String) -> SpecError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SpecError(
                file: file, line: mark.line, keyPath: "",
                message: "YAML syntax error at column \(mark.column): \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SpecError(
                file: file, line: context.mark.line, keyPath: "",
                message: "duplicate key(s) \(duplicates.joined(separator: ", ")); keep one")
        default:
            return SpecError(file: file, line: nil, keyPath: "", message: "YAML syntax error: \(error)")
        }
    }
}

/// Walks the YAML tree with key paths for errors.
struct NodeReader {
    let file: String

    func error(_ node: Node?, _ path: String, _ message: String) -> SpecError {
        SpecError(file: file, line: node?.mark?.line, keyPath: path, message: message)
    }

    /// The mapping's entries, refusing keys outside `allowed`.
    /// `allowed: nil` takes any key (for a first look, e.g. at `load.kind`).
    func mapping(_ node: Node, _ path: String, allowed: [String]?) throws(SpecError) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, path, "expected a mapping of keys (\((allowed ?? []).joined(separator: ", ")))")
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error(keyNode, path, "keys must be strings") }
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                let suggestion = closest(key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw error(keyNode, keyPath, "unknown key\(suggestion); allowed here: \(allowed.joined(separator: ", "))")
            }
            result[key] = value
        }
        return result
    }

    func required(_ entries: [String: Node], _ key: String, _ path: String, in parent: Node) throws(SpecError) -> Node {
        guard let node = entries[key] else {
            throw error(parent, join(path, key), "missing key; see README.md, 'Study spec reference'")
        }
        return node
    }

    func string(_ node: Node, _ path: String) throws(SpecError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, path, "expected a text value") }
        return scalar.string
    }

    func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(SpecError) -> Int {
        // Yams traps on overflowing sexagesimal ints (1:2:3), so they are refused before it reads them.
        guard case .scalar(let scalar) = node, !scalar.string.contains(":"), let value = node.int else {
            throw error(node, path, "expected a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(value) is out of range; use \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func number(_ node: Node, _ path: String, range: ClosedRange<Double>) throws(SpecError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite else {
            throw error(node, path, "expected a number")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(value) is out of range; use \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func seconds(_ node: Node, _ path: String, range: ClosedRange<Double>) throws(SpecError) -> Double {
        let text = try string(node, path)
        let value: Double
        do { value = try DurationText.seconds(text) } catch { throw self.error(node, path, error.description) }
        guard range.contains(value) else {
            throw error(
                node, path,
                "\(text) is out of range; use \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))")
        }
        return value
    }

    func bytes(_ node: Node, _ path: String) throws(SpecError) -> Int64 {
        let text = try string(node, path)
        do { return try ByteSize.parse(text) } catch { throw self.error(node, path, error.description) }
    }

    func stringList(_ node: Node, _ path: String) throws(SpecError) -> [String] {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw error(node, path, "expected a non-empty list, e.g. [bin/server, -addr, \"127.0.0.1:{port}\"]")
        }
        var result: [String] = []
        for (index, item) in sequence.enumerated() {
            result.append(try string(item, "\(path)[\(index)]"))
        }
        return result
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Sections

    func studySpec(_ root: Node, specDirectory: String, absolutePath: String) throws(SpecError) -> StudySpec {
        let top = try mapping(
            root, "",
            allowed: [
                "study", "seed", "target", "load", "parameters",
                "objectives", "constraints", "recommend", "budget", "verify", "output",
            ])
        let studyNode = try required(top, "study", "", in: root)
        let study = try string(studyNode, "study")
        guard !study.isEmpty, study.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw error(studyNode, "study", "'\(study)' must be a plain name (letters, digits, - _ .): it names data/<study>/")
        }
        let seed = try top["seed"].map { node throws(SpecError) in UInt64(try integer(node, "seed", range: 0...Int.max)) } ?? 1
        let target = try targetSpec(try required(top, "target", "", in: root), specDirectory: specDirectory)
        let load = try loadSpec(try required(top, "load", "", in: root), target: target)
        let space = try searchSpace(try required(top, "parameters", "", in: root))
        let objectives = try objectiveSpecs(top["objectives"])
        let constraints = try constraintList(top["constraints"])
        let recommend = try selectionRule(top["recommend"], objectives: objectives)
        let budget = try budgetSpec(try required(top, "budget", "", in: root))
        let verify = try VerifySpec.read(top["verify"], reader: self, budget: budget, load: load, pauses: target.pauses)
        var dataDirectory = ((specDirectory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("data")
        if let output = top["output"] {
            let entries = try mapping(output, "output", allowed: ["data_dir"])
            if let dir = entries["data_dir"] {
                dataDirectory = resolve(try string(dir, "output.data_dir"), against: specDirectory)
            }
        }
        return StudySpec(
            path: absolutePath, study: study, seed: seed, target: target, load: load, space: space,
            objectives: objectives, constraints: constraints, recommend: recommend,
            budget: budget, verify: verify, dataDirectory: dataDirectory)
    }

    func searchSpace(_ node: Node) throws(SpecError) -> SearchSpace {
        let entries = try mapping(node, "parameters", allowed: ["gogc", "gomemlimit"])
        let gogc: ParameterDomain<Int> =
            try entries["gogc"].map { n throws(SpecError) in
                try domain(
                    n, "parameters.gogc",
                    parse: { text, node, path throws(SpecError) -> Int in
                        guard let value = Int(text) else {
                            throw error(node, path, "'\(text)' is not a GOGC value; use a whole number from 1 to 100000 or off")
                        }
                        guard value >= 1 && value <= 100_000 else {
                            throw error(
                                node, path,
                                "GOGC \(value) is out of range; use 1...100000 or off (negative values mean off to Go: write off)")
                        }
                        return value
                    })
            } ?? .values([100])
        let limit: ParameterDomain<Int64> =
            try entries["gomemlimit"].map { n throws(SpecError) in
                try domain(
                    n, "parameters.gomemlimit",
                    parse: { text, node, path throws(SpecError) -> Int64 in
                        let bytes: Int64
                        do { bytes = try ByteSize.parse(text) } catch let parseError { throw self.error(node, path, "\(parseError)") }
                        guard bytes >= 4 << 20 else {
                            throw self.error(node, path, "\(text) is below 4MiB, smaller than any Go heap; use e.g. 64MiB or off")
                        }
                        return bytes
                    })
            } ?? .values([nil])
        return SearchSpace(gogc: gogc, memoryLimit: limit)
    }

    /// `values: [..]` or `min`/`max` (+ `off: true`).
    func domain<V>(
        _ node: Node, _ path: String,
        parse: (String, Node, String) throws(SpecError) -> V
    ) throws(SpecError) -> ParameterDomain<V> {
        let entries = try mapping(node, path, allowed: ["values", "min", "max", "off"])
        if let valuesNode = entries["values"] {
            guard entries["min"] == nil, entries["max"] == nil, entries["off"] == nil else {
                throw error(node, path, "give either values or min/max (with off), not both")
            }
            guard case .sequence(let sequence) = valuesNode, !sequence.isEmpty else {
                throw error(valuesNode, "\(path).values", "expected a non-empty list, e.g. [50, 100, 200, off]")
            }
            var values: [V?] = []
            for (index, item) in sequence.enumerated() {
                let itemPath = "\(path).values[\(index)]"
                let text = try string(item, itemPath)
                let value: V? = text == "off" ? nil : try parse(text, item, itemPath)
                if values.contains(value) { throw error(item, itemPath, "'\(text)' is listed twice") }
                values.append(value)
            }
            return .values(values)
        }
        guard let minNode = entries["min"], let maxNode = entries["max"] else {
            throw error(node, path, "give values: [...] or both min and max")
        }
        let low = try parse(try string(minNode, "\(path).min"), minNode, "\(path).min")
        let high = try parse(try string(maxNode, "\(path).max"), maxNode, "\(path).max")
        guard low < high else { throw error(maxNode, "\(path).max", "max must be above min") }
        var includesOff = false
        if let offNode = entries["off"] {
            guard let flag = offNode.bool else { throw error(offNode, "\(path).off", "expected true or false") }
            includesOff = flag
        }
        return .range(min: low, max: high, includesOff: includesOff)
    }

    func objectiveSpecs(_ node: Node?) throws(SpecError) -> [ObjectiveSpec] {
        guard let node else {
            return [
                ObjectiveSpec(metric: .pauseP99Millis, direction: .minimize),
                ObjectiveSpec(metric: .throughputOpsPerSecond, direction: .maximize),
            ]
        }
        guard case .sequence(let sequence) = node, (2...3).contains(sequence.count) else {
            throw error(node, "objectives", "expected a list of 2 or 3 items such as '- minimize: pause_p99_ms'")
        }
        var result: [ObjectiveSpec] = []
        for (index, item) in sequence.enumerated() {
            let path = "objectives[\(index)]"
            let entries = try mapping(item, path, allowed: ["minimize", "maximize"])
            guard entries.count == 1, let (key, value) = entries.first else {
                throw error(item, path, "write one of 'minimize: METRIC' or 'maximize: METRIC'")
            }
            let name = try string(value, "\(path).\(key)")
            guard let metric = Metric(rawValue: name) else {
                throw error(
                    value, "\(path).\(key)", "unknown metric '\(name)'; known: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if result.contains(where: { $0.metric == metric }) { throw error(value, path, "\(name) is already an objective") }
            result.append(ObjectiveSpec(metric: metric, direction: key == "minimize" ? .minimize : .maximize))
        }
        return result
    }

    func constraintList(_ node: Node?) throws(SpecError) -> [Constraint] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            throw error(node, "constraints", "expected a list such as '- latency_p99_ms <= 120'")
        }
        var result: [Constraint] = []
        for (index, item) in sequence.enumerated() {
            let text = try string(item, "constraints[\(index)]")
            do { result.append(try Constraint(parsing: text)) } catch {
                throw self.error(item, "constraints[\(index)]", error.description)
            }
        }
        return result
    }

    func selectionRule(_ node: Node?, objectives: [ObjectiveSpec]) throws(SpecError) -> SelectionRule {
        let defaultObjective = StudySpec.defaultRecommendObjective(objectives.map(\.metric))
        guard let node else { return .best(objective: defaultObjective) }
        let entries = try mapping(node, "recommend", allowed: ["rule", "objective", "weights"])
        let ruleNode = try required(entries, "rule", "recommend", in: node)
        switch try string(ruleNode, "recommend.rule") {
        case "best":
            guard let objectiveNode = entries["objective"] else {
                return .best(objective: defaultObjective)
            }
            let name = try string(objectiveNode, "recommend.objective")
            guard let index = objectives.firstIndex(where: { $0.metric.rawValue == name }) else {
                throw error(
                    objectiveNode, "recommend.objective",
                    "'\(name)' is not one of the objectives (\(objectives.map(\.metric.rawValue).joined(separator: ", ")))")
            }
            return .best(objective: index)
        case "knee":
            return .knee
        case "weighted":
            guard let weightsNode = entries["weights"], case .sequence(let sequence) = weightsNode,
                sequence.count == objectives.count
            else {
                throw error(
                    node, "recommend.weights",
                    "rule weighted needs weights: a list of \(objectives.count) non-negative numbers, one per objective")
            }
            var weights: [Double] = []
            for (index, item) in sequence.enumerated() {
                weights.append(try number(item, "recommend.weights[\(index)]", range: 0...1e9))
            }
            return .weightedLoss(weights: weights)
        case let other:
            throw error(ruleNode, "recommend.rule", "'\(other)' is not a rule; use best, knee or weighted")
        }
    }

    func budgetSpec(_ node: Node) throws(SpecError) -> BudgetSpec {
        let entries = try mapping(
            node, "budget",
            allowed: [
                "sampler", "settings", "repeats", "warmup", "duration", "trials", "initial", "confirm", "noise_check", "stop_below",
                "confirm_test",
            ])
        var sampler = BudgetSpec.SamplerKind.grid
        if let samplerNode = entries["sampler"] {
            let text = try string(samplerNode, "budget.sampler")
            guard let kind = BudgetSpec.SamplerKind(rawValue: text) else {
                throw error(samplerNode, "budget.sampler", "'\(text)' is not a sampler; use surrogate, grid or lhs")
            }
            sampler = kind
        }
        let repeats =
            try entries["repeats"].map { n throws(SpecError) in try integer(n, "budget.repeats", range: 1...100) }
            ?? (sampler == .surrogate ? 1 : 3)
        let settings: Int
        if sampler == .surrogate {
            settings = try entries["settings"].map { n throws(SpecError) in try integer(n, "budget.settings", range: 2...1000) } ?? 0
        } else {
            settings = try integer(try required(entries, "settings", "budget", in: node), "budget.settings", range: 2...1000)
        }
        let warmup = try entries["warmup"].map { n throws(SpecError) in try seconds(n, "budget.warmup", range: 0...600) } ?? 2
        let duration = try seconds(try required(entries, "duration", "budget", in: node), "budget.duration", range: 0.5...3600)
        let trials =
            try entries["trials"].map { n throws(SpecError) in try integer(n, "budget.trials", range: 2...10_000) }
            ?? max(settings * repeats, 12)
        let initial = try entries["initial"].map { n throws(SpecError) in try integer(n, "budget.initial", range: 2...1000) } ?? 5
        guard initial <= trials else {
            throw error(
                entries["initial"], "budget.initial",
                "\(initial) initial settings do not fit in budget.trials \(trials); lower it or raise budget.trials")
        }
        let confirm =
            try entries["confirm"].map { n throws(SpecError) in try integer(n, "budget.confirm", range: 0...100) }
            ?? (sampler == .surrogate ? 5 : 0)
        var noiseCheck: NoiseCheck? = NoiseCheck(repeats: 3, maxCV: 0.1, action: .raise)
        if let checkNode = entries["noise_check"] {
            if case .scalar = checkNode, checkNode.string == "off" {
                noiseCheck = nil
            } else {
                let check = try mapping(checkNode, "budget.noise_check", allowed: ["repeats", "max_cv", "action"])
                if let n = check["repeats"] { noiseCheck?.repeats = try integer(n, "budget.noise_check.repeats", range: 2...50) }
                if let n = check["max_cv"] { noiseCheck?.maxCV = try number(n, "budget.noise_check.max_cv", range: 0.001...10) }
                if let n = check["action"] {
                    let text = try string(n, "budget.noise_check.action")
                    guard let action = NoiseCheck.Action(rawValue: text) else {
                        throw error(n, "budget.noise_check.action", "'\(text)' is not an action; use warn, raise or stop")
                    }
                    noiseCheck?.action = action
                }
            }
        }
        var budget = BudgetSpec(
            sampler: sampler, settings: settings, repeats: repeats, warmupSeconds: warmup, durationSeconds: duration,
            trials: trials, initialDesign: initial, confirmPairs: confirm, noiseCheck: noiseCheck)
        if let testNode = entries["confirm_test"] {
            let text = try string(testNode, "budget.confirm_test")
            guard text == "auto" || PairedTest(rawValue: text) != nil else {
                throw error(testNode, "budget.confirm_test", "'\(text)' is not a paired test; use auto, t or sign")
            }
            budget.confirmTest = PairedTest(rawValue: text)
        }
        if let stopNode = entries["stop_below"] {
            let text = try string(stopNode, "budget.stop_below")
            guard text.hasSuffix("%"), let percent = Double(text.dropLast().trimmingCharacters(in: .whitespaces)),
                (0...100).contains(percent)
            else {
                throw error(stopNode, "budget.stop_below", "'\(text)' is not a share; write a percentage of the service's CPU, e.g. 2%")
            }
            guard noiseCheck != nil else {
                throw error(
                    stopNode, "budget.stop_below",
                    "needs budget.noise_check (its runs of the default measure the GC's share); remove noise_check: off or stop_below")
            }
            budget.stopBelowGCShare = percent / 100
        }
        return budget
    }

    /// A CPU list in taskset syntax (`1`, `0,2`, `0-3`) naming CPUs this machine has.
    func cpuList(_ node: Node, _ path: String) throws(SpecError) -> String {
        let text = try string(node, path)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        for part in parts {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0 != nil }), bounds.last!! >= bounds.first!! else {
                throw error(node, path, "'\(text)' is not a CPU list; write e.g. \"1\" or \"0,2-3\"")
            }
            guard bounds.allSatisfy({ $0! < cores }) else {
                throw error(node, path, "'\(text)' names a CPU this machine lacks (it has \(cores): 0-\(cores - 1))")
            }
        }
        return text
    }

    func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// The allowed key nearest to `key` by edit distance, when it is close (≤ 2 edits).
    func closest(_ key: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, ca) in a.enumerated() {
                var current = [i + 1]
                for (j, cb) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let scored = candidates.map { ($0, distance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        return scored.flatMap { $0.1 <= 2 ? $0.0 : nil }
    }
}
