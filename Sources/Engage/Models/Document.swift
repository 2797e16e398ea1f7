import Foundation

/// A document engagement: a quote, invoice or approval sent to a recipient, and what they did with it.
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
    public let status: DocumentStatus
    public let recipientEmail: String?
    public let recipientName: String?
    public let recipientCompany: String?
    public let contactID: Int64?
    public let organizationID: Int64?
    public let totalAmount: Decimal?
    public let currency: String
    public let dueDate: CalendarDate?
    public let pdfURL: String?
    public let paymentURL: String?
    /// The uploaded PDF, when staff attached one.
    public let pdf: StoredPDF?
    public let metadata: [String: JSONValue]?
    public let prefillData: [String: JSONValue]?
    public let viewCount: Int
    public let firstViewedAt: Date?
    public let lastViewedAt: Date?
    public let sentAt: Date?
    public let downloadedAt: Date?
    public let acceptedAt: Date?
    public let signedAt: Date?
    public let paidAt: Date?
    public let rejectedAt: Date?
    public let expiredAt: Date?
    public let cancelledAt: Date?
    public let createdBy: Int64?
    public let createdAt: Date
    public let updatedAt: Date
    public let deletedAt: Date?

    /// A PDF kept in the storage directory.
    public struct StoredPDF: Sendable, Equatable, Encodable {
        /// The path under the storage directory.
        public let path: String
        public let filename: String
        public let size: Int
        public let sha256: String

        enum CodingKeys: String, CodingKey {
            case filename, size, sha256
        }
    }
}

extension Document: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, title, description, status, currency, metadata, pdf
        case documentNumber = "document_number"
        case documentType = "document_type"
        case externalID = "external_id"
        case externalSource = "external_source"
        case externalURL = "external_url"
        case customMessage = "custom_message"
        case recipientEmail = "recipient_email"
        case recipientName = "recipient_name"
        case recipientCompany = "recipient_company"
        case contactID = "contact_id"
        case organizationID = "organization_id"
        case totalAmount = "total_amount"
        case dueDate = "due_date"
        case pdfURL = "pdf_url"
        case paymentURL = "payment_url"
        case prefillData = "prefill_data"
        case viewCount = "view_count"
        case firstViewedAt = "first_viewed_at"
        case lastViewedAt = "last_viewed_at"
        case sentAt = "sent_at"
        case downloadedAt = "downloaded_at"
        case acceptedAt = "accepted_at"
        case signedAt = "signed_at"
        case paidAt = "paid_at"
        case rejectedAt = "rejected_at"
        case expiredAt = "expired_at"
        case cancelledAt = "cancelled_at"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(documentNumber, forKey: .documentNumber)
        try c.encode(documentType, forKey: .documentType)
        try c.encode(externalID, forKey: .externalID)
        try c.encode(externalSource, forKey: .externalSource)
        try c.encode(externalURL, forKey: .externalURL)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(customMessage, forKey: .customMessage)
        try c.encode(status, forKey: .status)
        try c.encode(recipientEmail, forKey: .recipientEmail)
        try c.encode(recipientName, forKey: .recipientName)
        try c.encode(recipientCompany, forKey: .recipientCompany)
        try c.encode(contactID, forKey: .contactID)
        try c.encode(organizationID, forKey: .organizationID)
        try c.encode(totalAmount, forKey: .totalAmount)
        try c.encode(currency, forKey: .currency)
        try c.encode(dueDate, forKey: .dueDate)
        try c.encode(pdfURL, forKey: .pdfURL)
        try c.encode(paymentURL, forKey: .paymentURL)
        try c.encode(pdf, forKey: .pdf)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(prefillData, forKey: .prefillData)
        try c.encode(viewCount, forKey: .viewCount)
        try c.encode(firstViewedAt, forKey: .firstViewedAt)
        try c.encode(lastViewedAt, forKey: .lastViewedAt)
        try c.encode(sentAt, forKey: .sentAt)
        try c.encode(downloadedAt, forKey: .downloadedAt)
        try c.encode(acceptedAt, forKey: .acceptedAt)
        try c.encode(signedAt, forKey: .signedAt)
        try c.encode(paidAt, forKey: .paidAt)
        try c.encode(rejectedAt, forKey: .rejectedAt)
        try c.encode(expiredAt, forKey: .expiredAt)
        try c.encode(cancelledAt, forKey: .cancelledAt)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(deletedAt, forKey: .deletedAt)
    }
}
