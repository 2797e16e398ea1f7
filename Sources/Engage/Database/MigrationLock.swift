import Foundation
import Logging
import MariaDB

/// Keeps two instances that start together from applying migrations at once, on one server and
/// on a Galera cluster alike. `GET_LOCK` holds on one node only, so the lock is a row instead:
/// its insert replicates, and a second insert of it fails (duplicate key, or certification on
/// another node). The holder renews a lease while it works; a holder that died leaves a lease
/// that runs out, so the next instance may take over.
struct MigrationLock {
    /// The connection the lock is taken, renewed and released on (not the one migrating, which is busy).
    let connection: MariaDBConnection
    let logger: Logger
    /// Unique per attempt, so a release never frees somebody else's lock.
    let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    static let leaseSeconds = 60
    private static let renewEvery = Duration.seconds(20)

    /// Runs `body` holding the lock; waits up to `waitSeconds` for another holder to finish.
    func withLock<T>(waitSeconds: Int, _ body: () async throws -> T) async throws -> T {
        try await createTable()
        try await acquire(waitSeconds: waitSeconds)
        let renewal = Task { await renewWhileHeld() }
        defer { renewal.cancel() }
        do {
            let result = try await body()
            renewal.cancel()
            _ = await renewal.value
            try await release()
            return result
        } catch {
            renewal.cancel()
            _ = await renewal.value
            try? await release()
            throw error
        }
    }

    private func createTable() async throws {
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration_lock (
                id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
                holder VARCHAR(255) NOT NULL,
                expires_at DATETIME(6) NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
            """)
    }

    private func acquire(waitSeconds: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(waitSeconds)
        while true {
            do {
                try await connection.execute(
                    "INSERT INTO schema_migration_lock (id, holder, expires_at) VALUES (1, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)",
                    [holder, Self.leaseSeconds])
                return
            } catch let error as MariaDBError where error.isDuplicateKey || error.isLockConflict {
                // Held: take it over at once if its lease ran out, else wait a little (a conflict here is another taking it).
                let expired = try? await connection.execute(
                    "DELETE FROM schema_migration_lock WHERE id = 1 AND expires_at < UTC_TIMESTAMP(6)")
                if (expired?.affectedRows ?? 0) > 0 {
                    logger.warning("took over a migration lock whose holder stopped renewing it")
                    continue
                }
            }
            guard ContinuousClock.now < deadline else { throw MigrationError.lockTimeout }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func renewWhileHeld() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.renewEvery)
            guard !Task.isCancelled else { return }
            do {
                try await connection.execute(
                    "UPDATE schema_migration_lock SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE id = 1 AND holder = ?",
                    [Self.leaseSeconds, holder])
            } catch {
                logger.error("could not renew the migration lock: \(error)")
            }
        }
    }

    private func release() async throws {
        try await connection.execute("DELETE FROM schema_migration_lock WHERE id = 1 AND holder = ?", [holder])
    }
}
