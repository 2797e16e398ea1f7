import Foundation

/// SQL for `access_tokens` and their `tracking_pixels`.
struct RecipientLinkRepository {
    let connection: SQLConnection

    private static let ownColumns = """
        t.id, t.document_id, t.party_id, t.prefix, t.allowed_actions, t.expires_at, t.max_uses, t.use_count, t.recipient_email,
        t.verify, t.recipient_phone, t.prefill_data, t.restricted_ips, t.created_by, t.created_at, t.last_used_at, t.revoked_at
        """
    private static let columns = ownColumns + """
        , (SELECT p.id FROM tracking_pixels p WHERE p.access_token_id = t.id ORDER BY p.created_at LIMIT 1) AS pixel_id, NULL AS priced
        """

    /// The values of a new link.
    struct NewLink {
        var documentID: Int64
        var partyID: Int64?
        var hash: Data
        var prefix: String
        var allowedActions: [RecipientAction]
        var expiresAt: Date?
        var maxUses: Int?
        var recipientEmail: String?
        var verify: VerificationChannel?
        var recipientPhone: String?
        var prefillData: [String: JSONValue]?
        var restrictedIPs: [String]
        var createdBy: Int64?
    }

    /// Inserts the link and its tracking pixel; returns the link's id.
    func insert(_ new: NewLink) async throws -> Int64 {
        let result = try await connection.execute("""
            INSERT INTO access_tokens (document_id, party_id, token_hash, prefix, allowed_actions, expires_at, max_uses,
                recipient_email, verify, recipient_phone, prefill_data, restricted_ips, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))
            """, [
                new.documentID, new.partyID, new.hash, new.prefix, new.allowedActions.map(\.rawValue).joined(separator: ","), new.expiresAt,
                new.maxUses, new.recipientEmail, new.verify?.rawValue ?? "none", new.recipientPhone, try new.prefillData.map { try SQLJSON.encode($0) },
                new.restrictedIPs.isEmpty ? nil : try SQLJSON.encode(new.restrictedIPs), new.createdBy,
            ])
        let id = Int64(result.lastInsertID)
        try await connection.execute(
            "INSERT INTO tracking_pixels (id, document_id, access_token_id, created_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
            [SecretToken.randomHexID(), new.documentID, id])
        return id
    }

    /// The link with this id on this document.
    func find(id: Int64, documentID: Int64) async throws -> RecipientLink? {
        try await connection.queryFirst(
            "SELECT \(Self.columns) FROM access_tokens t WHERE t.id = ? AND t.document_id = ?", [id, documentID]
        ).map(Self.link)
    }

    /// The links whose secrets hash to `hashes`, by hash, without their pixels: a recipient's request
    /// never shows one, and finding it was the costliest part of every recipient page's lookup.
    /// Whether each link's document has price tables comes along, so a page without them asks for none.
    func find(hashes: [Data]) async throws -> [Data: RecipientLink] {
        guard !hashes.isEmpty else { return [:] }
        var links: [Data: RecipientLink] = [:]
        let bound = SQLList.padded(hashes)
        for row in try await connection.query("""
            SELECT \(Self.ownColumns), NULL AS pixel_id, t.token_hash,
                EXISTS (SELECT 1 FROM price_tables p WHERE p.document_id = t.document_id) AS priced
            FROM access_tokens t WHERE t.token_hash IN (\(SQLList.placeholders(bound.count)))
            """, bound) {
            links[try row.decode("token_hash")] = try Self.link(row)
        }
        return links
    }

    /// Every link of a document, newest first.
    func all(documentID: Int64) async throws -> [RecipientLink] {
        try await connection.query(
            "SELECT \(Self.columns) FROM access_tokens t WHERE t.document_id = ? ORDER BY t.id DESC", [documentID]
        ).map(Self.link)
    }

    /// Revokes a party's live links; the ids revoked.
    func revoke(partyID: Int64, by userID: Int64?) async throws -> [Int64] {
        let ids: [Int64] = try await connection.query(
            "SELECT id FROM access_tokens WHERE party_id = ? AND revoked_at IS NULL FOR UPDATE", [partyID]
        ).map { try $0.decode("id") }
        for id in ids { _ = try await revoke(id: id, by: userID) }
        return ids
    }

    /// Revokes a live link; false when it was revoked already.
    func revoke(id: Int64, by userID: Int64?) async throws -> Bool {
        try await connection.execute(
            "UPDATE access_tokens SET revoked_at = UTC_TIMESTAMP(6), revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
            [userID, id]
        ).affectedRows == 1
    }

    /// A link's use count and limits, as a transaction that locked it sees them.
    struct Usage {
        let useCount: Int
        let maxUses: Int?
        let revoked: Bool
        let expired: Bool
        /// Uses granted by the transaction so far.
        var granted = 0

        /// Why one more use is refused, if it is.
        func refusal() -> RecipientError? {
            if revoked { return .linkInvalid }
            if expired { return .expired }
            if let maxUses, useCount + granted >= maxUses { return .linkInvalid }
            return nil
        }
    }

    /// The links' use counts and limits, locked in id order until the transaction ends; by id. By the
    /// primary key only (here and in `addUses`): on a small table MariaDB would rather scan, locking every row.
    func lockUsage(ids: [Int64]) async throws -> [Int64: Usage] {
        guard !ids.isEmpty else { return [:] }
        var usage: [Int64: Usage] = [:]
        let bound = SQLList.padded(ids)
        for row in try await connection.query("""
            SELECT id, use_count, max_uses, revoked_at IS NOT NULL AS revoked,
                expires_at IS NOT NULL AND expires_at <= UTC_TIMESTAMP(6) AS expired
            FROM access_tokens FORCE INDEX (PRIMARY) WHERE id IN (\(SQLList.placeholders(bound.count))) ORDER BY id FOR UPDATE
            """, bound) {
            usage[try row.decode("id")] = Usage(
                useCount: try row.decode("use_count"), maxUses: try row.decode("max_uses"),
                revoked: try row.decode("revoked"), expired: try row.decode("expired"))
        }
        return usage
    }

    /// Adds uses granted under `lockUsage`'s lock: `counts` by link id, in one statement.
    func addUses(_ counts: [Int64: Int]) async throws {
        guard !counts.isEmpty else { return }
        let ids = SQLList.padded(counts.keys.sorted())
        try await connection.execute("""
            UPDATE access_tokens FORCE INDEX (PRIMARY) SET use_count = use_count + CASE id \(ids.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")) END,
                last_used_at = UTC_TIMESTAMP(6)
            WHERE id IN (\(SQLList.placeholders(ids.count)))
            """, ids.flatMap { [$0, Int64(counts[$0]!)] } + ids)
    }

    /// Notes a hit of a pixel or tracked link from `address` in the window starting at `windowStart`;
    /// false when one was noted already (the event is not recorded again).
    func firstHit(pixelID: String, kind: String, address: String, windowStart: Int64) async throws -> Bool {
        try await connection.execute(
            "INSERT IGNORE INTO tracking_hits (pixel_id, kind, address, window_start) VALUES (?, ?, ?, ?)",
            [pixelID, kind, String(address.prefix(45)), windowStart] as [any SQLBindable]
        ).affectedRows == 1
    }

    /// Forgets hits of windows before `windowStart`.
    func forgetHits(before windowStart: Int64) async throws {
        try await connection.execute("DELETE FROM tracking_hits WHERE window_start < ?", [windowStart])
    }

    /// The document, link and message a tracking pixel belongs to.
    func pixel(id: String) async throws -> KnownPixels.Owner? {
        guard let row = try await connection.queryFirst(
            "SELECT document_id, access_token_id, outbox_message_id FROM tracking_pixels WHERE id = ?", [id]) else { return nil }
        return KnownPixels.Owner(
            documentID: try row.decode("document_id"), linkID: try row.decode("access_token_id"), messageID: try row.decode("outbox_message_id"))
    }

    private static func link(_ row: SQLRow) throws -> RecipientLink {
        let actions: String = try row.decode("allowed_actions")
        return RecipientLink(
            id: try row.decode("id"), documentID: try row.decode("document_id"), partyID: try row.decode("party_id"), prefix: try row.decode("prefix"),
            allowedActions: actions.split(separator: ",").compactMap { RecipientAction(rawValue: String($0)) },
            expiresAt: try row.decode("expires_at"), maxUses: try row.decode("max_uses"), useCount: try row.decode("use_count"),
            recipientEmail: try row.decode("recipient_email"),
            verify: VerificationChannel(rawValue: try row.decode("verify", as: String.self)), recipientPhone: try row.decode("recipient_phone"),
            prefillData: try row.decodeJSON("prefill_data"),
            restrictedIPs: try row.decodeJSON("restricted_ips", as: [String].self) ?? [],
            pixelID: try row.decode("pixel_id"), documentPriced: try row.decode("priced"), createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"),
            lastUsedAt: try row.decode("last_used_at"), revokedAt: try row.decode("revoked_at"))
    }
}
