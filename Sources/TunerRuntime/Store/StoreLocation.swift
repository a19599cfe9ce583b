import Foundation

#if Postgres
    import PostgresNIO
#endif

/// Where a study's store lives, as `--storage` names it: `sqlite:///path/to/study.sqlite` (the
/// default is `data/<study>/study.sqlite`) or `postgres://user[:password]@host[:port]/database`.
/// A PostgreSQL server reached through a unix socket is named by its socket folder:
/// `postgres://user@/database?host=/var/run/postgresql` (and `&port=5433` for the socket's port).
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(Postgres)

    /// A PostgreSQL server and database.
    public struct Postgres: Sendable, Equatable {
        public var user: String
        public var password: String?
        /// A host name, or nil with `socketDirectory` set.
        public var host: String?
        public var port: Int
        public var database: String
        /// The folder holding `.s.PGSQL.<port>`, for a server reached through its unix socket.
        public var socketDirectory: String?

        public init(user: String, password: String?, host: String?, port: Int, database: String, socketDirectory: String? = nil) {
            self.user = user
            self.password = password
            self.host = host
            self.port = port
            self.database = database
            self.socketDirectory = socketDirectory
        }

        /// The URL without its password, for messages.
        public var redacted: String {
            if let socketDirectory { return "postgres://\(user)@/\(database)?host=\(socketDirectory)&port=\(port)" }
            return "postgres://\(user)@\(host ?? "localhost"):\(port)/\(database)"
        }

        /// The URL a worker on another host passes to `--storage` (the password left out: give it
        /// in the URL there, or through `PGPASSWORD`).
        public var url: String { redacted }

        #if Postgres
            var configuration: PostgresConnection.Configuration {
                let password = password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
                if let socketDirectory {
                    return PostgresConnection.Configuration(
                        unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
                }
                return PostgresConnection.Configuration(
                    host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
            }
        #endif
    }

    /// Whether this tuner was built with PostgreSQL (`swift build --traits Postgres`).
    public static var postgresIsBuiltIn: Bool {
        #if Postgres
            true
        #else
            false
        #endif
    }

    /// The error for a `postgres://` location in a tuner built without PostgreSQL.
    public static var postgresNotBuiltIn: StoreError {
        .badLocation(
            "--storage: this tuner was built without PostgreSQL; build it with `swift build --traits Postgres` (./tuner worker … does), then run again"
        )
    }

    /// Parses `--storage`.
    /// - Throws: `StoreError.badLocation` naming the flag and what a valid value looks like.
    public static func parse(_ text: String) throws -> StoreLocation {
        let example =
            "use sqlite:///path/to/study.sqlite or postgres://user@host:5432/database (postgres://user@/database?host=/socket/dir for a unix socket)"
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                throw StoreError.badLocation("--storage \(text): a SQLite location needs an absolute path (three slashes); \(example)")
            }
            return .sqlite(path: path)
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let components = URLComponents(string: text) else {
            throw StoreError.badLocation("--storage \(text): not a store URL; \(example)")
        }
        let query = Dictionary(
            (components.queryItems ?? []).compactMap { item in item.value.map { (item.name, $0) } }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw StoreError.badLocation("--storage \(text): no database named after the host; \(example)")
        }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        guard host != nil || socket != nil else {
            throw StoreError.badLocation("--storage \(text): no host, and no ?host=/socket/dir; \(example)")
        }
        guard let port = components.port ?? query["port"].map({ Int($0) }) ?? 5432 else {
            throw StoreError.badLocation("--storage \(text): port \(query["port"] ?? "") is not a number; \(example)")
        }
        let user = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        return .postgres(
            Postgres(
                user: user, password: components.password, host: host, port: port, database: database,
                socketDirectory: host == nil ? socket : nil))
    }
}
