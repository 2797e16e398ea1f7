import Foundation

/// An email about a document to its owner: the user who made it, or every active admin when an
/// API key (or a sync) did. Queued in the transaction of what it reports.
struct OwnerNotice {
    let subject: String
    let text: String

    func queue(about document: Document, messageIDDomain: String, in tx: Transaction, at time: Date) async throws {
        var owners: [(email: String, name: String)] = []
        if let id = document.createdBy, let owner = try await tx.users.find(id: id), owner.isActive { owners = [(owner.email, owner.name)] }
        if owners.isEmpty { owners = try await tx.users.activeAdmins() }
        let rendered = RenderedMessage(subject: subject, text: text, html: nil)
        for owner in owners {
            _ = try await tx.outbox.insert(.init(
                documentID: document.id, linkID: nil, channel: .email, purpose: .staffNotice, language: .en,
                messageID: "\(SecretToken.randomHexID())@\(messageIDDomain)", trackingID: nil, recipient: owner.email,
                recipientName: owner.name, cc: [], rendered: rendered, createdBy: nil, sealedLinkSecret: nil), at: time)
        }
    }
}
