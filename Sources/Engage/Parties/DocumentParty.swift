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
    public let name: String
    public let email: String?
    public let phone: String?
    public let role: Role
    /// Parties of the same step act in parallel; a step begins once the one before is complete.
    public let step: Int
    public let status: Status
    public let linkID: Int64?
    public let lastAccessAt: Date?
    public let notifiedAt: Date?
    public let completedAt: Date?
    public let declinedAt: Date?
    public let declineReason: String?
    public let createdAt: Date
    public let updatedAt: Date
}

extension DocumentParty: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("email"); w.value(email)
        w.key("phone"); w.value(phone)
        w.key("role"); w.value(role.rawValue)
        w.key("order"); w.value(step)
        w.key("status"); w.value(status.rawValue)
        w.key("token_id"); w.value(linkID)
        w.key("last_access_at"); w.value(lastAccessAt)
        w.key("notified_at"); w.value(notifiedAt)
        w.key("completed_at"); w.value(completedAt)
        w.key("declined_at"); w.value(declinedAt)
        w.key("decline_reason"); w.value(declineReason)
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
