import Foundation

/// What a recipient's link lets them do.
public enum RecipientAction: String, Sendable, CaseIterable {
    case view, download, accept, sign, register, decline
}

/// A recipient's link to one document: shown whole once, then known by its prefix.
public struct RecipientLink: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let documentID: Int64
    /// The party the link acts for; nil for a link that acts for the document as a whole.
    public let partyID: Int64?
    /// The visible start of the token, to tell links apart in lists.
    public let prefix: String
    public let allowedActions: [RecipientAction]
    public let expiresAt: Date?
    public let maxUses: Int?
    public let useCount: Int
    public let recipientEmail: String?
    /// How the recipient proves who they are before accepting, signing or declining; nil for no check.
    public let verify: VerificationChannel?
    /// Where an SMS code goes (E.164).
    public let recipientPhone: String?
    public let prefillData: [String: JSONValue]?
    /// CIDR blocks the link may be used from; empty means anywhere.
    public let restrictedIPs: [String]
    /// The tracking pixel of emails that carry this link.
    public let pixelID: String?
    /// Whether the document had price tables when the link was read by its secret; nil when not asked.
    public let documentPriced: Bool?
    public let createdBy: Int64?
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    /// True once `max_uses` requests have been served.
    public var isUsedUp: Bool {
        maxUses.map { useCount >= $0 } ?? false
    }

    /// Where this link's code goes, when it asks for one.
    public var verificationAddress: String? {
        switch verify {
        case .email?: recipientEmail
        case .sms?: recipientPhone
        case nil: nil
        }
    }

    /// True when `action` was granted.
    public func allows(_ action: RecipientAction) -> Bool {
        allowedActions.contains(action)
    }
}

extension RecipientLink: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        writeJSON(&w, token: nil, url: nil, pixelURL: nil)
    }

    /// The token's payload; the whole `token` and its `url` only in the creation response.
    public func writeJSON(_ w: inout JSONWriter, token: String?, url: String?, pixelURL: String?) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("document_id"); w.value(documentID)
        w.key("party_id"); w.value(partyID)
        w.key("token"); w.value(token ?? prefix + "...")
        if let url { w.key("url"); w.value(url) }
        w.key("prefix"); w.value(prefix)
        w.key("allowed_actions")
        w.beginArray()
        for action in allowedActions { w.value(action.rawValue) }
        w.endArray()
        w.key("expires_at"); w.value(expiresAt)
        w.key("max_uses"); w.value(maxUses)
        w.key("use_count"); w.value(useCount)
        w.key("recipient_email"); w.value(recipientEmail)
        w.key("verify"); w.value(verify?.rawValue ?? "none")
        w.key("recipient_phone"); w.value(recipientPhone)
        w.key("prefill_data"); w.value(prefillData.map(JSONValue.object))
        w.key("restricted_ips")
        w.beginArray()
        for block in restrictedIPs { w.value(block) }
        w.endArray()
        if let pixelURL { w.key("pixel_url"); w.value(pixelURL) }
        w.key("created_at"); w.value(createdAt)
        w.key("last_used_at"); w.value(lastUsedAt)
        w.key("revoked_at"); w.value(revokedAt)
        w.endObject()
    }
}
