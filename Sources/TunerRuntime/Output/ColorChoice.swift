import Foundation

/// `--color auto|on|off`.
public enum ColorChoice: String, CaseIterable, Sendable {
    case auto, on, off
}
