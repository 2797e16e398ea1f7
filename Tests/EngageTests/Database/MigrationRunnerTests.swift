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
        MigrationRunner(pool: pool, directory: folder.path, logger: Logger(label: "test"), lockWaitSeconds: TestDatabase.migrationLockWait)
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
                pool: pool, directory: Checkout.path("Migrations"), logger: Logger(label: "test"), lockWaitSeconds: TestDatabase.migrationLockWait)
            let applied = try await runner.migrate()
            #expect(try await runner.status().allSatisfy { $0.state == .applied })
            #expect(applied.count == (try Migration.load(from: Checkout.path("Migrations"))).count)
        }
    }
}
