import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Statements, errors and transactions")
struct StatementTests {
    @Test("a SQL syntax error surfaces MariaDB's code, SQLSTATE and message")
    func syntaxError() async throws {
        try await TestDatabase.withPool { pool in
            let error = await #expect(throws: MariaDBError.self) {
                try await pool.withConnection { try await $0.query("SELEC 1") }
            }
            #expect(error?.code == 1064)
            #expect(error?.sqlState == "42000")
            #expect(error?.message.contains("SQL syntax") == true)
            #expect(error?.isConnectionLost == false)
        }
    }

    @Test("a duplicate key is recognisable as such")
    func duplicateKey() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try await connection.execute("CREATE TABLE people (email VARCHAR(100) PRIMARY KEY)")
                try await connection.execute("INSERT INTO people VALUES (?)", ["a@example.com"])
                let error = await #expect(throws: MariaDBError.self) {
                    try await connection.execute("INSERT INTO people VALUES (?)", ["a@example.com"])
                }
                #expect(error?.isDuplicateKey == true)
                #expect(error?.sqlState == "23000")
            }
        }
    }

    @Test("binding the wrong number of values is refused before reaching the server")
    func parameterCount() async throws {
        try await TestDatabase.withPool { pool in
            await #expect(throws: MariaDBUsageError.parameterCountMismatch(expected: 2, got: 1)) {
                try await pool.withConnection { try await $0.query("SELECT ? + ?", [1]) }
            }
        }
    }

    @Test("an update reports affected rows; a script runs several statements")
    func executeAndScript() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try await connection.executeScript("""
                    CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));
                    INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
                    """)
                let result = try await connection.execute("UPDATE items SET name = ? WHERE id >= ?", ["z", 2])
                #expect(result.affectedRows == 2)
                let rows = try await connection.query("SELECT name FROM items ORDER BY id")
                #expect(try rows.map { try $0.decode("name", as: String.self) } == ["a", "z", "z"])
            }
        }
    }

    @Test("withTransaction commits on return and rolls back on throw")
    func transactions() async throws {
        struct Abort: Error {}
        try await TestDatabase.withPool { pool in
            try await pool.withConnection { try await $0.execute("CREATE TABLE ledger (amount DECIMAL(15,2)) ENGINE=InnoDB") }
            try await pool.withTransaction { try await $0.execute("INSERT INTO ledger VALUES (?)", [Decimal(10)]) }
            await #expect(throws: Abort.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger VALUES (?)", [Decimal(99)])
                    throw Abort()
                }
            }
            let rows = try await pool.withConnection { try await $0.query("SELECT amount FROM ledger") }
            #expect(try rows.map { try $0.decode("amount", as: Decimal.self) } == [Decimal(10)])
        }
    }

    @Test("a query that outlives read_timeout fails as a lost connection instead of hanging")
    func readTimeout() async throws {
        var configuration = try TestDatabase.serverConfiguration()
        configuration.readTimeout = 1
        let pool = MariaDBConnectionPool(configuration: configuration, options: .init(maxConnections: 1))
        try await TestDatabase.withShutdown(pool) { pool in
            let started = ContinuousClock.now
            let error = await #expect(throws: MariaDBError.self) {
                try await pool.withConnection { try await $0.query("SELECT SLEEP(5)") }
            }
            #expect(error?.isConnectionLost == true)
            #expect(ContinuousClock.now - started < .seconds(4))
            // The pool replaced the timed-out connection.
            let row = try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS one") }
            #expect(try row?.decode("one", as: Int.self) == 1)
        }
    }

    @Test("TCP connections work as well as the socket")
    func tcp() async throws {
        guard let url = ProcessInfo.processInfo.environment["ENGAGE_TEST_DATABASE_TCP_URL"] else {
            throw TestSetupError("ENGAGE_TEST_DATABASE_TCP_URL is not set: run the tests with `make test`")
        }
        let configuration = try MariaDBConfiguration(url: url)
        #expect(configuration.unixSocket == nil)
        let pool = MariaDBConnectionPool(configuration: configuration, options: .init(maxConnections: 1))
        let viaTCP = try await TestDatabase.withShutdown(pool) { pool in
            try await pool.withConnection { connection in
                try await connection.queryFirst("SELECT @@session.time_zone AS tz, @@character_set_client AS cs")
            }
        }
        #expect(try viaTCP?.decode("tz", as: String.self) == "+00:00")
        #expect(try viaTCP?.decode("cs", as: String.self) == "utf8mb4")
    }

    @Test("with several hosts the pool skips one that is down, and retires fallback connections to try it again")
    func failover() async throws {
        guard let url = ProcessInfo.processInfo.environment["ENGAGE_TEST_DATABASE_TCP_URL"] else {
            throw TestSetupError("ENGAGE_TEST_DATABASE_TCP_URL is not set: run the tests with `make test`")
        }
        let server = try MariaDBConfiguration(url: url)
        // Port 1 on loopback refuses at once: the preferred node is down.
        var configuration = try MariaDBConfiguration(url: "mariadb://x@127.0.0.1:1,127.0.0.1:1/")
        configuration.endpoints[1] = server.endpoints[0]
        configuration.user = server.user
        configuration.password = server.password
        let pool = MariaDBConnectionPool(
            configuration: configuration, options: .init(maxConnections: 1, failbackAfter: .seconds(2)))
        try await TestDatabase.withShutdown(pool) { pool in
            let first = try await pool.withConnection { ($0.endpointIndex, try await $0.queryFirst("SELECT CONNECTION_ID() AS id")) }
            #expect(first.0 == 1)
            let again = try await pool.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id") }
            #expect(try again?.decode("id", as: Int.self) == first.1?.decode("id", as: Int.self), "young enough to be kept")
            try await Task.sleep(for: .milliseconds(2100))
            _ = try await pool.withConnection { try await $0.queryFirst("SELECT 1") }  // handed back too old: retired
            let later = try await pool.withConnection { try await $0.queryFirst("SELECT CONNECTION_ID() AS id") }
            #expect(try later?.decode("id", as: Int.self) != first.1?.decode("id", as: Int.self))
        }
    }
}
