import Foundation

/// Reads /proc to find live processes (zombies excluded: they hold no resources and vanish
/// once reaped).
public enum ProcessTable {
    /// Pids of live, non-zombie processes whose process group is `group`.
    public static func liveMembers(ofGroup group: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var members: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After "(comm)": state ppid pgrp ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", Int32(fields[2]) == group else { continue }
            members.append(pid)
        }
        return members
    }

    /// Whether `pid` is a live, non-zombie process.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// The process's start time in clock ticks since boot (/proc/PID/stat field 22), which
    /// tells a process apart from a later one that reuses its pid.
    public static func startTicks(of pid: Int32) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        return fields.count > 19 ? Int(fields[19]) : nil
    }

    /// User + system CPU seconds of `pid` so far (`/proc/PID/stat` fields 14 and 15, in clock
    /// ticks); nil when it cannot be read.
    public static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14 (fields[11]), stime field 15 (fields[12]).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Waits up to `timeoutSeconds` for every listed group to have no live member; returns the
    /// groups that still do.
    public static func waitUntilGone(groups: [Int32], timeoutSeconds: Double) -> [Int32] {
        let deadline = monotonicSeconds() + timeoutSeconds
        while true {
            let left = groups.filter { !liveMembers(ofGroup: $0).isEmpty }
            if left.isEmpty || monotonicSeconds() >= deadline { return left }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Of `pids`, those holding a socket that listens on TCP `port` (IPv4 or IPv6), from
    /// `/proc/net/tcp{,6}` (state 0A) and each process's `/proc/PID/fd` links.
    public static func listeners(onPort port: Int, among pids: [Int32]) -> [Int32] {
        var inodes: Set<String> = []
        let hexPort = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A", fields[1].hasSuffix(":\(hexPort)") else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty else { return [] }
        return pids.filter { pid in
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return false }
            return fds.contains { fd in
                guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)") else { return false }
                return link.hasPrefix("socket:[") && inodes.contains(String(link.dropFirst(8).dropLast()))
            }
        }
    }
}
