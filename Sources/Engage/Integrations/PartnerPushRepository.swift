import Foundation

/// SQL for `partner_pushes`: statuses on their way back to a partner, claimed and leased by
/// workers like `outbox_messages`.
struct PartnerPushRepository {
    let connection: SQLConnection

    /// Queues writing `status` back, once per document and status (a second ask is a no-op).
    func queue(documentID: Int64, source: ExternalSource, externalID: String, status: DocumentStatus, at time: Date) async throws {
        try await connection.execute("""
            INSERT IGNORE INTO partner_pushes (document_id, source, external_id, pushed_status, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [documentID, source.rawValue, externalID, status.rawValue, time, time, time] as [any SQLBindable])
    }

    /// A push as a worker sends it.
    struct Claimed: Sendable {
        let id: Int64
        let documentID: Int64
        let partner: Partner
        let externalID: String
        let status: DocumentStatus
        let documentType: DocumentType
        let attempt: Int
    }

    /// Leases due pushes to `owner`. Must run inside a transaction.
    func claim(limit: Int, owner: String, leaseEnd: Date, now: Date) async throws -> [Claimed] {
        let ids = try await LeaseQueue(connection: connection, table: "partner_pushes").claim(limit: limit, owner: owner, leaseEnd: leaseEnd, now: now)
        guard !ids.isEmpty else { return [] }
        return try await connection.query("""
            SELECT p.id, p.document_id, p.source, p.external_id, p.pushed_status, p.attempts, d.document_type
            FROM partner_pushes p JOIN documents d ON d.id = p.document_id WHERE p.id IN (\(SQLList.placeholders(ids.count))) ORDER BY p.id
            """, ids).compactMap { row in
            guard let partner = Partner(rawValue: try row.decode("source")),
                  let status = DocumentStatus(rawValue: try row.decode("pushed_status")),
                  let type = DocumentType(rawValue: try row.decode("document_type"))
            else { return nil }
            return Claimed(
                id: try row.decode("id"), documentID: try row.decode("document_id"), partner: partner, externalID: try row.decode("external_id"),
                status: status, documentType: type, attempt: Int(try row.decode("attempts", as: Int64.self)))
        }
    }

    /// Ends a push `owner` holds: delivered, queued again for `retryAt`, or failed for good.
    func finish(id: Int64, owner: String, delivered: Bool, error: String?, retryAt: Date?, at time: Date) async throws {
        let status = delivered ? "delivered" : (retryAt == nil ? "failed" : "queued")
        try await connection.execute("""
            UPDATE partner_pushes SET status = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), locked_by = NULL,
                locked_until = NULL, delivered_at = IF(?, ?, delivered_at), updated_at = ?
            WHERE id = ? AND locked_by = ?
            """, [status, error.map { String($0.prefix(1000)) }, retryAt, delivered, time, time, id, owner] as [any SQLBindable])
    }

    /// Pushes queued or sending, for the sync page.
    func pendingCount() async throws -> Int {
        Int(try await connection.queryFirst("SELECT COUNT(*) AS n FROM partner_pushes WHERE status IN ('queued', 'sending')")?
            .decode("n", as: Int64.self) ?? 0)
    }
}
