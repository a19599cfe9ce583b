import Foundation

/// Study-level failures (the run stops; finished trials are kept).
public enum StudyError: Error, CustomStringConvertible {
    /// target.build failed or its products are missing.
    case buildFailed(String)
    /// Too many trials failed in a row to go on.
    case tooManyFailures(String)
    /// The stored study was measured under a spec whose trials are not comparable.
    case incomparable(String)
    /// The noise check found the machine too noisy and was told to stop.
    case tooNoisy(String)
    /// Another live tuner process is running the study.
    case studyBusy(String)
    /// `output.data_dir` (or the study's folder in it) cannot be used.
    case badDataDirectory(String)
    /// A program the study needs is missing, or the target cannot take the study's settings.
    case preflight(String)

    public var description: String {
        switch self {
        case .buildFailed(let message): return "build failed: \(message)"
        case .tooManyFailures(let message): return "study stopped: \(message)"
        case .incomparable(let message): return message
        case .tooNoisy(let message): return message
        case .studyBusy(let message): return message
        case .badDataDirectory(let message): return message
        case .preflight(let message): return message
        }
    }
}
