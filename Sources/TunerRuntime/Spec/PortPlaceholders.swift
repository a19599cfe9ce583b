import Foundation

/// `{port}` and `{port:NAME}` in commands, URLs and probes: each name gets one free loopback port
/// per trial. The unnamed `{port}` is the name "".
public enum PortPlaceholders {
    /// Port names used in `texts`, in order of first use, without repeats.
    public static func names(in texts: [String]) -> [String] {
        var names: [String] = []
        for text in texts {
            var rest = Substring(text)
            while let open = rest.range(of: "{port") {
                let tail = rest[open.upperBound...]
                guard let close = tail.firstIndex(of: "}") else { break }
                let inner = tail[..<close]
                if inner.isEmpty {
                    if !names.contains("") { names.append("") }
                } else if inner.hasPrefix(":") {
                    let name = String(inner.dropFirst())
                    if !name.isEmpty, !names.contains(name) { names.append(name) }
                }
                rest = tail[tail.index(after: close)...]
            }
        }
        return names
    }

    /// `text` with every `{port}` / `{port:NAME}` replaced from `ports` (names not in it stay).
    public static func substitute(_ text: String, ports: [String: Int]) -> String {
        var result = text
        for (name, port) in ports {
            result = result.replacingOccurrences(of: name.isEmpty ? "{port}" : "{port:\(name)}", with: String(port))
        }
        return result
    }
}
