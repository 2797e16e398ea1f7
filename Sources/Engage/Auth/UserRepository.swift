import Foundation

/// SQL for the `users` table.
struct UserRepository {
    let connection: SQLConnection

    private static let columns = "id, email, name, role, active, last_login_at, created_at, credentials_version, language, time_zone"

    /// Inserts a user; returns nil when the email is already taken.
    func insert(email: String, name: String, role: User.Role, passwordHash: String) async throws -> Int64? {
        do {
            let result = try await connection.execute("""
                INSERT INTO users (email, name, password_hash, role, password_changed_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                """, [email, name, passwordHash, role.rawValue])
            return Int64(result.lastInsertID)
        } catch let error where SQLFailure.isDuplicateKey(error) {
            return nil
        }
    }

    /// The user with this id.
    func find(id: Int64) async throws -> User? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM users WHERE id = ?", [id]).map(Self.user)
    }

    /// The users of these ids, by id.
    func find(ids: [Int64]) async throws -> [Int64: User] {
        guard !ids.isEmpty else { return [:] }
        let unique = Array(Set(ids))
        var users: [Int64: User] = [:]
        for row in try await connection.query("SELECT \(Self.columns) FROM users WHERE id IN (\(SQLList.placeholders(unique.count)))", unique) {
            let user = try Self.user(row)
            users[user.id] = user
        }
        return users
    }

    /// The user with this email (any case).
    func find(email: String) async throws -> User? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM users WHERE email = ?", [email]).map(Self.user)
    }

    /// The user with this email (any case) and its password hash.
    func findWithPasswordHash(email: String) async throws -> (user: User, passwordHash: String)? {
        guard let row = try await connection.queryFirst(
            "SELECT \(Self.columns), password_hash FROM users WHERE email = ?", [email])
        else { return nil }
        return (try Self.user(row), try row.decode("password_hash"))
    }

    /// Locks the row of the user with this email until the transaction ends, if there is one.
    func lockForSignIn(email: String) async throws -> Int64? {
        try await connection.queryFirst("SELECT id FROM users WHERE email = ? FOR UPDATE", [email])?.decode("id")
    }

    /// The active admins' addresses and names, for notices to staff.
    func activeAdmins() async throws -> [(email: String, name: String)] {
        try await connection.query("SELECT email, name FROM users WHERE role = 'admin' AND active = 1 ORDER BY id").map {
            (try $0.decode("email"), try $0.decode("name"))
        }
    }

    /// Every user, by name.
    func all() async throws -> [User] {
        try await connection.query("SELECT \(Self.columns) FROM users ORDER BY name, id").map(Self.user)
    }

    /// The password hash of a user.
    func passwordHash(id: Int64) async throws -> String? {
        try await connection.queryFirst("SELECT password_hash FROM users WHERE id = ?", [id])?.decode("password_hash")
    }

    /// Active admins other than `id`, locked until the transaction ends.
    func otherActiveAdmins(than id: Int64) async throws -> Int {
        let row = try await connection.queryFirst(
            "SELECT COUNT(*) AS admins FROM users WHERE role = 'admin' AND active = 1 AND id <> ? FOR UPDATE", [id])
        return try row?.decode("admins") ?? 0
    }

    func update(id: Int64, role: User.Role) async throws {
        try await connection.execute("UPDATE users SET role = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?", [role.rawValue, id])
    }

    func update(id: Int64, active: Bool) async throws {
        try await connection.execute("UPDATE users SET active = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?", [active, id])
    }

    func update(id: Int64, passwordHash: String) async throws {
        try await connection.execute("""
            UPDATE users SET password_hash = ?, password_changed_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
            WHERE id = ?
            """, [passwordHash, id])
    }

    /// Ends every portal session of a user except `keeping`, and revokes their refresh tokens.
    func endSessionsAndTokens(id: Int64, keeping session: Data?) async throws {
        // Access tokens carry the version they were issued under: this ends them too.
        try await connection.execute("UPDATE users SET credentials_version = credentials_version + 1 WHERE id = ?", [id])
        try await connection.execute(
            "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", [id, session ?? Data()])
        try await connection.execute(
            "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) WHERE user_id = ? AND revoked_at IS NULL", [id])
    }

    /// True when at least one active admin exists.
    func activeAdminExists() async throws -> Bool {
        try await connection.queryFirst("SELECT 1 AS found FROM users WHERE role = 'admin' AND active = 1 LIMIT 1") != nil
    }

    func update(id: Int64, language: Language?, timeZone: String?) async throws {
        try await connection.execute("UPDATE users SET language = ?, time_zone = ? WHERE id = ?", [language?.rawValue, timeZone, id] as [any SQLBindable])
    }

    /// Notes a successful sign-in.
    func recordLogin(id: Int64) async throws {
        try await connection.execute("UPDATE users SET last_login_at = UTC_TIMESTAMP(6) WHERE id = ?", [id])
    }

    private static func user(_ row: SQLRow) throws -> User {
        User(
            id: try row.decode("id"),
            email: try row.decode("email"),
            name: try row.decode("name"),
            role: try User.Role(rawValue: row.decode("role")) ?? .viewer,
            isActive: try row.decode("active"),
            lastLoginAt: try row.decode("last_login_at"),
            createdAt: try row.decode("created_at"),
            credentialsVersion: try row.decode("credentials_version"),
            language: try row.decode("language", as: String?.self).flatMap(Language.init(rawValue:)),
            timeZone: try row.decode("time_zone"))
    }
}
