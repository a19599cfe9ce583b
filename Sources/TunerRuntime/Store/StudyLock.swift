import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One writer per study on a machine: an advisory `flock` on `data/<study>/study.lock`, held
/// for the life of the tuner process. The kernel drops a `flock` when its holder dies (kill -9
/// included), so a killed owner never leaves the study locked; the file's contents (the owner)
/// are only there to name the holder in the refusal. Children never inherit the descriptor
/// (`O_CLOEXEC`, and `PosixLauncher` closes every descriptor above 2 in the child), so a
/// leftover server cannot keep a study locked either.
public final class StudyLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        /// Another live process holds it; `owner` is what it wrote (nil if unreadable).
        case held(path: String, owner: StudyOwner?)
        case io(path: String, message: String)

        public var description: String {
            switch self {
            case .held(let path, let owner):
                return "\(path) is held by \(owner.map(\.description) ?? "another process")"
            case .io(let path, let message):
                return "cannot lock \(path): \(message)"
            }
        }
    }

    /// Takes the lock at once or throws `Failure.held` naming its holder; never waits.
    public init(path: String, owner: StudyOwner = .current) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .held(path: path, owner: Self.readOwner(path: path)) }
            throw .io(path: path, message: String(cString: strerror(code)))
        }
        descriptor = fd
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let data = try? encoder.encode(owner) {
            _ = ftruncate(fd, 0)
            _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
    }

    /// The owner recorded in a lock file, if readable.
    public static func readOwner(path: String) -> StudyOwner? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        return try? JSONDecoder().decode(StudyOwner.self, from: data)
    }

    /// Releases the lock (also released when the process exits).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
