import Foundation
import Metrics

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

    /// Of `ids`, those leased to `owner` until `leaseEnd` (the lease end tells this claim from the
    /// owner's others).
    func held(_ ids: [Int64], owner: String, leaseEnd: Date) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        return Set(try await connection.query("""
            SELECT id FROM \(table) WHERE id IN (\(SQLList.placeholders(ids.count))) AND status = 'sending'
                AND locked_by = ? AND next_attempt_at = ?
            """, ids + [owner, leaseEnd] as [any SQLBindable]).map { try $0.decode("id") })
    }
}

extension Database {
    /// The part of a claim just committed that is still this worker's, read back outside the
    /// claim's transaction (causally, on a cluster): only that part is delivered. The rest is
    /// counted and left to whoever holds it. On one server every claim sticks; on a Galera cluster
    /// two CI runs saw a claim that did not, and both workers sent its messages (docs/cluster.md).
    func confirmedClaim(_ ids: [Int64], of table: StaticString, queue: String, owner: String, leaseEnd: Date) async throws -> Set<Int64> {
        let held = try await read { try await LeaseQueue(connection: $0.connection, table: table).held(ids, owner: owner, leaseEnd: leaseEnd) }
        if held.count < ids.count {
            Counter(label: "engage_queue_claims_unconfirmed_total", dimensions: [("queue", queue)]).increment(by: ids.count - held.count)
        }
        return held
    }
}
