import Foundation

/// SQL for the `sign_in_failures` table.
struct SignInFailureRepository {
    enum Scope: String { case account, address }

    let connection: SQLConnection

    /// Failures of `subject` since `since`, and the oldest of them.
    func recent(_ scope: Scope, subject: String, since: Date) async throws -> (count: Int, oldest: Date?) {
        let row = try await connection.queryFirst("""
            SELECT COUNT(*) AS failures, MIN(failed_at) AS oldest FROM sign_in_failures
            WHERE scope = ? AND subject = ? AND failed_at > ?
            """, [scope.rawValue, subject, since])
        return (try row?.decode("failures") ?? 0, try row?.decode("oldest"))
    }

    /// Records a failure (or an attempt not yet checked); returns its id.
    func record(_ scope: Scope, subject: String, at time: Date) async throws -> Int64 {
        try await connection.execute(
            "INSERT INTO sign_in_failures (scope, subject, failed_at) VALUES (?, ?, ?)", [scope.rawValue, subject, time]
        ).lastInsertID
    }

    /// Removes the records of an attempt that turned out right.
    func delete(ids: [Int64]) async throws {
        for id in ids {
            try await connection.execute("DELETE FROM sign_in_failures WHERE id = ?", [id])
        }
    }

    func clear(_ scope: Scope, subject: String) async throws {
        try await connection.execute("DELETE FROM sign_in_failures WHERE scope = ? AND subject = ?", [scope.rawValue, subject])
    }

    func deleteOlder(than time: Date) async throws {
        try await connection.execute("DELETE FROM sign_in_failures WHERE failed_at <= ?", [time])
    }
}
