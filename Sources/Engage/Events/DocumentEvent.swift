import Foundation

/// Kinds of things that happen to a document.
public enum EventType: String, Sendable, CaseIterable {
    case pageViewed = "page_viewed"
    case pdfDownloaded = "pdf_downloaded"
    case emailOpened = "email_opened"
    case linkClicked = "link_clicked"
    /// The recipient followed the document's payment link.
    case paymentClicked = "payment_clicked"
    case accepted, signed, registered, declined
    case tokenCreated = "token_created"
    case tokenRevoked = "token_revoked"
    case statusChanged = "status_changed"
    case emailQueued = "email_queued"
    case smsQueued = "sms_queued"
    /// A message was refused for good or ran out of attempts (details say which).
    case emailFailed = "email_failed"
    case smsFailed = "sms_failed"
    /// The document's new status was written back to the partner it comes from (details: `source`, `status`).
    case partnerUpdated = "partner_updated"
    /// Writing the status back failed for good (details: `source`, `status`, `error`).
    case partnerUpdateFailed = "partner_update_failed"
    /// One party signed or approved while others still have to (details: `party`, `party_id`, `role`).
    case partyCompleted = "party_completed"
    /// A party was handed to someone else: its link revoked, a new one made (details: `party_id`, `from`, `to`).
    case partyTransferred = "party_transferred"
    /// A one-time code went to the link's recipient (details: `channel`, `destination` masked, `verification_id`, `outbox_message_id`).
    case verificationSent = "verification_sent"
    /// The recipient typed the code they were sent (details: `channel`, `destination`, `verification_id`).
    case identityVerified = "identity_verified"
}

/// The kind of device a request came from, guessed from its User-Agent.
public enum DeviceType: String, Sendable, CaseIterable {
    case desktop, mobile, tablet, bot

    /// The device of `userAgent`: crawlers, tools and an empty agent are bots; iPads and Android
    /// without "Mobile" are tablets; phones say "Mobi", "iPhone" or "Android … Mobile".
    public static func of(userAgent: String?) -> DeviceType {
        guard let agent = userAgent?.lowercased(), !agent.trimmingCharacters(in: .whitespaces).isEmpty else { return .bot }
        let botMarks = ["bot", "crawl", "spider", "slurp", "curl/", "wget/", "python-", "go-http-client", "java/", "httpclient",
                        "facebookexternalhit", "preview", "monitor", "scan"]
        if botMarks.contains(where: agent.contains) { return .bot }
        if agent.contains("ipad") || agent.contains("tablet") || agent.contains("kindle") || agent.contains("silk/")
            || (agent.contains("android") && !agent.contains("mobile")) {
            return .tablet
        }
        if agent.contains("mobi") || agent.contains("iphone") || agent.contains("ipod") || agent.contains("windows phone") {
            return .mobile
        }
        return .desktop
    }
}

/// Where a request came from, as recorded with its event.
public struct ClientInfo: Sendable, Equatable {
    public let ipAddress: String?
    public let userAgent: String?

    public init(ipAddress: String?, userAgent: String?) {
        self.ipAddress = ipAddress
        // Recorded as sent, cut to the column's size.
        self.userAgent = userAgent.map { String($0.prefix(512)) }
    }

    public var deviceType: DeviceType { .of(userAgent: userAgent) }
}

/// One recorded event.
public struct DocumentEvent: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let documentID: Int64
    public let eventType: EventType
    public let linkID: Int64?
    public let userID: Int64?
    public let ipAddress: String?
    public let userAgent: String?
    public let deviceType: DeviceType?
    public let details: [String: JSONValue]?
    public let createdAt: Date
    /// The event's link in its document's hash chain, as hex.
    public let chainHash: String
}

extension DocumentEvent {
    /// The details as JSON text for people and exports, a drawn signature shown as its digest only
    /// (the image itself is a long data URL).
    public var evidence: String {
        guard var details else { return "" }
        if details["signature_image"] != nil { details["signature_image"] = .string("(drawn signature, see its SHA-256)") }
        var writer = JSONWriter(capacity: 256)
        writer.value(JSONValue.object(details))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension DocumentEvent: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("event_type"); w.value(eventType.rawValue)
        w.key("created_at"); w.value(createdAt)
        w.key("device_type"); w.value(deviceType?.rawValue)
        w.key("ip_address"); w.value(ipAddress)
        w.key("user_agent"); w.value(userAgent)
        w.key("token_id"); w.value(linkID)
        w.key("user_id"); w.value(userID)
        w.key("details"); w.value(details.map(JSONValue.object))
        w.key("chain_hash"); w.value(chainHash)
        w.endObject()
    }
}
