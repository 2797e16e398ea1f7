import Foundation

/// SQL for the `sessions` table.
struct SessionRepository {
    let connection: SQLConnection

    struct Record {
        let userID: Int64?
        let csrfToken: String
        let lastSeenAt: Date
        let expiresAt: Date
    }

    func insert(idHash: Data, userID: Int64?, csrfToken: String, now: Date, expiresAt: Date) async throws {
        try await connection.execute("""
            INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [idHash, userID, csrfToken, now, now, expiresAt])
    }

    func find(idHash: Data) async throws -> Record? {
        guard let row = try await connection.queryFirst(
            "SELECT user_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE id_hash = ?", [idHash])
        else { return nil }
        return Record(
            userID: try row.decode("user_id"), csrfToken: try row.decode("csrf_token"),
            lastSeenAt: try row.decode("last_seen_at"), expiresAt: try row.decode("expires_at"))
    }

    func touch(idHash: Data, now: Date) async throws {
        try await connection.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", [now, idHash])
    }

    func delete(idHash: Data) async throws {
        try await connection.execute("DELETE FROM sessions WHERE id_hash = ?", [idHash])
    }

    /// Removes sessions past their absolute expiry (indexed); idle ones go when next looked up.
    func deleteExpired(now: Date) async throws {
        try await connection.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])
    }
}
