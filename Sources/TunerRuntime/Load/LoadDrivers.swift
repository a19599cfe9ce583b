import Foundation
import TunerCore

/// The one factory of load drivers: each kind's spec makes its own driver
/// (``LoadKindSpec/driver(tool:)``, beside the driver), so this file never changes.
public enum LoadDrivers {
    public static func make(_ spec: LoadSpec, launcher: Launcher, workingDirectory: String) -> LoadDriver {
        spec.kind.spec.driver(tool: ToolRunner(launcher: launcher, workingDirectory: workingDirectory, cpus: spec.cpus))
    }
}
