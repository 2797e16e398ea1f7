/// An error reported by the server or by libmariadb, with MariaDB's own code, SQLSTATE and message.
public struct MariaDBError: Error, Sendable, CustomStringConvertible {
    /// MariaDB's numeric error code (1xxx server errors, 2xxx client errors).
    public let code: UInt32
    /// The five-character SQLSTATE ("23000" for integrity violations).
    public let sqlState: String
    /// The human-readable message from the server or the client library.
    public let message: String

    /// Creates an error from its three parts.
    public init(code: UInt32, sqlState: String, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// A UNIQUE or PRIMARY KEY constraint refused the row (ER_DUP_ENTRY).
    public var isDuplicateKey: Bool { code == 1062 || code == 1586 }
    /// InnoDB chose this transaction as a deadlock victim (1213) or gave up waiting for a lock (1205); running it again may succeed.
    public var isLockConflict: Bool { code == 1213 || code == 1205 }

    /// The connection is unusable and must be discarded (server gone, lost, killed or shut down).
    public var isConnectionLost: Bool {
        Self.connectionLostCodes.contains(code)
    }

    // CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_SERVER_LOST_EXTENDED, ER_CONNECTION_KILLED,
    // ER_SERVER_SHUTDOWN, ER_CLIENT_INTERACTION_TIMEOUT, CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, and
    // ER_UNKNOWN_COM_ERROR, which a Galera node outside the primary component answers to everything.
    private static let connectionLostCodes: Set<UInt32> = [2006, 2013, 2055, 1927, 1053, 4031, 2002, 2003, 1047]

    public var description: String { "MariaDB error \(code) (\(sqlState)): \(message)" }
}

/// A mistake in how the client used the library: the statement, the binds or the row decoding.
public enum MariaDBUsageError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A row was asked for a column the result does not have.
    case columnNotFound(String)
    /// A column's value cannot be decoded as the requested Swift type.
    case typeMismatch(column: String, expected: String, actual: String)
    /// The statement has a different number of `?` placeholders than values were bound.
    case parameterCountMismatch(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .columnNotFound(let name):
            return "column '\(name)' is not in the result"
        case .typeMismatch(let column, let expected, let actual):
            return "column '\(column)' holds \(actual), which cannot be decoded as \(expected)"
        case .parameterCountMismatch(let expected, let got):
            return "statement has \(expected) placeholder(s) but \(got) value(s) were bound"
        }
    }
}
