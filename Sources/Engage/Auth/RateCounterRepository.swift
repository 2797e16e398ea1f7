import Foundation

/// SQL for `api_rate_counters`.
struct RateCounterRepository {
    let connection: SQLConnection

    /// Counts `count` requests of `principal` in the window and returns the window's count so far.
    func hit(principal: String, window: Date, count: Int) async throws -> Int {
        // LAST_INSERT_ID(expr) hands the new count back without a second query.
        let result = try await connection.execute("""
            INSERT INTO api_rate_counters (principal, window_start, hits) VALUES (?, ?, LAST_INSERT_ID(?))
            ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + ?)
            """, [principal, window, count, count] as [any SQLBindable])
        return Int(result.lastInsertID)
    }

    func deleteOlder(than window: Date) async throws {
        try await connection.execute("DELETE FROM api_rate_counters WHERE window_start < ?", [window])
    }
}
