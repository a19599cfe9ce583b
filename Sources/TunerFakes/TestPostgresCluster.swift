#if Postgres
    import Foundation
    import TunerRuntime

    #if canImport(Glibc)
        import Glibc
    #endif

    /// A throwaway PostgreSQL server for the tests and the lab: `initdb` into a temporary folder,
    /// then `postgres` in the foreground through the `PosixLauncher` (its own process group, killed
    /// with the tests even on SIGKILL), listening only on a unix socket in that folder; `stop()`
    /// ends it and removes the folder. As root (CI's container), the server runs as the `postgres`
    /// user the Debian package creates, since PostgreSQL refuses to run as root.
    ///
    /// Not a fake: the real server the `postgresql` Debian package installs (`scripts/setup.sh`).
    public final class TestPostgresCluster: @unchecked Sendable {
        public let directory: String
        public let port: Int
        public let location: StoreLocation.Postgres
        private let server: RunningProcess

        /// The folder of PostgreSQL's server programs (`initdb`, `postgres`), or nil when it is not installed.
        public static var binDirectory: String? {
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                let bin = "/usr/lib/postgresql/\(version)/bin"
                if FileManager.default.isExecutableFile(atPath: "\(bin)/postgres") { return bin }
            }
            return nil
        }

        /// One server for a whole test process, started on first use and stopped when the process
        /// exits; each test takes its own database (``newDatabase(launcher:)``). It is started from a
        /// thread of its own that never ends: the server's parent-death signal fires when the thread
        /// that spawned it exits, and a test's thread (a pool thread) may exit mid-run.
        public static let shared: Result<TestPostgresCluster, LaunchError> = {
            final class Box: @unchecked Sendable { var result: Result<TestPostgresCluster, LaunchError>? }
            let box = Box()
            let ready = DispatchSemaphore(value: 0)
            let thread = Thread {
                do {
                    box.result = .success(try TestPostgresCluster())
                } catch let error as LaunchError {
                    box.result = .failure(error)
                } catch {
                    box.result = .failure(LaunchError(description: "\(error)"))
                }
                ready.signal()
                while true { sleep(3600) }
            }
            thread.start()
            ready.wait()
            if case .success = box.result {
                atexit { if case .success(let cluster) = TestPostgresCluster.shared { cluster.stop() } }
            }
            return box.result ?? .failure(LaunchError(description: "the cluster's thread returned nothing"))
        }()

        /// Why the cluster cannot start here, or nil when it can.
        public static var unavailableReason: String? {
            binDirectory == nil ? "PostgreSQL is not installed (Debian package postgresql; scripts/setup.sh installs it)" : nil
        }

        /// Creates and starts the server; waits until it accepts connections.
        /// - Throws: `LaunchError` with initdb's or the server's own output when either fails.
        public init(launcher: Launcher = PosixLauncher()) throws {
            guard let bin = Self.binDirectory else { throw LaunchError(description: Self.unavailableReason ?? "") }
            directory = NSTemporaryDirectory() + "tuner-pg-\(UUID().uuidString.prefix(8))"
            let data = "\(directory)/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            // The socket's name carries a port number even without TCP; any unused one serves.
            port = try launcher.freePort()
            var prefix: [String] = []
            if getuid() == 0 {
                prefix = ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--pdeathsig", "KILL", "--"]
                let chown = try launcher.runTool(["chown", "-R", "postgres:postgres", directory], timeoutSeconds: 30)
                guard chown.succeeded else { throw LaunchError(description: "chown \(directory): \(chown.standardError)") }
            }
            let initdb = try launcher.runTool(
                prefix + ["\(bin)/initdb", "-D", data, "-U", "tuner", "--auth=trust", "--no-sync", "-E", "UTF8"],
                workingDirectory: directory, timeoutSeconds: 120)
            guard initdb.succeeded else {
                throw LaunchError(description: "initdb failed: \(initdb.standardError)\(initdb.standardOutput)")
            }
            server = try launcher.launch(
                LaunchRequest(
                    arguments: prefix + [
                        "\(bin)/postgres", "-D", data, "-k", directory, "-p", String(port), "-c", "listen_addresses=",
                        "-c", "fsync=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB",
                    ],
                    workingDirectory: directory, environment: ProcessInfo.processInfo.environment,
                    stdoutPath: "\(directory)/server.out", stderrPath: "\(directory)/server.err", role: "postgres"))
            location = StoreLocation.Postgres(
                user: "tuner", password: nil, host: nil, port: port, database: "postgres", socketDirectory: directory)
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: "\(directory)/.s.PGSQL.\(port)") {
                if let exit = server.poll() {
                    throw LaunchError(description: "postgres exited (\(exit)): \(server.standardError())")
                }
                guard Date() < deadline else {
                    server.stop(signal: SIGKILL, graceSeconds: 0)
                    throw LaunchError(description: "postgres did not open its socket within 30 s: \(server.standardError())")
                }
                usleep(50_000)
            }
            // The socket appears a moment before the server accepts logins.
            usleep(200_000)
        }

        /// A fresh database on this server, for one test (studies in it share nothing with others).
        public func newDatabase(launcher: Launcher = PosixLauncher()) throws -> StoreLocation.Postgres {
            let name = "t\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
            let create = try launcher.runTool(
                ["psql", "-h", directory, "-p", String(port), "-U", "tuner", "-d", "postgres", "-c", "CREATE DATABASE \(name)"],
                timeoutSeconds: 60)
            guard create.succeeded else { throw LaunchError(description: "CREATE DATABASE \(name): \(create.standardError)") }
            var location = location
            location.database = name
            return location
        }

        /// `--storage` for a worker process.
        public func url(_ location: StoreLocation.Postgres) -> String {
            "postgres://tuner@/\(location.database)?host=\(directory)&port=\(port)"
        }

        /// Stops the server (fast shutdown) and removes its folder.
        public func stop() {
            server.stop(signal: SIGINT, graceSeconds: 5)
            try? FileManager.default.removeItem(atPath: directory)
        }

        deinit { stop() }
    }
#endif
