/// What a message is for; each purpose has a template per channel and language.
public enum MessagePurpose: String, Sendable, CaseIterable, Codable {
    case quoteNotification = "quote_notification"
    case invoiceNotification = "invoice_notification"
    case approvalRequest = "approval_request"
    case reminder
    case signedConfirmation = "signed_confirmation"
    /// A notice to staff written by the product itself (a webhook endpoint disabled), never a template.
    case staffNotice = "staff_notice"

    /// The purposes that have templates staff can edit and send documents with.
    public static let templated = allCases.filter { $0 != .staffNotice }

    /// The template a document is sent with when the request names none.
    public static func notification(for type: DocumentType) -> MessagePurpose {
        switch type {
        case .pennylaneInvoice: .invoiceNotification
        case .projectApproval: .approvalRequest
        case .pennylaneQuote, .custom: .quoteNotification
        }
    }
}
