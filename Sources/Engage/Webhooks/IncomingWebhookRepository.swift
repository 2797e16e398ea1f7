import Foundation

/// SQL for `incoming_webhooks`: callbacks kept, deduplicated, claimed for processing and listed.
struct IncomingWebhookRepository {
    let connection: SQLConnection

    private static let columns = "id, source, verification, event_id, event_type, status, outcome, received_at, processed_at"

    /// Keeps a verified callback; nil when one with the same event id was kept before.
    func insertVerified(source: Partner, eventID: String, eventType: String, body: String, at time: Date) async throws -> Int64? {
        let result = try await connection.execute("""
            INSERT IGNORE INTO incoming_webhooks (source, verification, event_id, event_type, body, status, received_at)
            VALUES (?, 'verified', ?, ?, ?, 'received', ?)
            """, [source.rawValue, eventID, eventType, body, time] as [any SQLBindable])
        return result.affectedRows == 1 ? Int64(result.lastInsertID) : nil
    }

    /// Notes a refused callback, without its body.
    func insertRefused(source: Partner, verdict: CallbackSignature.Verdict, at time: Date) async throws {
        try await connection.execute("""
            INSERT INTO incoming_webhooks (source, verification, status, outcome, received_at) VALUES (?, ?, 'refused', ?, ?)
            """, [source.rawValue, verdict.rawValue, verdict.explanation, time]
            as [any SQLBindable])
    }

    /// Up to `limit` callbacks waiting to be processed, locked; others' are skipped. In a transaction.
    func claimReceived(limit: Int) async throws -> [(id: Int64, source: Partner, body: String)] {
        try await connection.query("""
            SELECT id, source, body FROM incoming_webhooks WHERE status = 'received' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
            """, [limit]).map {
            (try $0.decode("id"), Partner(rawValue: try $0.decode("source")) ?? .pennylane, try $0.decode("body") ?? "")
        }
    }

    /// Deletes up to `limit` callbacks older than `cutoff` that are done with; returns how many.
    func purge(before cutoff: Date, limit: Int) async throws -> Int {
        Int(try await connection.execute(
            "DELETE FROM incoming_webhooks WHERE received_at < ? AND status <> 'received' LIMIT ?", [cutoff, limit] as [any SQLBindable]
        ).affectedRows)
    }

    func finish(id: Int64, status: IncomingWebhook.Status, outcome: String, at time: Date) async throws {
        try await connection.execute(
            "UPDATE incoming_webhooks SET status = ?, outcome = ?, processed_at = ? WHERE id = ?",
            [status.rawValue, String(outcome.prefix(1000)), time, id] as [any SQLBindable])
    }

    /// The newest `limit` callbacks.
    func recent(limit: Int) async throws -> [IncomingWebhook] {
        try await connection.query("SELECT \(Self.columns) FROM incoming_webhooks ORDER BY id DESC LIMIT ?", [limit]).map {
            IncomingWebhook(
                id: try $0.decode("id"), source: Partner(rawValue: try $0.decode("source")) ?? .pennylane,
                verification: CallbackSignature.Verdict(rawValue: try $0.decode("verification")) ?? .invalidSignature,
                eventID: try $0.decode("event_id"), eventType: try $0.decode("event_type"),
                status: IncomingWebhook.Status(rawValue: try $0.decode("status")) ?? .received, outcome: try $0.decode("outcome"),
                receivedAt: try $0.decode("received_at"), processedAt: try $0.decode("processed_at"))
        }
    }
}
