import Foundation

/// SQL for the `api_keys` table.
struct APIKeyRepository {
    let connection: SQLConnection

    private static let columns = "id, name, prefix, role, created_at, last_used_at, revoked_at, expires_at, signing_secret IS NOT NULL AS signed"

    func insert(
        name: String, prefix: String, hash: Data, role: User.Role, createdBy: Int64, expiresAt: Date?, sealedSigningSecret: Data?
    ) async throws -> Int64 {
        let result = try await connection.execute("""
            INSERT INTO api_keys (name, prefix, key_hash, role, created_by, created_at, expires_at, signing_secret)
            VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?)
            """, [name, prefix, hash, role.rawValue, createdBy, expiresAt, sealedSigningSecret] as [any SQLBindable])
        return Int64(result.lastInsertID)
    }

    func find(id: Int64) async throws -> APIKey? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM api_keys WHERE id = ?", [id]).map(Self.key)
    }

    /// The keys of these hashes, by hash.
    func find(hashes: [Data]) async throws -> [Data: APIKey] {
        guard !hashes.isEmpty else { return [:] }
        var keys: [Data: APIKey] = [:]
        for row in try await connection.query(
            "SELECT \(Self.columns), key_hash FROM api_keys WHERE key_hash IN (\(SQLList.placeholders(hashes.count)))", hashes) {
            keys[try row.decode("key_hash")] = try Self.key(row)
        }
        return keys
    }

    /// Every key, newest first.
    func all() async throws -> [APIKey] {
        try await connection.query("SELECT \(Self.columns) FROM api_keys ORDER BY created_at DESC, id DESC").map(Self.key)
    }

    /// The sealed signing secret of a key that requires signed requests.
    func sealedSigningSecret(id: Int64) async throws -> Data? {
        try await connection.queryFirst("SELECT signing_secret FROM api_keys WHERE id = ?", [id])?.decode("signing_secret")
    }

    func revoke(id: Int64) async throws {
        try await connection.execute(
            "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(6) WHERE id = ? AND revoked_at IS NULL", [id])
    }

    func markUsed(id: Int64, at time: Date) async throws {
        try await connection.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [time, id])
    }

    private static func key(_ row: SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode("id"), name: try row.decode("name"), prefix: try row.decode("prefix"),
            role: try User.Role(rawValue: row.decode("role")) ?? .viewer, createdAt: try row.decode("created_at"),
            lastUsedAt: try row.decode("last_used_at"), revokedAt: try row.decode("revoked_at"),
            expiresAt: try row.decode("expires_at"), requiresSignature: try row.decode("signed", as: Int64.self) == 1)
    }
}
