import Foundation
import TunerCore

/// CPU profiles of the service over measured windows, read from its net/http/pprof: the
/// profile is asked for as the window starts (`/profile?seconds=N` answers when N seconds have
/// passed, on a thread that only waits), a runtime/metrics scrape brackets the window, and the
/// profile is read with `go tool pprof` after the server has stopped (outside the window).
public struct CPUProfiles: Sendable {
    /// `.../debug/pprof` and a runtime/metrics JSON endpoint, `{port}` placeholders allowed.
    public var pprofURL: String
    public var metricsURL: String?
    /// Where profiles and call graphs go (`data/<study>/profiles`).
    public var directory: String

    public init(pprofURL: String, metricsURL: String?, directory: String) {
        self.pprofURL = pprofURL
        self.metricsURL = metricsURL
        self.directory = directory
    }

    /// A profile being taken.
    public final class Capture: @unchecked Sendable {
        let path: String
        let metricsURL: String?
        let metricsBefore: Data?
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var body: Data?
        private let timeout: Double

        init(url: String, seconds: Int, path: String, metricsURL: String?) {
            self.path = path
            self.metricsURL = metricsURL
            self.timeout = Double(seconds) + 15
            metricsBefore = metricsURL.flatMap(Self.scrape)
            let thread = Thread { [self] in
                if case .response(let status, let data) = HTTPClient.shared.get(url, timeoutSeconds: Double(seconds) + 10),
                    (200..<300).contains(status)
                {
                    lock.lock()
                    body = data
                    lock.unlock()
                }
                done.signal()
            }
            thread.name = "cpu-profile"
            thread.start()
        }

        static func scrape(_ url: String) -> Data? {
            if case .response(let status, let data) = HTTPClient.shared.get(url, timeoutSeconds: 5), (200..<300).contains(status) {
                return data
            }
            return nil
        }

        /// Waits for the profile, scrapes the metrics again and writes the profile; nil when no
        /// profile came.
        public func end() -> (path: String, runtimeShare: Double?)? {
            let after = metricsURL.flatMap(Self.scrape)
            guard done.wait(timeout: .now() + timeout) == .success else { return nil }
            lock.lock()
            let data = body
            lock.unlock()
            guard let data, (try? data.write(to: URL(fileURLWithPath: path), options: .atomic)) != nil else { return nil }
            var share: Double?
            if let before = metricsBefore, let after { share = CPUProfileReading.runtimeMetricsShare(before: before, after: after) }
            return (path, share)
        }
    }

    /// Starts a profile of `seconds` (whole seconds, at least 1) named for the run.
    func begin(ports: [String: Int], seconds: Double, name: String) -> Capture? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let whole = max(1, Int(seconds.rounded(.down)))
        return Capture(
            url: PortPlaceholders.substitute(pprofURL, ports: ports) + "/profile?seconds=\(whole)", seconds: whole,
            path: "\(directory)/\(name).cpu.pb.gz", metricsURL: metricsURL.map { PortPlaceholders.substitute($0, ports: ports) })
    }

    /// Reads the captured profile with `go tool pprof -traces` and renders its call graph with
    /// `go tool pprof -svg` (needs graphviz's `dot`; skipped without it).
    func analyse(_ capture: (path: String, runtimeShare: Double?), launcher: Launcher, workingDirectory: String) -> CPUProfileReading {
        var reading = CPUProfileReading(path: capture.path, runtimeMetricsGCShare: capture.runtimeShare)
        if let run = try? launcher.runTool(
            ["go", "tool", "pprof", "-traces", capture.path], workingDirectory: workingDirectory, timeoutSeconds: 120),
            run.succeeded
        {
            reading.profile = ProfileGCShare.parse(traces: run.standardOutput)
        }
        let svg = capture.path.replacingOccurrences(of: ".cpu.pb.gz", with: ".cpu.svg")
        if let run = try? launcher.runTool(
            ["go", "tool", "pprof", "-svg", "-output", svg, capture.path], workingDirectory: workingDirectory, timeoutSeconds: 120),
            run.succeeded, FileManager.default.fileExists(atPath: svg)
        {
            reading.svgPath = svg
        }
        return reading
    }
}
