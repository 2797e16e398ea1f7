import Foundation

/// SQL for the `refresh_tokens` table; used inside the caller's transaction.
struct RefreshTokenRepository {
    let connection: SQLConnection

    struct Record {
        let id: Int64
        let family: String
        let userID: Int64
        let expiresAt: Date
        let isSpent: Bool
    }

    func insert(hash: Data, family: String, userID: Int64, expiresAt: Date) async throws {
        try await connection.execute("""
            INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at)
            VALUES (?, ?, ?, UTC_TIMESTAMP(6), ?)
            """, [hash, family, userID, expiresAt])
    }

    /// The token with this hash, locked until the transaction ends.
    func lock(hash: Data) async throws -> Record? {
        guard let row = try await connection.queryFirst("""
            SELECT id, family, user_id, expires_at, used_at IS NOT NULL OR revoked_at IS NOT NULL AS spent
            FROM refresh_tokens WHERE token_hash = ? FOR UPDATE
            """, [hash])
        else { return nil }
        return Record(
            id: try row.decode("id"), family: try row.decode("family"), userID: try row.decode("user_id"),
            expiresAt: try row.decode("expires_at"), isSpent: try row.decode("spent"))
    }

    func markUsed(id: Int64) async throws {
        try await connection.execute("UPDATE refresh_tokens SET used_at = UTC_TIMESTAMP(6) WHERE id = ?", [id])
    }

    func revokeFamily(_ family: String) async throws {
        try await connection.execute(
            "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) WHERE family = ? AND revoked_at IS NULL", [family])
    }
}
