import Foundation

/// How a message travels.
public enum MessageChannel: String, Sendable, CaseIterable, Codable {
    case email, sms
}

/// Where a message is on its way out.
public enum OutboxStatus: String, Sendable, CaseIterable, Codable {
    /// Waiting for a worker (a first attempt, or a retry after a temporary failure).
    case queued
    /// Leased by a worker that is delivering it.
    case sending
    /// Accepted by the SMTP server or the SMS provider.
    case sent
    /// Refused for good (an SMTP 5xx, an invalid number): not retried.
    case failed
    /// Every attempt failed.
    case dead

    /// True when staff may queue it again.
    public var isRetryable: Bool { self == .failed || self == .dead }
}

/// A file a message carries, made by the worker when it sends it.
public enum MessageAttachment: String, Sendable, CaseIterable {
    /// The document's completed PDF: the upload with its certificate page.
    case completedPDF = "completed_pdf"
}

/// A file as an email carries it.
public struct AttachedFile: Sendable, Equatable {
    public let filename: String
    public let contentType: String
    public let bytes: Data

    public init(filename: String, contentType: String, bytes: Data) {
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// One email or SMS in the outbox.
public struct OutboxMessage: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let documentID: Int64?
    public let linkID: Int64?
    public let channel: MessageChannel
    public let purpose: MessagePurpose
    public let language: Language
    /// The SMTP `Message-ID` (without angle brackets), the same on every attempt.
    public let messageID: String
    /// The pixel and tracked-link id of an email.
    public let trackingID: String?
    /// An email address or an E.164 phone number.
    public let recipient: String
    public let recipientName: String?
    public let cc: [String]
    public let subject: String?
    public let textBody: String
    public let htmlBody: String?
    /// The file the worker attaches when it sends the message.
    public let attachment: MessageAttachment?
    public let status: OutboxStatus
    public let attempts: Int
    public let nextAttemptAt: Date
    public let lockedBy: String?
    public let lastError: String?
    public let providerID: String?
    public let createdBy: Int64?
    public let createdAt: Date
    public let sentAt: Date?
    /// The link's secret while the message waits, sealed (see `SecretSeal`); never shown.
    let sealedLinkSecret: Data?
    /// The attachment's file, once the worker made it for this attempt.
    public internal(set) var files: [AttachedFile] = []

    /// True when the bodies hold a link whose secret the worker must put back.
    var carriesLink: Bool {
        textBody.containsBytes(of: SecretSeal.placeholder) || htmlBody?.containsBytes(of: SecretSeal.placeholder) == true
    }

    /// The message as it goes out: the link's secret, opened with `seal`, in its place.
    func revealingLink(with seal: SecretSeal) throws -> OutboxMessage {
        guard carriesLink else { return self }
        guard let sealedLinkSecret else { throw LinkSecretMissing() }
        let secret = try seal.open(sealedLinkSecret)
        let reveal = { (text: String) in text.replacingOccurrences(of: SecretSeal.placeholder, with: secret) }
        return OutboxMessage(
            id: id, documentID: documentID, linkID: linkID, channel: channel, purpose: purpose, language: language,
            messageID: messageID, trackingID: trackingID, recipient: recipient, recipientName: recipientName, cc: cc,
            subject: subject, textBody: reveal(textBody), htmlBody: htmlBody.map(reveal), attachment: attachment, status: status,
            attempts: attempts, nextAttemptAt: nextAttemptAt, lockedBy: lockedBy, lastError: lastError, providerID: providerID,
            createdBy: createdBy, createdAt: createdAt, sentAt: sentAt, sealedLinkSecret: nil, files: files)
    }
}

/// A message holds a link whose sealed secret is gone.
struct LinkSecretMissing: Error {}

extension OutboxMessage: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("document_id"); w.value(documentID)
        w.key("access_token_id"); w.value(linkID)
        w.key("channel"); w.value(channel.rawValue)
        w.key("template"); w.value(purpose.rawValue)
        w.key("language"); w.value(language.rawValue)
        w.key("message_id"); w.value(messageID)
        w.key("recipient"); w.value(recipient)
        w.key("recipient_name"); w.value(recipientName)
        w.key("cc")
        w.beginArray()
        for address in cc { w.value(address) }
        w.endArray()
        w.key("subject"); w.value(subject)
        w.key("status"); w.value(status.rawValue)
        w.key("attempts"); w.value(attempts)
        w.key("next_attempt_at"); w.value(status == .queued ? nextAttemptAt : nil)
        w.key("last_error"); w.value(lastError)
        w.key("provider_id"); w.value(providerID)
        w.key("created_at"); w.value(createdAt)
        w.key("sent_at"); w.value(sentAt)
        w.endObject()
    }
}
