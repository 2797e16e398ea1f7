import Foundation

/// How the work queues stand, for metrics: rows per status and how long the oldest due row has
/// waited, read through the `(status, next_attempt_at)` indexes the workers claim through.
struct QueueRepository {
    let connection: SQLConnection

    /// The delivery queues (constants, never input).
    enum Queue: String, CaseIterable {
        case outbox = "outbox_messages"
        case webhooks = "webhook_deliveries"
    }

    func countsByStatus(_ queue: Queue) async throws -> [String: Int] {
        try await counts("SELECT status, COUNT(*) AS n FROM \(queue.rawValue) GROUP BY status")
    }

    /// Seconds since the longest-waiting due row (queued, or leased by a worker that died) fell due; 0 when none is.
    func oldestDueAge(_ queue: Queue, at now: Date) async throws -> Double {
        var oldest: Date?
        for status in ["queued", "sending"] {
            let row = try await connection.queryFirst(
                "SELECT MIN(next_attempt_at) AS due FROM \(queue.rawValue) WHERE status = ? AND next_attempt_at <= ?",
                [status, now])
            if let due = try row?.decode("due", as: Date?.self) { oldest = min(oldest ?? due, due) }
        }
        return oldest.map { now.timeIntervalSince($0) } ?? 0
    }

    func syncJobsByStatus() async throws -> [String: Int] {
        try await counts("SELECT status, COUNT(*) AS n FROM sync_jobs GROUP BY status")
    }

    private func counts(_ sql: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await connection.query(sql) {
            counts[try row.decode("status", as: String.self)] = try row.decode("n", as: Int.self)
        }
        return counts
    }
}
