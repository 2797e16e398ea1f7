import Foundation

/// SQL for `document_parties`.
struct PartyRepository {
    let connection: SQLConnection

    private static let columns = """
        id, document_id, name, email, phone, verify, role, step, status, access_token_id, sealed_link_secret, last_access_at, notified_at,
        completed_at, declined_at, decline_reason, evidence, created_at, updated_at,
        (SELECT t.prefix FROM access_tokens t WHERE t.id = document_parties.access_token_id) AS link_prefix
        """

    /// What a party is made of when it is added or changed.
    struct Fields: Sendable {
        var name: String
        var email: String?
        var phone: String?
        var verify: VerificationChannel?
        var role: DocumentParty.Role
        var step: Int
    }

    /// A document's parties in step order.
    func all(documentID: Int64) async throws -> [DocumentParty] {
        try await connection.query(
            "SELECT \(Self.columns) FROM document_parties WHERE document_id = ? ORDER BY step, id", [documentID]
        ).map(Self.party)
    }

    /// True when the document has any party.
    func exists(documentID: Int64) async throws -> Bool {
        try await connection.queryFirst("SELECT 1 AS one FROM document_parties WHERE document_id = ? LIMIT 1", [documentID]) != nil
    }

    func insert(_ fields: Fields, documentID: Int64, at now: Date) async throws -> Int64 {
        try await connection.execute("""
            INSERT INTO document_parties (document_id, name, email, phone, verify, role, step, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [documentID, fields.name, fields.email, fields.phone, fields.verify?.rawValue ?? "none", fields.role.rawValue, fields.step, now, now] as [any SQLBindable]
        ).lastInsertID
    }

    func update(id: Int64, _ fields: Fields, at now: Date) async throws {
        try await connection.execute("""
            UPDATE document_parties SET name = ?, email = ?, phone = ?, verify = ?, role = ?, step = ?, updated_at = ? WHERE id = ?
            """, [fields.name, fields.email, fields.phone, fields.verify?.rawValue ?? "none", fields.role.rawValue, fields.step, now, id] as [any SQLBindable])
    }

    /// Stores how far the party got: its status, stamps, link, evidence, and name and email (a transfer).
    func save(_ party: DocumentParty) async throws {
        try await connection.execute("""
            UPDATE document_parties SET name = ?, email = ?, status = ?, access_token_id = ?, sealed_link_secret = ?,
                last_access_at = ?, notified_at = ?, completed_at = ?, declined_at = ?, decline_reason = ?, evidence = ?, updated_at = ?
            WHERE id = ?
            """, [
                party.name, party.email, party.status.rawValue, party.linkID, party.sealedLinkSecret, party.lastAccessAt,
                party.notifiedAt, party.completedAt, party.declinedAt, party.declineReason,
                try party.evidence.map { try SQLJSON.encode($0) }, party.updatedAt, party.id,
            ] as [any SQLBindable])
    }

    /// Drops the party's link and puts it back to pending, to be sent a new one.
    func forgetLink(id: Int64) async throws {
        try await connection.execute("""
            UPDATE document_parties SET access_token_id = NULL, sealed_link_secret = NULL, status = 'pending', notified_at = NULL
            WHERE id = ?
            """, [id])
    }

    func delete(id: Int64) async throws {
        try await connection.execute("DELETE FROM document_parties WHERE id = ?", [id])
    }

    func deleteAll(documentID: Int64) async throws {
        try await connection.execute("DELETE FROM document_parties WHERE document_id = ?", [documentID])
    }

    private static func party(_ row: SQLRow) throws -> DocumentParty {
        DocumentParty(
            id: try row.decode("id"), documentID: try row.decode("document_id"), name: try row.decode("name"),
            email: try row.decode("email"), phone: try row.decode("phone"),
            verify: VerificationChannel(rawValue: try row.decode("verify", as: String.self)),
            role: DocumentParty.Role(rawValue: try row.decode("role")) ?? .viewer, step: Int(try row.decode("step", as: Int64.self)),
            status: DocumentParty.Status(rawValue: try row.decode("status")) ?? .pending, linkID: try row.decode("access_token_id"),
            sealedLinkSecret: try row.decode("sealed_link_secret"), linkPrefix: try row.decode("link_prefix"), lastAccessAt: try row.decode("last_access_at"), notifiedAt: try row.decode("notified_at"),
            completedAt: try row.decode("completed_at"), declinedAt: try row.decode("declined_at"),
            declineReason: try row.decode("decline_reason"), evidence: try row.decodeJSON("evidence"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
