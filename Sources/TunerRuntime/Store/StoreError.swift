/// Why a study store cannot be used.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// `--storage` does not name a store; the message names the flag and a valid form.
    case badLocation(String)
    /// The database server cannot be reached, or refuses the connection.
    case unreachable(String)
    /// A statement failed on the server.
    case query(String)
    /// The store cannot do what was asked of it (e.g. workers on a SQLite store).
    case unsupported(String)
    /// A shared store's trial was taken over by another worker while this one ran it.
    case takenOver(String)

    public var description: String {
        switch self {
        case .badLocation(let message), .unreachable(let message), .query(let message), .unsupported(let message),
            .takenOver(let message):
            return message
        }
    }
}
