import Foundation
import Logging
import MariaDB

/// Applies `Migrations/*.sql` in version order and records each in `schema_migrations`.
///
/// MariaDB commits DDL implicitly, so a migration is recorded only after all its statements
/// succeeded; a failed one must be fixed by hand and re-run. A `MigrationLock` keeps two
/// instances that start together from applying the same migration twice, on a cluster too.
public struct MigrationRunner: Sendable {
    /// Where a migration stands against the database.
    public enum State: String, Sendable {
        case applied, pending
        /// Applied, but the file changed since.
        case changed
        /// Recorded in the database, but the file is gone.
        case missingFile = "missing file"
    }

    /// One line of `engage migrate --status`.
    public struct Status: Sendable, Equatable {
        public let version: Int
        public let fileName: String
        public let state: State
        public let appliedAt: Date?
    }

    private struct Applied {
        let version: Int
        let fileName: String
        let checksum: String
        let appliedAt: Date
    }

    private let pool: MariaDBConnectionPool
    private let directory: String
    private let logger: Logger

    /// How long a runner waits for another to finish before giving up.
    private let lockWaitSeconds: Int

    /// A runner for the migrations in `directory`, on `database`'s server.
    public init(database: Database, directory: String, logger: Logger) {
        self.init(pool: database.pool, directory: directory, logger: logger)
    }

    /// A runner for the migrations in `directory`.
    /// `lockWaitSeconds`: how long to wait for another instance's runner to finish.
    public init(pool: MariaDBConnectionPool, directory: String, logger: Logger, lockWaitSeconds: Int = 60) {
        self.pool = pool
        self.directory = directory
        self.logger = logger
        self.lockWaitSeconds = lockWaitSeconds
    }

    /// Applies pending migrations and returns them; refuses to start if an applied file changed.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        try await Database.mappingErrors { try await migrateMapped() }
    }

    private func migrateMapped() async throws -> [Migration] {
        let migrations = try Migration.load(from: directory)
        // A connection of its own with a long read timeout: a migration that rewrites a large
        // table (an index build, a backfill) may run for minutes, far past a request's timeout.
        let connection = try await pool.openDedicated(readTimeout: Self.statementTimeoutSeconds)
        defer { connection.close() }
        // What another node's runner applied must be seen before deciding what is pending.
        if pool.configuration.isCluster { try await connection.setCausalReads(true) }
        let lockConnection = try await pool.openDedicated()
        defer { lockConnection.close() }
        let lock = MigrationLock(connection: lockConnection, logger: logger)
        return try await lock.withLock(waitSeconds: lockWaitSeconds) {
            try await Self.createTable(connection)
            let applied = try await Self.applied(connection)
            try Self.refuseChanged(migrations, applied: applied)
            let pending = migrations.filter { applied[$0.version] == nil }
            for migration in pending {
                try await apply(migration, on: connection)
            }
            return pending
        }
    }

    /// How long one migration statement may run.
    static let statementTimeoutSeconds = 3600

    /// Every migration, file or record, with its state.
    public func status() async throws -> [Status] {
        let migrations = try Migration.load(from: directory)
        let applied = try await Database.mappingErrors { try await pool.withConnection { try await Self.applied($0) } }
        var lines = migrations.map { migration in
            let record = applied[migration.version]
            let state: State = record == nil ? .pending : (record?.checksum == migration.checksum ? .applied : .changed)
            return Status(version: migration.version, fileName: migration.fileName, state: state, appliedAt: record?.appliedAt)
        }
        let files = Set(migrations.map(\.version))
        for record in applied.values where !files.contains(record.version) {
            lines.append(Status(version: record.version, fileName: record.fileName, state: .missingFile, appliedAt: record.appliedAt))
        }
        return lines.sorted { $0.version < $1.version }
    }

    private func apply(_ migration: Migration, on connection: MariaDBConnection) async throws {
        let started = ContinuousClock.now
        do {
            try await connection.executeScript(migration.sql)
        } catch let error as MariaDBError {
            throw MigrationError.failed(migration.fileName, reason: error.description)
        }
        // On a cluster another node's DDL may abort this insert (1213): it is run again rather than
        // leaving an applied migration unrecorded, which the next runner would apply twice.
        for attempt in 1... {
            do {
                try await connection.execute(
                    "INSERT INTO schema_migrations (version, file_name, checksum, applied_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
                    [migration.version, migration.fileName, migration.checksum])
                break
            } catch let error as MariaDBError where error.isLockConflict && attempt < 10 {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
        logger.info("applied migration", metadata: [
            "migration": "\(migration.fileName)", "duration": "\(ContinuousClock.now - started)",
        ])
    }

    private static func refuseChanged(_ migrations: [Migration], applied: [Int: Applied]) throws {
        for migration in migrations {
            if let record = applied[migration.version], record.checksum != migration.checksum {
                throw MigrationError.changedAfterApplied(migration.fileName)
            }
        }
    }

    /// The bookkeeping table, made by the runner that holds the lock only: on a cluster a DDL
    /// statement runs on every node in total order and aborts what it crosses, so readers
    /// (`status`, polled by waiting workers) must not issue one.
    private static func createTable(_ connection: MariaDBConnection) async throws {
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INT NOT NULL PRIMARY KEY,
                file_name VARCHAR(255) NOT NULL,
                checksum CHAR(64) NOT NULL,
                applied_at DATETIME(6) NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
            """)
    }

    /// The applied migrations by version; none before the first runner made the table.
    private static func applied(_ connection: MariaDBConnection) async throws -> [Int: Applied] {
        let rows: [MariaDBRow]
        do {
            rows = try await connection.query("SELECT version, file_name, checksum, applied_at FROM schema_migrations")
        } catch let error as MariaDBError where error.code == 1146 {
            return [:]
        }
        var applied: [Int: Applied] = [:]
        for row in rows {
            let record = Applied(
                version: try row.decode("version"), fileName: try row.decode("file_name"),
                checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"))
            applied[record.version] = record
        }
        return applied
    }
}
