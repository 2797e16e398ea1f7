import Foundation

/// SQL for `document_reminders`: which documents need a reminder now, and which were reminded.
struct ReminderRepository {
    let connection: SQLConnection

    /// A reminder to send: a document and the date it is about.
    struct Due: Sendable, Equatable {
        enum Kind: String, Sendable { case dueDate = "due_date", linkExpiry = "link_expiry" }
        let documentID: Int64
        let kind: Kind
        let targetDate: CalendarDate
    }

    /// Documents still waiting for their recipient (not yet accepted or signed; invoices until
    /// paid) whose due date or latest live link's expiry falls within the next days, with
    /// reminders on and no reminder yet for that date.
    func due(now: Date, daysBeforeDue: Int, daysBeforeExpiry: Int) async throws -> [Due] {
        let waiting = """
            d.deleted_at IS NULL AND d.reminders_enabled
            AND EXISTS (SELECT 1 FROM outbox_messages o WHERE o.document_id = d.id)
            AND (d.status IN ('sent', 'viewed', 'downloaded')
                 OR (d.document_type = 'pennylane_invoice' AND d.status IN ('accepted', 'signed')))
            """
        var found: [Due] = []
        if daysBeforeDue > 0 {
            let today = CalendarDate(now)
            let last = CalendarDate(now.addingTimeInterval(Double(daysBeforeDue) * 86_400))
            for row in try await connection.query("""
                SELECT d.id, d.due_date FROM documents d
                WHERE \(waiting) AND d.due_date BETWEEN ? AND ?
                  AND NOT EXISTS (SELECT 1 FROM document_reminders r WHERE r.document_id = d.id AND r.kind = 'due_date' AND r.target_date = d.due_date)
                ORDER BY d.id LIMIT 1000
                """, [today.description, last.description]) {
                let date: Date = try row.decode("due_date")
                found.append(Due(documentID: try row.decode("id"), kind: .dueDate, targetDate: CalendarDate(date)))
            }
        }
        if daysBeforeExpiry > 0 {
            let horizon = now.addingTimeInterval(Double(daysBeforeExpiry) * 86_400)
            for row in try await connection.query("""
                SELECT e.id, e.expiry FROM (
                    SELECT d.id, DATE(MAX(t.expires_at)) AS expiry FROM documents d
                    JOIN access_tokens t ON t.document_id = d.id AND t.revoked_at IS NULL AND t.expires_at > ?
                    WHERE \(waiting)
                    GROUP BY d.id HAVING MAX(t.expires_at) <= ?
                ) e
                WHERE NOT EXISTS (SELECT 1 FROM document_reminders r WHERE r.document_id = e.id AND r.kind = 'link_expiry' AND r.target_date = e.expiry)
                ORDER BY e.id LIMIT 1000
                """, [now, horizon] as [any SQLBindable]) {
                let expiry: Date = try row.decode("expiry")
                found.append(Due(documentID: try row.decode("id"), kind: .linkExpiry, targetDate: CalendarDate(expiry)))
            }
        }
        return found
    }

    /// Records the reminder; false when it was recorded already (by this or another worker).
    func claim(_ reminder: Due) async throws -> Bool {
        try await connection.execute("""
            INSERT IGNORE INTO document_reminders (document_id, kind, target_date, created_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))
            """, [reminder.documentID, reminder.kind.rawValue, reminder.targetDate.description] as [any SQLBindable]).affectedRows == 1
    }

    func attach(_ reminder: Due, messageID: Int64) async throws {
        try await connection.execute(
            "UPDATE document_reminders SET outbox_message_id = ? WHERE document_id = ? AND kind = ? AND target_date = ?",
            [messageID, reminder.documentID, reminder.kind.rawValue, reminder.targetDate.description] as [any SQLBindable])
    }
}
