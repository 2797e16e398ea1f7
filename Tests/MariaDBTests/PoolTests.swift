import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    @Test("200 concurrent tasks over an 8-connection pool all succeed")
    func manyTasks() async throws {
        try await TestDatabase.withPool(maxConnections: 8) { pool in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let row = try await connection.queryFirst("SELECT ? * 2 AS doubled, CONNECTION_ID() AS c", [task])
                            return try #require(row).decode("doubled", as: Int.self)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == (0..<200).map { $0 * 2 })
            let open = try await pool.withConnection { connection in
                try await connection.queryFirst(
                    "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE()")
            }
            #expect(try #require(open).decode("n", as: Int.self) <= 8)
        }
    }

    @Test("the reactor's thread carries its name, so top -H and perf show it")
    func reactorThreadName() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            _ = try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS one") }
        }
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
        #expect(names.contains("mariadb-reactor\n"))
    }

    @Test("a caller that waits longer than the acquire timeout gets a clear error")
    func acquireTimeout() async throws {
        let configuration = try await TestDatabase.create()
        let pool = MariaDBConnectionPool(
            configuration: configuration, options: .init(maxConnections: 1, acquireTimeout: .milliseconds(200)))
        try await TestDatabase.withShutdown(pool) { pool in
            try await pool.withConnection { _ in
                await #expect(throws: MariaDBPoolError.timeout(.milliseconds(200), maxConnections: 1)) {
                    try await pool.withConnection { _ in }
                }
            }
            // Once free again the connection serves the next caller.
            try await pool.withConnection { try await $0.query("SELECT 1") }
        }
        try await TestDatabase.drop(configuration)
    }

    @Test("waiting callers are served in arrival order")
    func fifo() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let order = OrderRecorder()
            let (acquired, acquiredSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await pool.withConnection { _ in
                    acquiredSignal.yield()
                    for await _ in release {}
                }
            }
            for await _ in acquired { break }
            var callers: [Task<Void, any Error>] = []
            for caller in 0..<5 {
                callers.append(Task { try await pool.withConnection { _ in await order.record(caller) } })
                while await pool.waitingCallers < caller + 1 { await Task.yield() }
            }
            releaseSignal.finish()
            try await holder.value
            for caller in callers { try await caller.value }
            #expect(await order.values == [0, 1, 2, 3, 4])
        }
    }

    @Test("a killed server fails queries cleanly and the pool recovers once it is restarted")
    func serverRestart() async throws {
        let server = PrivateMariaDBServer()
        try await server.start()
        let pool = MariaDBConnectionPool(configuration: server.configuration, options: .init(maxConnections: 4))
        try await TestDatabase.withShutdown(pool) { pool in
            let before = try await pool.withConnection { try await $0.queryFirst("SELECT 1 AS one") }
            #expect(try before?.decode("one", as: Int.self) == 1)

            try await server.kill()
            let error = await #expect(throws: MariaDBError.self) {
                try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
            }
            #expect(error?.isConnectionLost == true)

            try await server.start()
            let after = try await pool.withConnection { try await $0.queryFirst("SELECT 2 AS two") }
            #expect(try after?.decode("two", as: Int.self) == 2)
        }
        await server.destroy()
    }
}

/// Collects values from concurrent tasks in the order they arrive.
actor OrderRecorder {
    private(set) var values: [Int] = []
    func record(_ value: Int) { values.append(value) }
}
