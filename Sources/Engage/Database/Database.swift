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

    /// Runs `body` again, after a short pause, when it loses a deadlock or a lock wait (at most
    /// `attempts` runs in all): `body` must be a whole transaction or a single statement, safe to repeat.
    func retryingLockConflicts<T>(
        attempts: Int = 5, isolation: isolated (any _Concurrency.Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as MariaDBError where error.isLockConflict && attempt < attempts {
                try await Task.sleep(for: .milliseconds(5 * attempt))
                attempt += 1
            }
        }
    }

    /// Reads a long list in batches keyed by id, borrowing a connection per batch only, so a
    /// slow consumer (a download) never holds a pooled connection while it writes.
    func forEachBatch<Item>(
        fetch: (MariaDBConnection, _ after: Int64) async throws -> [Item], id: (Item) -> Int64,
        _ body: ([Item]) async throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let items = try await pool.withConnection { try await fetch($0, after) }
            guard let last = items.last else { return }
            try await body(items)
            after = id(last)
        }
    }
}
