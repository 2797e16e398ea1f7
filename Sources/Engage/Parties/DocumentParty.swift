import Foundation

/// One party of a document: who they are, what they do, in which step, and how far they got.
public struct DocumentParty: Sendable, Equatable, Identifiable {
    public enum Role: String, Sendable, CaseIterable {
        case signer, approver, viewer, cc

        /// Signers and approvers complete; viewers and copies only receive.
        public var completes: Bool { self == .signer || self == .approver }
    }

    public enum Status: String, Sendable, CaseIterable {
        case pending, notified, viewed, completed, declined
    }

    public let id: Int64
    public let documentID: Int64
    public internal(set) var name: String
    public internal(set) var email: String?
    public let phone: String?
    /// The code check its link asks for before it decides; nil for none.
    public let verify: VerificationChannel?
    public let role: Role
    /// Parties of the same step act in parallel; a step begins once the one before is complete.
    public let step: Int
    public internal(set) var status: Status
    /// The party's own link, made when the flow starts.
    public internal(set) var linkID: Int64?
    /// The link's secret, sealed with the server's key, so that every notification sends the same link.
    var sealedLinkSecret: Data?
    /// The visible start of that link.
    public internal(set) var linkPrefix: String?
    public internal(set) var lastAccessAt: Date?
    public internal(set) var notifiedAt: Date?
    public internal(set) var completedAt: Date?
    public internal(set) var declinedAt: Date?
    public internal(set) var declineReason: String?
    /// How the party completed or declined: `ip`, `host`, `user_agent`, `at`, and a signature's name and drawing.
    public internal(set) var evidence: [String: JSONValue]?
    public let createdAt: Date
    public internal(set) var updatedAt: Date

    /// True once the party completed or declined.
    var hasDecided: Bool { status == .completed || status == .declined }

    /// True once the party was told and until it decides: it may be notified again or transferred.
    var isActive: Bool { notifiedAt != nil && !hasDecided }

    /// True when the party signs or approves and has not yet.
    var awaited: Bool { role.completes && status != .completed }

    /// The address the party's messages go to: its email, else its phone.
    var address: (channel: MessageChannel, recipient: String)? {
        if let email { return (.email, email) }
        return phone.map { (.sms, $0) }
    }

    /// What the party's link lets it do.
    var actions: [RecipientAction] {
        switch role {
        case .signer: [.view, .download, .sign, .decline]
        case .approver: [.view, .download, .accept, .decline]
        case .viewer, .cc: [.view, .download]
        }
    }
}

extension DocumentParty: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("email"); w.value(email)
        w.key("phone"); w.value(phone)
        w.key("verify"); w.value(verify?.rawValue ?? "none")
        w.key("role"); w.value(role.rawValue)
        w.key("order"); w.value(step)
        w.key("status"); w.value(status.rawValue)
        w.key("token_id"); w.value(linkID)
        w.key("link_prefix"); w.value(linkPrefix)
        w.key("last_access_at"); w.value(lastAccessAt)
        w.key("notified_at"); w.value(notifiedAt)
        w.key("completed_at"); w.value(completedAt)
        w.key("declined_at"); w.value(declinedAt)
        w.key("decline_reason"); w.value(declineReason)
        // The drawn signature is shown by its digest: the image itself is for the certificate.
        w.key("evidence"); w.value(evidence.map { JSONValue.object($0.filter { $0.key != "signature_image" }) })
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}

/// No party of that document has this id, name or email (404 `PARTY_NOT_FOUND`).
public struct PartyNotFound: Error, Sendable, Equatable {
    public let party: String
}

/// The parties can no longer change: one has completed (409 `PARTIES_LOCKED`).
public struct PartiesLocked: Error, Sendable, Equatable {}
