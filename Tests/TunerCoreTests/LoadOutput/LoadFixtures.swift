import Foundation

/// The captured load-tool outputs under `Tests/TunerCoreTests/Fixtures/loads/` (see its README).
enum LoadFixtures {
    static func text(_ name: String, filePath: String = #filePath) throws -> String {
        let url = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // LoadOutput/
            .deletingLastPathComponent()  // TunerCoreTests/
            .appendingPathComponent("Fixtures/loads/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// `a` and `b` agree to within `tolerance` (absolute).
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
