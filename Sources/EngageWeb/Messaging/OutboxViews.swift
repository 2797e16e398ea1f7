import Engage
import Foundation

/// One message in a list (the outbox page, a document's messages).
struct OutboxRow: Sendable {
    let id: Int64
    let url: String
    let channel: String
    let recipient: String
    let subject: String
    let status: String
    let statusClass: String
    let attempts: Int
    let lastError: String
    let created: PortalTime
    let sent: PortalTime?
    let documentURL: String?

    init(_ message: OutboxMessage) {
        id = message.id
        url = "/outbox/\(message.id)"
        channel = message.channel.label
        recipient = message.recipient
        subject = message.subject ?? String(message.textBody.prefix(60))
        status = message.status.label
        statusClass = Self.badgeClass(message.status)
        attempts = message.attempts
        lastError = message.lastError ?? ""
        created = PortalTime(message.createdAt)
        sent = message.sentAt.map(PortalTime.init)
        documentURL = message.documentID.map { "/documents/\($0)" }
    }

    static func badgeClass(_ status: OutboxStatus) -> String {
        switch status {
        case .sent: "badge-ok"
        case .failed, .dead: "badge-error"
        case .queued, .sending: "badge-info"
        }
    }
}
