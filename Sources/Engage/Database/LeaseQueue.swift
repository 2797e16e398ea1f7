import Foundation

/// The claim that the delivery queues share (`outbox_messages`, `webhook_deliveries`): due rows
/// are leased to one worker with `FOR UPDATE SKIP LOCKED`, and while a row is `sending` its
/// `next_attempt_at` is the lease end, so the row of a worker that died is due again through the
/// same index as a row due for a retry.
struct LeaseQueue {
    let connection: SQLConnection
    /// The table (a constant of the caller's, never input).
    let table: StaticString

    /// Leases up to `limit` due rows to `owner` until `leaseEnd`, counting an attempt for each;
    /// returns their ids, oldest due first. Rows other workers hold are skipped, not waited for.
    /// Must run inside a transaction.
    func claim(limit: Int, owner: String, leaseEnd: Date, now: Date) async throws -> [Int64] {
        // One status per query, so that each reads its index in order and locks only the rows it returns
        // (an IN over two statuses sorted the whole range and locked every row it read).
        var ids: [Int64] = []
        for status in ["queued", "sending"] where ids.count < limit {
            ids += try await connection.query("""
                SELECT id FROM \(table) WHERE status = ? AND next_attempt_at <= ?
                ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED
                """, [status, now, limit - ids.count] as [any SQLBindable]).map { try $0.decode("id") }
        }
        guard !ids.isEmpty else { return [] }
        try await connection.execute("""
            UPDATE \(table) SET status = 'sending', attempts = attempts + 1, locked_by = ?, locked_until = ?,
                next_attempt_at = ?, updated_at = ? WHERE id IN (\(SQLList.placeholders(ids.count)))
            """, [owner, leaseEnd, leaseEnd, now] + ids)
        return ids
    }
}
