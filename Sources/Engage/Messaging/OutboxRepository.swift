import Foundation

/// SQL for `outbox_messages`: queuing inside the caller's transaction, claiming with a lease,
/// recording each attempt's outcome, and the staff's lists.
struct OutboxRepository {
    let connection: SQLConnection

    private static let columns = """
        id, document_id, access_token_id, channel, purpose, language, message_id, tracking_id, recipient, recipient_name,
        cc, subject, text_body, html_body, attachment, status, attempts, next_attempt_at, locked_by, last_error, provider_id,
        created_by, created_at, sent_at, link_secret
        """

    /// A message to queue.
    struct NewMessage: Sendable {
        var documentID: Int64?
        var linkID: Int64?
        var channel: MessageChannel
        var purpose: MessagePurpose
        var language: Language
        var messageID: String
        var trackingID: String?
        var recipient: String
        var recipientName: String?
        var cc: [String]
        var rendered: RenderedMessage
        var createdBy: Int64?
        /// The link's secret, sealed; the bodies hold `SecretSeal.placeholder` in its place.
        var sealedLinkSecret: Data?
        var attachment: MessageAttachment? = nil
    }

    /// Queues `message` for delivery now and, for an email, its pixel; returns the new row's id.
    func insert(_ message: NewMessage, at time: Date = Date()) async throws -> Int64 {
        let cc = message.cc.isEmpty ? nil : try SQLJSON.encode(message.cc.map(JSONValue.string))
        let result = try await connection.execute("""
            INSERT INTO outbox_messages (document_id, access_token_id, channel, purpose, language, message_id, tracking_id,
                recipient, recipient_name, cc, subject, text_body, html_body, next_attempt_at, created_by, created_at, updated_at,
                link_secret, attachment)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                message.documentID, message.linkID, message.channel.rawValue, message.purpose.rawValue,
                message.language.rawValue, message.messageID, message.trackingID, message.recipient, message.recipientName, cc,
                message.rendered.subject, message.rendered.text, message.rendered.html, time, message.createdBy, time, time,
                message.sealedLinkSecret, message.attachment?.rawValue,
            ] as [any SQLBindable])
        let id = Int64(result.lastInsertID)
        if let trackingID = message.trackingID, let documentID = message.documentID {
            try await connection.execute("""
                INSERT INTO tracking_pixels (id, document_id, access_token_id, outbox_message_id, created_at) VALUES (?, ?, ?, ?, ?)
                """, [trackingID, documentID, message.linkID, id, time] as [any SQLBindable])
        }
        return id
    }

    /// Leases up to `limit` messages that are due (queued and due, or sending with an expired
    /// lease) to `owner` until `leaseEnd`, counting an attempt for each. Rows other workers hold
    /// are skipped, not waited for. Must run inside a transaction.
    func claim(limit: Int, owner: String, leaseEnd: Date, now: Date) async throws -> [OutboxMessage] {
        let ids = try await LeaseQueue(connection: connection, table: "outbox_messages").claim(limit: limit, owner: owner, leaseEnd: leaseEnd, now: now)
        guard !ids.isEmpty else { return [] }
        let list = SQLList.placeholders(ids.count)
        return try await connection.query(
            "SELECT \(Self.columns) FROM outbox_messages WHERE id IN (\(list)) ORDER BY next_attempt_at, id", ids
        ).map(Self.message)
    }

    /// Marks messages `owner` holds as delivered through one provider id (none for SMTP), keeping
    /// `locked_by` to tell which worker sent them; returns how many were still held (a lease lost
    /// to another worker leaves its message alone).
    @discardableResult
    func markSent(ids: [Int64], owner: String, providerID: String?, at time: Date = Date()) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let ids = SQLList.padded(ids)
        let values: [any SQLBindable] = [time, providerID, time] + ids + [owner]
        return try await Int(connection.execute(
            """
            UPDATE outbox_messages SET status = 'sent', sent_at = ?, provider_id = ?, last_error = NULL,
                locked_until = NULL, link_secret = NULL, updated_at = ? WHERE id IN (\(SQLList.placeholders(ids.count))) AND locked_by = ? AND status = 'sending'
            """, values).affectedRows)
    }

    /// Puts a message `owner` holds back in the queue for `retryAt` after a temporary failure.
    @discardableResult
    func markRetry(id: Int64, owner: String, error: String, retryAt: Date, at time: Date = Date()) async throws -> Bool {
        try await connection.execute("""
            UPDATE outbox_messages SET status = 'queued', next_attempt_at = ?, last_error = ?, locked_by = NULL,
                locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [retryAt, String(error.prefix(1000)), time, id, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// Ends a message `owner` holds as `failed` (refused for good) or `dead` (out of attempts).
    @discardableResult
    func markFinal(id: Int64, owner: String, status: OutboxStatus, error: String, at time: Date = Date()) async throws -> Bool {
        try await connection.execute("""
            UPDATE outbox_messages SET status = ?, last_error = ?, locked_by = NULL, locked_until = NULL, link_secret = NULL,
                updated_at = ?
            WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [status.rawValue, String(error.prefix(1000)), time, id, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// Queues a failed or dead message again, due now, with a fresh count of attempts and, when its
    /// secret was dropped, a new link's.
    func requeue(id: Int64, newLink: (id: Int64, sealedSecret: Data)?, at time: Date = Date()) async throws -> Bool {
        var sql = "UPDATE outbox_messages SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ?"
        var binds: [any SQLBindable] = [time, time]
        if let newLink {
            sql += ", access_token_id = ?, link_secret = ?"
            binds += [newLink.id, newLink.sealedSecret] as [any SQLBindable]
            try await connection.execute(
                "UPDATE tracking_pixels SET access_token_id = ? WHERE outbox_message_id = ?", [newLink.id, id])
        }
        return try await connection.execute(sql + " WHERE id = ? AND status IN ('failed', 'dead')", binds + [id]).affectedRows == 1
    }

    func find(id: Int64) async throws -> OutboxMessage? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM outbox_messages WHERE id = ?", [id]).map(Self.message)
    }

    /// A page of messages, newest first, optionally of one status or one document, and how many match.
    func page(status: OutboxStatus?, documentID: Int64?, limit: Int, offset: Int) async throws -> (items: [OutboxMessage], total: Int) {
        var clauses: [String] = []
        var binds: [any SQLBindable] = []
        if let status { clauses.append("status = ?"); binds.append(status.rawValue) }
        if let documentID { clauses.append("document_id = ?"); binds.append(documentID) }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let rows = try await connection.query(
            "SELECT \(Self.columns) FROM outbox_messages \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", binds + [limit, offset])
        let total: Int64 = try await connection.queryFirst("SELECT COUNT(*) AS n FROM outbox_messages \(filter)", binds)?.decode("n") ?? 0
        return (try rows.map(Self.message), Int(total))
    }

    /// The newest `limit` messages about a document.
    func recent(documentID: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await connection.query(
            "SELECT \(Self.columns) FROM outbox_messages WHERE document_id = ? ORDER BY id DESC LIMIT ?", [documentID, limit]
        ).map(Self.message)
    }

    /// Messages by status, for the outbox page's tabs.
    func countsByStatus() async throws -> [OutboxStatus: Int] {
        var counts: [OutboxStatus: Int] = [:]
        for row in try await connection.query("SELECT status, COUNT(*) AS n FROM outbox_messages GROUP BY status") {
            if let status = OutboxStatus(rawValue: try row.decode("status")) {
                counts[status] = try row.decode("n")
            }
        }
        return counts
    }

    /// The newest notification sent to a document's recipient (not a reminder), which reminders follow.
    func lastNotification(documentID: Int64) async throws -> OutboxMessage? {
        try await connection.queryFirst("""
            SELECT \(Self.columns) FROM outbox_messages WHERE document_id = ? AND purpose NOT IN ('reminder', 'signed_confirmation', 'staff_notice', 'verification_code')
            ORDER BY id DESC LIMIT 1
            """, [documentID]).map(Self.message)
    }

    private static func message(_ row: SQLRow) throws -> OutboxMessage {
        let cc: [JSONValue]? = try row.decodeJSON("cc")
        return OutboxMessage(
            id: try row.decode("id"), documentID: try row.decode("document_id"), linkID: try row.decode("access_token_id"),
            channel: MessageChannel(rawValue: try row.decode("channel")) ?? .email,
            purpose: MessagePurpose(rawValue: try row.decode("purpose")) ?? .quoteNotification,
            language: Language(rawValue: try row.decode("language")) ?? .en,
            messageID: try row.decode("message_id"), trackingID: try row.decode("tracking_id"),
            recipient: try row.decode("recipient"), recipientName: try row.decode("recipient_name"),
            cc: (cc ?? []).compactMap { if case .string(let address) = $0 { address } else { nil } },
            subject: try row.decode("subject"), textBody: try row.decode("text_body"), htmlBody: try row.decode("html_body"),
            attachment: try row.decode("attachment", as: String?.self).flatMap(MessageAttachment.init(rawValue:)),
            status: OutboxStatus(rawValue: try row.decode("status")) ?? .queued, attempts: try row.decode("attempts"),
            nextAttemptAt: try row.decode("next_attempt_at"), lockedBy: try row.decode("locked_by"),
            lastError: try row.decode("last_error"), providerID: try row.decode("provider_id"),
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"), sentAt: try row.decode("sent_at"),
            sealedLinkSecret: try row.decode("link_secret"))
    }
}
