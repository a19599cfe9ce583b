import Foundation
import TunerCore

#if canImport(Glibc)
    import Glibc
#endif

/// Spawns with `posix_spawn` into a new process group (so one signal reaches the server and
/// anything it starts), stdout/stderr to files, and — where util-linux's `setpriv` exists —
/// `PR_SET_PDEATHSIG=SIGKILL`, so the child dies with the tuner even if the tuner is SIGKILLed.
///
/// Why not Foundation.Process or swift-subprocess: neither sets a parent-death signal, and
/// Foundation.Process cannot start a process group; this file is the whole of our process
/// handling and stays small.
public struct PosixLauncher: Launcher {
    /// Every group this launcher started and has not yet seen end; stopped on exit/signals.
    public static let registry = ProcessRegistry()

    private let setprivPath: String?

    public init() {
        setprivPath = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public func launch(_ request: LaunchRequest) throws -> RunningProcess {
        guard let program = request.arguments.first else { throw LaunchError(description: "empty command") }
        let executable = try resolveExecutable(
            program, workingDirectory: request.workingDirectory,
            path: request.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var argv = [executable] + request.arguments.dropFirst()
        if let cpus = request.cpus {
            guard let taskset = ["/usr/bin/taskset", "/bin/taskset"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else {
                throw LaunchError(description: "pinning to CPUs \(cpus) needs taskset (util-linux); install it or remove the cpus key")
            }
            argv = [taskset, "-c", cpus] + argv
        }
        if let setpriv = setprivPath {
            argv = [setpriv, "--pdeathsig", "KILL", "--"] + argv
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if request.exclusiveOutput {
            for path in [request.stdoutPath, request.stderrPath] where FileManager.default.fileExists(atPath: path) {
                throw LaunchError(description: "\(path) exists already: refusing to mix this process's output with another's")
            }
        }
        if request.writesToTunerStderr {
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        } else {
            let outputFlags = O_WRONLY | O_CREAT | (request.exclusiveOutput ? O_EXCL : O_TRUNC)
            posix_spawn_file_actions_addopen(&actions, 1, request.stdoutPath, outputFlags, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, request.stderrPath, outputFlags, 0o644)
        }
        guard let addChdir = Self.addChdir else {
            throw LaunchError(description: "this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or later needed)")
        }
        _ = addChdir(&actions, request.workingDirectory)
        // The child gets stdin/stdout/stderr and nothing else: no SQLite handle, no file some
        // other thread is writing (an inherited write descriptor makes exec fail with ETXTBSY).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // Children start with default signal dispositions and an empty mask, whatever ours are.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let environment = request.environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointer in
            withCStrings(environment) { envPointer in
                posix_spawn(&pid, argv[0], &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard status == 0 else {
            throw LaunchError(description: "cannot start \(program): \(String(cString: strerror(status)))")
        }
        let process = SpawnedProcess(pid: pid, stdoutPath: request.stdoutPath, stderrPath: request.stderrPath)
        Self.registry.add(process)
        return process
    }

    public func freePort() throws -> Int { try Loopback.freePort() }

    /// `go version -m EXECUTABLE` through the Go toolchain on PATH; nil without one, or for a
    /// binary that is not Go.
    public func goBuildInfo(executable: String) -> GoBuildInfo? {
        guard let run = try? runTool(["go", "version", "-m", executable], timeoutSeconds: 60), run.succeeded else { return nil }
        return GoBuildInfo.parse(goVersionOutput: run.standardOutput)
    }

    public func startTicks(of pid: Int32) -> Int { ProcessTable.startTicks(of: pid) ?? 0 }

    public func reap(_ leftover: ProcessRecord) -> Bool {
        guard !ProcessTable.liveMembers(ofGroup: leftover.group).isEmpty else { return false }
        if leftover.startTicks != 0, let current = ProcessTable.startTicks(of: leftover.group), current != leftover.startTicks {
            return false
        }
        return kill(-leftover.group, SIGKILL) == 0
    }

    public func stopAll() { Self.registry.killAll() }

    public func probe(_ check: ReadinessCheck, of process: RunningProcess) -> Bool {
        switch check {
        case .http(let url):
            guard case .response(let status, _) = HTTPClient.shared.get(url, timeoutSeconds: 0.5) else { return false }
            return (200..<300).contains(status)
        case .tcp(let port): return Loopback.tcpOpen(port: port)
        case .log(let pattern):
            return ReadinessCheck.anyLine(of: [process.standardOutput(), process.standardError()], matches: pattern)
        }
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does
    /// not export; looked up once by name.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up by name.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    public func resolveExecutable(_ program: String, workingDirectory: String) throws -> String {
        try resolveExecutable(
            program, workingDirectory: workingDirectory, path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }

    private func resolveExecutable(_ program: String, workingDirectory: String, path: String) throws -> String {
        if program.contains("/") {
            let candidate = program.hasPrefix("/") ? program : (workingDirectory as NSString).appendingPathComponent(program)
            guard FileManager.default.isExecutableFile(atPath: candidate) else {
                throw LaunchError(
                    description:
                        "\(candidate) does not exist or is not executable (was the target built? check target.build and target.workdir)")
            }
            return candidate
        }
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw LaunchError(description: "\(program) is not on PATH")
    }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
