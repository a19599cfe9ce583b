import Foundation

/// Facts about the machine a trial ran on, recorded with every trial.
public struct MachineFacts: Sendable {
    public var cpuModel: String
    public var cores: Int
    public var hostname: String
    /// `go version` of the target's toolchain, when `go` is on PATH.
    public var targetGoVersion: String?

    public static func current(goVersion: String? = nil) -> MachineFacts {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        return MachineFacts(
            cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount,
            hostname: ProcessInfo.processInfo.hostName, targetGoVersion: goVersion)
    }
}
