import Foundation
import Logging
import MariaDB
import Metrics

/// The application's database and its units of work. Services never see a connection: they ask
/// for a `Transaction` and work through its repositories; borrowing connections, lock-conflict
/// retries and the driver's errors stay here.
public struct Database: Sendable {
    /// The pool every unit of work borrows a connection from (tests and the migration runner use it directly).
    public let pool: MariaDBConnectionPool
    /// The days analytics count events in (`ENGAGE_TIME_ZONE`).
    public let days: LocalDays
    /// Whether events are counted for analytics as they are appended (`ENGAGE_ANALYTICS_COUNTING`).
    let countsEvents: Bool

    /// Opens a pool for `configuration` (connections open lazily).
    public init(configuration: EngageConfiguration, logger: Logger) {
        self.pool = MariaDBConnectionPool(
            configuration: configuration.database,
            options: .init(maxConnections: configuration.databasePoolSize),
            logger: logger)
        days = configuration.days
        countsEvents = configuration.analyticsCounting
    }

    /// Wraps an existing pool.
    public init(pool: MariaDBConnectionPool, days: LocalDays = .standard, countsEvents: Bool = true) {
        self.pool = pool
        self.days = days
        self.countsEvents = countsEvents
    }

    /// True while a task must read everything the cluster committed before it (`wsrep_sync_wait`
    /// on a Galera cluster; nothing on one server): requests that may follow a write made through
    /// another app node (portal, API, recipient pages), workers claiming queued rows, and event
    /// batches extending hash chains. Galera does not stop a transaction that read a stale row on
    /// one node from overwriting a newer one written on another (a lost update): a claim or a
    /// chain head read stale would send a message twice or fork a chain.
    @TaskLocal public static var causalReads = false

    /// A unit of work on `connection`.
    private func transaction(on connection: MariaDBConnection) async throws -> Transaction {
        if pool.configuration.isCluster {
            try await connection.setCausalReads(Self.causalReads)
        }
        return Transaction(SQLConnection(connection), days: days, countsEvents: countsEvents)
    }

    /// Closes every connection; the database cannot be used afterwards.
    public func shutdown() async {
        await pool.shutdown()
    }

    /// True when the server answers a query within the pool's limits.
    public func isReachable() async -> Bool {
        do {
            return try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS ok") } != nil
        } catch {
            return false
        }
    }

    /// Reads through one borrowed connection, each statement on its own (no transaction): the
    /// cheapest way to read, and to run writes that are each complete in one statement.
    /// `consistent` reads every statement from one snapshot, inside a transaction.
    @discardableResult
    func read<T>(consistent: Bool = false, _ body: (Transaction) async throws -> T) async throws -> T {
        try await Self.mappingErrors {
            if consistent {
                return try await pool.withTransaction { try await body(try await transaction(on: $0)) }
            }
            return try await pool.withConnection { try await body(try await transaction(on: $0)) }
        }
    }

    /// Runs `body` as one transaction: committed when it returns, rolled back when it throws. A
    /// transaction that loses a deadlock or a lock wait is run again as a whole, after a short
    /// pause, up to `attempts` runs: `body` must have no effect outside the database. `unit` names
    /// it in the conflict metric (a claim that lost to another node's, on a Galera cluster).
    @discardableResult
    func write<T>(attempts: Int? = nil, unit: String = "write", _ body: (Transaction) async throws -> T) async throws -> T {
        try await Self.mappingErrors {
            try await retryingLockConflicts(attempts: attempts ?? defaultAttempts, unit: unit) {
                try await pool.withTransaction { try await body(try await transaction(on: $0)) }
            }
        }
    }

    /// Like `write`, for an outcome that must not be lost: lock conflicts (on a cluster, another
    /// node's transaction winning certification) and an unreachable database (a node failing over,
    /// a restart) are waited out, with growing pauses, until `deadline`. A delivery whose success
    /// goes unrecorded would be made again when its lease ends.
    @discardableResult
    func writeOutcome<T>(until deadline: Date, _ body: (Transaction) async throws -> T) async throws -> T {
        try await Self.mappingErrors {
            var pause = Duration.milliseconds(10)
            while true {
                do {
                    return try await pool.withTransaction { try await body(try await transaction(on: $0)) }
                } catch let error as MariaDBError where (error.isLockConflict || error.isConnectionLost) && Date() + pause.seconds < deadline {
                    Counter(label: "engage_db_conflict_retries_total", dimensions: [("unit", error.isLockConflict ? "outcome" : "outcome_reconnect")])
                        .increment()
                } catch let error as MariaDBPoolError where error != .shutDown && Date() + pause.seconds < deadline {}
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }

    /// Runs writes that are each complete in one statement, without a transaction, each retried
    /// like `write` when it loses a lock conflict (the workers' outcomes).
    @discardableResult
    func statements<T>(attempts: Int? = nil, _ body: (Transaction) async throws -> T) async throws -> T {
        try await Self.mappingErrors {
            try await retryingLockConflicts(attempts: attempts ?? defaultAttempts, unit: "statements") {
                try await pool.withConnection { try await body(try await transaction(on: $0)) }
            }
        }
    }

    /// Reads a long list in batches keyed by id, borrowing a connection per batch only, so a
    /// slow consumer (a download) never holds a pooled connection while it writes.
    func forEachBatch<Item>(
        fetch: (Transaction, _ after: Int64) async throws -> [Item], id: (Item) -> Int64,
        _ body: ([Item]) async throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let items = try await read { try await fetch($0, after) }
            guard let last = items.last else { return }
            try await body(items)
            after = id(last)
        }
    }

    /// Runs of a transaction that keeps losing lock conflicts. On one server a deadlock is rare; on
    /// a Galera cluster, nodes writing the same rows at once is how contention shows (certification
    /// is optimistic), so it gets more.
    private var defaultAttempts: Int { pool.configuration.isCluster ? 12 : 5 }

    private func retryingLockConflicts<T>(
        attempts: Int, unit: String, isolation: isolated (any _Concurrency.Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as MariaDBError where error.isLockConflict && attempt < attempts {
                Counter(label: "engage_db_conflict_retries_total", dimensions: [("unit", unit)]).increment()
                // Jittered and growing: transactions that keep meeting (on a cluster, nodes writing the
                // same rows) fall out of step.
                try await Task.sleep(for: .microseconds(Int.random(in: 1_000...(5_000 << min(attempt, 5)))))
                attempt += 1
            }
        }
    }

    /// The pool's and the server's "cannot serve now" as `ServiceUnavailable`; any other
    /// database error as `DatabaseError`, whose text is for the log.
    static func mappingErrors<T>(
        isolation: isolated (any _Concurrency.Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as MariaDBError {
            throw SQLFailure.unavailable(error) ?? DatabaseError(description: error.description)
        } catch let error as MariaDBPoolError {
            throw SQLFailure.unavailable(error) ?? DatabaseError(description: error.description)
        } catch let error as MariaDBUsageError {
            throw DatabaseError(description: error.description)
        }
    }
}

/// A database failure that is no fault of the request (a bug, or the server refusing a statement).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What the server or driver said; for the log, never for clients.
    public let description: String
}
