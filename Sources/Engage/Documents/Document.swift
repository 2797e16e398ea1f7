import Foundation

/// A document engagement: a quote, invoice or approval sent to a recipient, and what they did with it.
/// Its status, stamps and counters change only through `DocumentLifecycle`.
public struct Document: Sendable, Equatable {
    public let id: Int64
    public let documentNumber: String
    public let documentType: DocumentType
    public let externalID: String?
    public let externalSource: ExternalSource?
    public let externalURL: String?
    public let title: String
    public let description: String?
    public let customMessage: String?
    public internal(set) var status: DocumentStatus
    public let recipientEmail: String?
    public let recipientName: String?
    public let recipientCompany: String?
    public let contactID: Int64?
    public let organizationID: Int64?
    public let totalAmount: Decimal?
    public let currency: String
    public let dueDate: CalendarDate?
    /// When the document stops waiting for its recipients: the sweeper expires it then.
    public let expiresAt: Date?
    public let pdfURL: String?
    public let paymentURL: String?
    /// The uploaded PDF, when staff attached one.
    public let pdf: StoredPDF?
    public let metadata: [String: JSONValue]?
    public let prefillData: [String: JSONValue]?
    public internal(set) var viewCount: Int
    public internal(set) var firstViewedAt: Date?
    public internal(set) var lastViewedAt: Date?
    public internal(set) var sentAt: Date?
    public internal(set) var downloadedAt: Date?
    public internal(set) var acceptedAt: Date?
    public internal(set) var signedAt: Date?
    public internal(set) var paidAt: Date?
    public internal(set) var rejectedAt: Date?
    public internal(set) var expiredAt: Date?
    public internal(set) var cancelledAt: Date?
    public internal(set) var registeredAt: Date?
    /// Whether reminders go out before the due date and the link's expiry.
    public let remindersEnabled: Bool
    /// What the link sent with it allows unless the send says otherwise; nil for its type's default.
    public var linkActions: [RecipientAction]? = nil
    public let createdBy: Int64?
    public let createdAt: Date
    public let updatedAt: Date
    public let deletedAt: Date?

    /// A PDF kept in the storage directory.
    public struct StoredPDF: Sendable, Equatable {
        /// The path under the storage directory.
        public let path: String
        public let filename: String
        public let size: Int
        public let sha256: String
    }

    /// When the document was completed (signed, else accepted) while it stands so; nil otherwise.
    /// Its completion certificate exists from then on.
    public var completedAt: Date? {
        [.signed, .accepted, .paid].contains(status) ? signedAt ?? acceptedAt : nil
    }
}

extension Document: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        writeJSON(&w) { _ in }
    }

    /// The document's object, with `more` members written before it closes.
    public func writeJSON(_ w: inout JSONWriter, more: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("document_number"); w.value(documentNumber)
        w.key("document_type"); w.value(documentType.rawValue)
        w.key("external_id"); w.value(externalID)
        w.key("external_source"); w.value(externalSource?.rawValue)
        w.key("external_url"); w.value(externalURL)
        w.key("title"); w.value(title)
        w.key("description"); w.value(description)
        w.key("custom_message"); w.value(customMessage)
        w.key("status"); w.value(status.rawValue)
        w.key("recipient_email"); w.value(recipientEmail)
        w.key("recipient_name"); w.value(recipientName)
        w.key("recipient_company"); w.value(recipientCompany)
        w.key("contact_id"); w.value(contactID)
        w.key("organization_id"); w.value(organizationID)
        w.key("total_amount"); w.value(totalAmount)
        w.key("currency"); w.value(currency)
        w.key("due_date"); w.value(dueDate?.description)
        w.key("expires_at"); w.value(expiresAt)
        w.key("pdf_url"); w.value(pdfURL)
        w.key("payment_url"); w.value(paymentURL)
        w.key("pdf")
        if let pdf {
            w.beginObject()
            w.key("filename"); w.value(pdf.filename)
            w.key("size"); w.value(pdf.size)
            w.key("sha256"); w.value(pdf.sha256)
            w.endObject()
        } else {
            w.null()
        }
        w.key("metadata"); w.value(metadata.map(JSONValue.object))
        w.key("prefill_data"); w.value(prefillData.map(JSONValue.object))
        w.key("view_count"); w.value(viewCount)
        w.key("first_viewed_at"); w.value(firstViewedAt)
        w.key("last_viewed_at"); w.value(lastViewedAt)
        w.key("sent_at"); w.value(sentAt)
        w.key("downloaded_at"); w.value(downloadedAt)
        w.key("accepted_at"); w.value(acceptedAt)
        w.key("signed_at"); w.value(signedAt)
        w.key("paid_at"); w.value(paidAt)
        w.key("rejected_at"); w.value(rejectedAt)
        w.key("expired_at"); w.value(expiredAt)
        w.key("cancelled_at"); w.value(cancelledAt)
        w.key("registered_at"); w.value(registeredAt)
        w.key("reminders_enabled"); w.value(remindersEnabled)
        w.key("link_actions"); w.value(linkActions.map { JSONValue.array($0.map { .string($0.rawValue) }) })
        w.key("created_by"); w.value(createdBy)
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.key("deleted_at"); w.value(deletedAt)
        more(&w)
        w.endObject()
    }
}
