/// Where a document is in its life: draft → pending → sent → viewed → downloaded → accepted →
/// signed → paid, or set aside as rejected, expired or cancelled.
public enum DocumentStatus: String, Sendable, CaseIterable, Codable {
    case draft, pending, sent, viewed, downloaded, accepted, signed, paid, rejected, expired, cancelled

    /// The position on the main path; nil for the three side exits. `DocumentLifecycle` decides what may follow what.
    var step: Int? {
        switch self {
        case .draft: 0
        case .pending: 1
        case .sent: 2
        case .viewed: 3
        case .downloaded: 4
        case .accepted: 5
        case .signed: 6
        case .paid: 7
        case .rejected, .expired, .cancelled: nil
        }
    }
}

/// What kind of document it is.
public enum DocumentType: String, Sendable, CaseIterable, Codable {
    case pennylaneQuote = "pennylane_quote"
    case pennylaneInvoice = "pennylane_invoice"
    case projectApproval = "project_approval"
    case custom
}

/// The system a document was imported from.
public enum ExternalSource: String, Sendable, CaseIterable, Codable {
    case pennylane, projectflow
}
