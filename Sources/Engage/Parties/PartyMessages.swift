import Foundation

/// The messages of a document's parties, queued inside the unit of work that causes them: a
/// party's link when its turn comes (the same link every time, its secret kept sealed on the
/// party), a copy of the completed document for every party, and the owner's notice of a decline.
extension SendService {
    /// What a party's notification says, beyond its link.
    struct PartyWording: Sendable {
        var purpose: MessagePurpose?
        var language: Language?
        var subject: String?
        var message: String?
    }

    /// Makes the party's own link (acting for it alone, with the actions of its role) unless it
    /// has a live one; returns its secret when one was made, shown this once.
    func ensureLink(
        for party: inout DocumentParty, into changes: inout DocumentChanges, by actor: Actor, from client: ClientInfo?, in tx: Transaction
    ) async throws -> String? {
        if let id = party.linkID, party.sealedLinkSecret != nil,
           let link = try await tx.links.find(id: id, documentID: party.documentID), link.revokedAt == nil {
            return nil
        }
        let options = RecipientLinkService.LinkOptions(
            actions: party.actions, expiresAt: nil, maxUses: nil, recipientEmail: party.email, verify: party.verify,
            recipientPhone: party.phone, prefill: nil, networks: [],
            partyID: party.id)
        let made = try await RecipientLinkService.insert(
            options, into: &changes, by: actor, from: client ?? .init(ipAddress: nil, userAgent: nil), in: tx)
        party.linkID = made.link.id
        party.linkPrefix = made.link.prefix
        party.sealedLinkSecret = try seal.seal(made.secret)
        return made.secret
    }

    /// Queues the party's link to its email (or phone), in the document's notification template
    /// and the language it was last sent in unless `wording` says otherwise; the party's link must exist.
    func notify(
        _ party: DocumentParty, wording: PartyWording = .init(), by actor: Actor, from client: ClientInfo?, in tx: Transaction
    ) async throws -> Outcome {
        guard let address = party.address else { throw PartyUnreachable(party: party.name) }
        guard let linkID = party.linkID, let sealed = party.sealedLinkSecret,
              let document = try await tx.documents.find(id: party.documentID)
        else { throw RecordNotFound("Link", id: party.linkID ?? 0) }
        var language = wording.language
        if language == nil { language = try await tx.outbox.lastNotification(documentID: party.documentID)?.language }
        return try await queue(
            Request(
                channel: address.channel, recipient: address.recipient, recipientName: party.name,
                subject: address.channel == .email ? wording.subject : nil, message: wording.message,
                purpose: wording.purpose ?? .notification(for: document.documentType), language: language ?? .en, cc: [], link: nil,
                reminders: nil, existingLink: (linkID, sealed)),
            documentID: party.documentID, by: actor, from: client, in: tx)
    }

    /// Sends what `notice` asks for, marking the parties told in `flow`.
    func deliver(_ notice: PartyFlow.Notice, flow: inout PartyFlow, in tx: Transaction, at time: Date) async throws {
        switch notice {
        case .turn(let id):
            guard let party = flow.party(id), party.notifiedAt == nil, party.address != nil else { return }
            _ = try await notify(party, by: .system, from: nil, in: tx)
            flow.notified(id, at: time)
        case .completed:
            for party in flow.parties {
                try await queueSignedConfirmation(
                    documentID: party.documentID, signerName: party.name, email: party.email, attachment: .completedPDF, in: tx)
                // Copies and viewers of later steps are told now, by this copy.
                if party.notifiedAt == nil, party.email != nil { flow.notified(party.id, at: time) }
            }
        case .declined(let id):
            guard let party = flow.party(id), let document = try await tx.documents.find(id: party.documentID) else { return }
            try await queueDeclineNotice(party, of: document, in: tx, at: time)
        }
    }

    /// Tells the document's owner that a party declined, with its reason.
    private func queueDeclineNotice(_ party: DocumentParty, of document: Document, in tx: Transaction, at time: Date) async throws {
        let text = """
            \(party.name) (\(party.role.rawValue)) declined \(document.documentNumber), \(document.title).

            Reason: \(party.declineReason ?? "none given")

            The document is now rejected and no other party is notified. Its page shows each party's status:
            \(links.base)/documents/\(document.id)
            """
        try await StaffNotice(subject: "Declined by \(party.name): \(document.documentNumber)", text: text, messageIDDomain: messageIDDomain)
            .queue(toOwnerOf: document, in: tx, at: time)
    }
}

/// The party has neither email nor phone to be notified at (409 `PARTY_UNREACHABLE`).
public struct PartyUnreachable: Error, Sendable, Equatable {
    public let party: String
}
