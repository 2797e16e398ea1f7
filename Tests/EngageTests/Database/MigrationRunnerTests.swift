import Engage
import Foundation
import Logging
import MariaDB
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationRunnerTests {
    /// A temporary Migrations folder.
    private final class Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())").path
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func write(_ name: String, _ sql: String) throws {
            try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    private func runner(_ pool: MariaDBConnectionPool, _ folder: Folder) -> MigrationRunner {
        MigrationRunner(pool: pool, directory: folder.path, logger: Logger(label: "test"))
    }

    @Test("applies files in version order, whatever order the folder lists them in, then nothing more")
    func orderAndIdempotence() async throws {
        let folder = try Folder()
        // 0010 needs 0002's table, which needs 0001's: any other order fails.
        try folder.write("0010_add_index.sql", "CREATE INDEX contacts_email ON contacts (email);")
        try folder.write("0001_organizations.sql", "CREATE TABLE organizations (id INT PRIMARY KEY) ENGINE=InnoDB;")
        try folder.write("0002_contacts.sql", """
            CREATE TABLE contacts (id INT PRIMARY KEY, email VARCHAR(100),
              organization_id INT, FOREIGN KEY (organization_id) REFERENCES organizations (id)) ENGINE=InnoDB;
            INSERT INTO organizations VALUES (1);
            """)
        try folder.write("README.md", "not a migration")
        try await TestDatabase.withPool { pool in
            let applied = try await runner(pool, folder).migrate()
            #expect(applied.map(\.fileName) == ["0001_organizations.sql", "0002_contacts.sql", "0010_add_index.sql"])
            let again = try await runner(pool, folder).migrate()
            #expect(again.isEmpty)
            let rows = try await pool.withConnection {
                try await $0.query("SELECT version FROM schema_migrations ORDER BY applied_at, version")
            }
            #expect(try rows.map { try $0.decode("version", as: Int.self) } == [1, 2, 10])
            let status = try await runner(pool, folder).status()
            #expect(status.map(\.state) == [.applied, .applied, .applied])
        }
    }

    @Test("a new file is applied on the next run and shown as pending before")
    func pending() async throws {
        let folder = try Folder()
        try folder.write("0001_a.sql", "CREATE TABLE a (id INT);")
        try await TestDatabase.withPool { pool in
            try await runner(pool, folder).migrate()
            try folder.write("0002_b.sql", "CREATE TABLE b (id INT);")
            #expect(try await runner(pool, folder).status().map(\.state) == [.applied, .pending])
            #expect(try await runner(pool, folder).migrate().map(\.version) == [2])
        }
    }

    @Test("an applied file that was edited is refused and nothing else is applied")
    func checksumRefusal() async throws {
        let folder = try Folder()
        try folder.write("0001_a.sql", "CREATE TABLE a (id INT);")
        try await TestDatabase.withPool { pool in
            try await runner(pool, folder).migrate()
            try folder.write("0001_a.sql", "CREATE TABLE a (id BIGINT);")
            try folder.write("0002_b.sql", "CREATE TABLE b (id INT);")
            await #expect(throws: MigrationError.changedAfterApplied("0001_a.sql")) {
                try await runner(pool, folder).migrate()
            }
            #expect(try await runner(pool, folder).status().map(\.state) == [.changed, .pending])
            let tables = try await pool.withConnection { try await $0.query("SHOW TABLES LIKE 'b'") }
            #expect(tables.isEmpty)
        }
    }

    @Test("a failing file is reported by name, earlier ones stay applied, it is not recorded")
    func failure() async throws {
        let folder = try Folder()
        try folder.write("0001_a.sql", "CREATE TABLE a (id INT);")
        try folder.write("0002_broken.sql", "CREATE TABLE b (id INT);\nCREATE TABLEX c (id INT);")
        try await TestDatabase.withPool { pool in
            await #expect {
                try await runner(pool, folder).migrate()
            } throws: { error in
                guard case MigrationError.failed(let name, let reason) = error else { return false }
                return name == "0002_broken.sql" && reason.contains("1064")
            }
            let status = try await runner(pool, folder).status()
            #expect(status.map(\.state) == [.applied, .pending])
        }
    }

    @Test("five runners started at once apply each migration once")
    func concurrentRunners() async throws {
        let folder = try Folder()
        // Not idempotent: a second run of 0002 would fail on the duplicate key, a second 0001 on the existing table.
        try folder.write("0001_a.sql", "CREATE TABLE a (id INT PRIMARY KEY);")
        try folder.write("0002_b.sql", "INSERT INTO a VALUES (1); DO SLEEP(0.3);")
        try await TestDatabase.withPool(maxConnections: 12) { pool in
            let path = folder.path
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        try await MigrationRunner(pool: pool, directory: path, logger: Logger(label: "test")).migrate().map(\.version)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(applied.filter { !$0.isEmpty } == [[1, 2]])
            let rows = try await pool.withConnection { try await $0.query("SELECT id FROM a") }
            #expect(rows.count == 1)
            let locks = try await pool.withConnection { try await $0.query("SELECT holder FROM schema_migration_lock") }
            #expect(locks.isEmpty, "the lock is released")
        }
    }

    @Test("a lock held by a live runner makes the next wait and give up; a lapsed one is taken over")
    func lockHeldAndLapsed() async throws {
        let folder = try Folder()
        try folder.write("0001_a.sql", "CREATE TABLE a (id INT PRIMARY KEY);")
        try await TestDatabase.withPool { pool in
            let timid = MigrationRunner(pool: pool, directory: folder.path, logger: Logger(label: "test"), lockWaitSeconds: 1)
            try await timid.migrate()  // creates the lock table
            try folder.write("0002_b.sql", "CREATE TABLE b (id INT PRIMARY KEY);")
            try await pool.withConnection {
                try await $0.execute(
                    "INSERT INTO schema_migration_lock VALUES (1, 'elsewhere', UTC_TIMESTAMP(6) + INTERVAL 1 MINUTE)")
            }
            await #expect(throws: MigrationError.lockTimeout) { try await timid.migrate() }
            #expect(try await timid.status().map(\.state) == [.applied, .pending])
            // The holder died: its lease runs out and the next runner goes ahead.
            try await pool.withConnection {
                try await $0.execute("UPDATE schema_migration_lock SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND")
            }
            #expect(try await timid.migrate().map(\.version) == [2])
        }
    }

    @Test("badly named or duplicate files are refused before touching the database", arguments: [
        (["001_short.sql"], MigrationError.invalidFileName("001_short.sql")),
        (["0001_Has Spaces.sql"], MigrationError.invalidFileName("0001_Has Spaces.sql")),
        (["0003_a.sql", "0003_b.sql"], MigrationError.duplicateVersion("0003_a.sql", "0003_b.sql")),
    ])
    func invalidFiles(names: [String], expected: MigrationError) throws {
        let folder = try Folder()
        for name in names { try folder.write(name, "SELECT 1;") }
        #expect(throws: expected) { try Migration.load(from: folder.path) }
    }

    @Test("the project's own migrations apply to an empty database")
    func projectMigrations() async throws {
        try await TestDatabase.withPool { pool in
            let runner = MigrationRunner(
                pool: pool, directory: Checkout.path("Migrations"), logger: Logger(label: "test"))
            let applied = try await runner.migrate()
            #expect(try await runner.status().allSatisfy { $0.state == .applied })
            #expect(applied.count == (try Migration.load(from: Checkout.path("Migrations"))).count)
            // Galera replicates rows by primary key: a table without one is slow to replicate and unsafe to delete from.
            let withoutKey = try await pool.withConnection {
                try await $0.query("""
                    SELECT t.TABLE_NAME AS name FROM information_schema.TABLES t
                    WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND NOT EXISTS (
                        SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA
                          AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')
                    """)
            }
            #expect(try withoutKey.map { try $0.decode("name", as: String.self) } == [])
            let notInnoDB = try await pool.withConnection {
                try await $0.query(
                    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND ENGINE <> 'InnoDB'")
            }
            #expect(try notInnoDB.map { try $0.decode("name", as: String.self) } == [], "Galera replicates InnoDB only")
        }
    }
}
