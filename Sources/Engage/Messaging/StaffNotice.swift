import Foundation

/// An email the product writes to staff (never a template), queued in the transaction of what it
/// reports: to a document's owner, or to every active admin.
struct StaffNotice {
    let subject: String
    let text: String
    /// The right-hand side of its `Message-ID` (the portal's host).
    let messageIDDomain: String

    /// To the user who made `document`, or every active admin when an API key (or a sync) did.
    func queue(toOwnerOf document: Document, in tx: Transaction, at time: Date) async throws {
        var owners: [(email: String, name: String)] = []
        if let id = document.createdBy, let owner = try await tx.users.find(id: id), owner.isActive { owners = [(owner.email, owner.name)] }
        if owners.isEmpty { owners = try await tx.users.activeAdmins() }
        try await queue(to: owners, documentID: document.id, in: tx, at: time)
    }

    /// To every active admin.
    func queueToAdmins(in tx: Transaction, at time: Date) async throws {
        try await queue(to: try await tx.users.activeAdmins(), documentID: nil, in: tx, at: time)
    }

    private func queue(to recipients: [(email: String, name: String)], documentID: Int64?, in tx: Transaction, at time: Date) async throws {
        let rendered = RenderedMessage(subject: subject, text: text, html: nil)
        for recipient in recipients {
            _ = try await tx.outbox.insert(.init(
                documentID: documentID, linkID: nil, channel: .email, purpose: .staffNotice, language: .en,
                messageID: "\(SecretToken.randomHexID())@\(messageIDDomain)", trackingID: nil, recipient: recipient.email,
                recipientName: recipient.name, cc: [], rendered: rendered, createdBy: nil, sealedLinkSecret: nil), at: time)
        }
    }
}
