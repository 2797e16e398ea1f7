import Engage
import Foundation
import Logging
import MariaDB

/// Where the checkout lives, so tests can find Migrations/, Templates/, Public/ and .ci/.
public enum Checkout {
    /// The repository root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A path inside the repository.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// The MariaDB server `make test` started, and a fresh database on it for each suite.
public enum TestDatabase {
    /// The test server's URL, from `ENGAGE_TEST_DATABASE_URL` (set by `make test`).
    public static func serverConfiguration() throws -> MariaDBConfiguration {
        guard let url = ProcessInfo.processInfo.environment["ENGAGE_TEST_DATABASE_URL"] else {
            throw TestSetupError("ENGAGE_TEST_DATABASE_URL is not set: run the tests with `make test`")
        }
        return try MariaDBConfiguration(url: url)
    }

    /// Creates an empty database with a unique name and returns its configuration.
    public static func create(prefix: String = "t") async throws -> MariaDBConfiguration {
        let server = try serverConfiguration()
        let name = "engage_test_\(prefix)_\(UInt32.random(in: .min ... .max))"
        try await withAdminConnection(server) { connection in
            try await connection.execute(
                "CREATE DATABASE `\(name)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        }
        return server.with(database: name)
    }

    /// Drops a database made by `create`.
    public static func drop(_ configuration: MariaDBConfiguration) async throws {
        guard let name = configuration.database, name.hasPrefix("engage_test_") else { return }
        try await withAdminConnection(configuration.with(database: nil)) { connection in
            // While other suites run DDL, InnoDB may still be removing a table's file when the
            // folder goes (error 1010, "directory not empty"): the drop is tried again.
            for attempt in 1...5 {
                do {
                    try await connection.execute("DROP DATABASE IF EXISTS `\(name)`")
                    return
                } catch let error as MariaDBError where error.code == 1010 && attempt < 5 {
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                }
            }
        }
    }

    /// A pool on a fresh database, dropped again when `body` ends.
    @discardableResult
    public static func withPool<T>(
        maxConnections: Int = 4, _ body: (MariaDBConnectionPool) async throws -> T
    ) async throws -> T {
        let configuration = try await create()
        do {
            let result = try await withShutdown(MariaDBConnectionPool(
                configuration: configuration, options: .init(maxConnections: maxConnections)), body)
            try await drop(configuration)
            return result
        } catch {
            try? await drop(configuration)
            throw error
        }
    }

    /// A pool on a fresh database with the project's migrations applied.
    @discardableResult
    public static func withMigratedPool<T>(
        maxConnections: Int = 4, _ body: (MariaDBConnectionPool) async throws -> T
    ) async throws -> T {
        try await withPool(maxConnections: maxConnections) { pool in
            try await migrate(pool)
            return try await body(pool)
        }
    }

    /// Applies the project's migrations to `pool`'s fresh database. Suites migrate one at a time:
    /// hundreds of databases built at once, DDL against DDL, would starve the tests that run beside them.
    public static func migrate(_ pool: MariaDBConnectionPool) async throws {
        try await migrations.run {
            _ = try await MigrationRunner(pool: pool, directory: Checkout.path("Migrations"), logger: Logger(label: "test")).migrate()
        }
    }

    private static let migrations = OneAtATime()

    /// Runs `body` with `pool` and shuts the pool down however `body` ends.
    @discardableResult
    public static func withShutdown<T>(
        _ pool: MariaDBConnectionPool, _ body: (MariaDBConnectionPool) async throws -> T
    ) async throws -> T {
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    private static func withAdminConnection(
        _ configuration: MariaDBConfiguration, _ body: (MariaDBConnection) async throws -> Void
    ) async throws {
        let pool = MariaDBConnectionPool(configuration: configuration, options: .init(maxConnections: 1))
        try await withShutdown(pool) { try await $0.withConnection(body) }
    }
}

/// The test environment is not what the tests need.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs the bodies given to it one after another, in arrival order.
actor OneAtATime {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run(_ body: @Sendable () async throws -> Void) async throws {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        try await body()
    }
}
