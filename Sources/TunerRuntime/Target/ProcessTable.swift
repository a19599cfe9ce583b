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
}
