import Logging
import MariaDB

/// The application's database: the connection pool and the checks that run on it.
public struct Database: Sendable {
    /// The pool every repository borrows connections from.
    public let pool: MariaDBConnectionPool

    /// Opens a pool for `configuration` (connections open lazily).
    public init(configuration: EngageConfiguration, logger: Logger) {
        self.pool = MariaDBConnectionPool(
            configuration: configuration.database,
            options: .init(maxConnections: configuration.databasePoolSize),
            logger: logger)
    }

    /// Wraps an existing pool.
    public init(pool: MariaDBConnectionPool) {
        self.pool = pool
    }

    /// True when the server answers a query within the pool's limits.
    public func isReachable() async -> Bool {
        do {
            return try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS ok") } != nil
        } catch {
            return false
        }
    }
}
