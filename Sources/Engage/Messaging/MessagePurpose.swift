/// What a message is for; each purpose has a template per channel and language.
public enum MessagePurpose: String, Sendable, CaseIterable, Codable {
    case quoteNotification = "quote_notification"
    case invoiceNotification = "invoice_notification"
    case approvalRequest = "approval_request"
    case reminder
    case signedConfirmation = "signed_confirmation"
    /// A one-time code that proves the recipient holds the link's email or phone (`{{code}}`).
    case verificationCode = "verification_code"
    /// A notice to staff written by the product itself (a webhook endpoint disabled), never a template.
    case staffNotice = "staff_notice"

    /// The purposes that have templates staff can edit and send documents with.
    public static let templated = allCases.filter { $0 != .staffNotice }

    /// The templates a document may be sent with: a code goes out only when a recipient asks for one.
    public static let sendable = templated.filter { $0 != .verificationCode }

    /// The template a document is sent with when the request names none.
    public static func notification(for type: DocumentType) -> MessagePurpose {
        switch type {
        case .pennylaneInvoice: .invoiceNotification
        case .projectApproval: .approvalRequest
        case .pennylaneQuote, .custom: .quoteNotification
        }
    }
}
