import Foundation

/// This build's version, recorded with every trial.
public enum TunerVersion {
    public static let current = "0.2.0"
}
