import Foundation
import TunerCore

/// The recommended setting in the formats deployments take, each from the same report value and
/// each with the same comment header (every one of these formats takes `#` comments).
public enum EnvFormat: String, CaseIterable, Sendable {
    /// `KEY=value` lines: `set -a; . FILE` in a shell, `--env-file` for docker, and systemd's
    /// `EnvironmentFile=` all read it.
    case dotenv
    /// A systemd drop-in (`[Service]` with `Environment=`), for `systemctl edit UNIT`.
    case systemd
    /// A container's `env:` list for a Kubernetes pod spec.
    case kubernetes
    /// `ENV` lines for a Dockerfile.
    case dockerfile
    /// A compose service's `environment:` block.
    case compose

    /// The text of `report`'s recommendation in this format; nil when nothing is recommended.
    public func render(_ report: FrontierReport, specPath: String, date: Date = Date()) -> String? {
        guard let header = ReportRenderer.envFile(report, specPath: specPath, date: date),
            let setting = report.recommendation?.setting
        else { return nil }
        let comments = header.split(separator: "\n").filter { $0.hasPrefix("#") }.joined(separator: "\n")
        let gogc = setting.gogcValue
        let limit = setting.memoryLimitValue
        switch self {
        case .dotenv:
            return header
        case .systemd:
            return "\(comments)\n[Service]\nEnvironment=\"GOGC=\(gogc)\"\nEnvironment=\"GOMEMLIMIT=\(limit)\"\n"
        case .kubernetes:
            return "\(comments)\nenv:\n  - name: GOGC\n    value: \"\(gogc)\"\n  - name: GOMEMLIMIT\n    value: \"\(limit)\"\n"
        case .dockerfile:
            return "\(comments)\nENV GOGC=\(gogc) GOMEMLIMIT=\(limit)\n"
        case .compose:
            return "\(comments)\nenvironment:\n  GOGC: \"\(gogc)\"\n  GOMEMLIMIT: \"\(limit)\"\n"
        }
    }
}
