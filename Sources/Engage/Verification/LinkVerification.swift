import Foundation

/// One code sent to a link's recipient, and what became of it.
public struct LinkVerification: Sendable, Equatable {
    public let id: Int64
    public let linkID: Int64
    public let channel: VerificationChannel
    /// The address, masked as the page showed it.
    public let destination: String
    let codeHash: Data
    public let attempts: Int
    public let sentAt: Date
    public let expiresAt: Date
    public let verifiedAt: Date?

    /// The evidence an accept, signature or decline carries of the check that preceded it.
    var evidence: JSONValue {
        .object([
            "id": .number(Decimal(id)), "channel": .string(channel.rawValue), "destination": .string(destination),
            "verified_at": verifiedAt.map { .string(ISOTimestamp.string($0)) } ?? .null,
        ])
    }
}

/// SQL for `link_verifications`.
struct LinkVerificationRepository {
    let connection: SQLConnection

    private static let columns = "id, access_token_id, channel, destination, code_hash, attempts, sent_at, expires_at, verified_at"

    /// Records a code sent; returns its id.
    func insert(
        linkID: Int64, channel: VerificationChannel, destination: String, codeHash: Data, messageID: Int64, sentAt: Date, expiresAt: Date
    ) async throws -> Int64 {
        Int64(try await connection.execute("""
            INSERT INTO link_verifications (access_token_id, channel, destination, code_hash, outbox_message_id, sent_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [linkID, channel.rawValue, destination, codeHash, messageID, sentAt, expiresAt] as [any SQLBindable]).lastInsertID)
    }

    /// The link's codes sent since `time`, newest first.
    func sent(linkID: Int64, since time: Date) async throws -> [LinkVerification] {
        try await connection.query(
            "SELECT \(Self.columns) FROM link_verifications WHERE access_token_id = ? AND sent_at >= ? ORDER BY sent_at DESC, id DESC",
            [linkID, time] as [any SQLBindable]
        ).map(Self.verification)
    }

    /// The code with this id, if it is the link's.
    func find(id: Int64, linkID: Int64) async throws -> LinkVerification? {
        try await connection.queryFirst(
            "SELECT \(Self.columns) FROM link_verifications WHERE id = ? AND access_token_id = ?", [id, linkID]
        ).map(Self.verification)
    }

    /// Counts one attempt at the code while it has some left; false when none were left.
    func countAttempt(id: Int64, limit: Int) async throws -> Bool {
        try await connection.execute(
            "UPDATE link_verifications SET attempts = attempts + 1 WHERE id = ? AND attempts < ? AND verified_at IS NULL",
            [id, limit]
        ).affectedRows == 1
    }

    /// Marks the code used, from where; false when it was used already.
    func markVerified(id: Int64, at time: Date, client: ClientInfo) async throws -> Bool {
        try await connection.execute("""
            UPDATE link_verifications SET verified_at = ?, verified_ip = ?, verified_user_agent = ? WHERE id = ? AND verified_at IS NULL
            """, [time, client.ipAddress, client.userAgent, id] as [any SQLBindable]).affectedRows == 1
    }

    private static func verification(_ row: SQLRow) throws -> LinkVerification {
        LinkVerification(
            id: try row.decode("id"), linkID: try row.decode("access_token_id"),
            channel: VerificationChannel(rawValue: try row.decode("channel")) ?? .email, destination: try row.decode("destination"),
            codeHash: try row.decode("code_hash"), attempts: try row.decode("attempts"), sentAt: try row.decode("sent_at"),
            expiresAt: try row.decode("expires_at"), verifiedAt: try row.decode("verified_at"))
    }
}
