/// Where a document is in its life: draft → pending → sent → viewed → downloaded → accepted →
/// signed → paid, or set aside as rejected, expired or cancelled.
public enum DocumentStatus: String, Sendable, CaseIterable, Codable {
    case draft, pending, sent, viewed, downloaded, accepted, signed, paid, rejected, expired, cancelled

    /// The position on the main path; nil for the three side exits.
    private var step: Int? {
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

    /// True when a document in this status may be moved to `next`.
    ///
    /// The main path only moves forward (steps may be skipped: a recipient can accept without
    /// downloading). A recipient can reject until they have signed; a document can expire while
    /// it waits for them; staff can cancel anything not yet paid. A rejected, expired or
    /// cancelled document can only go back to draft, to be revised and sent again.
    public func canChange(to next: DocumentStatus) -> Bool {
        if next == self { return true }
        switch (step, next) {
        case (let from?, _) where next.step != nil:
            return next.step! > from
        case (let from?, .rejected):
            return from >= DocumentStatus.pending.step! && from <= DocumentStatus.accepted.step!
        case (let from?, .expired):
            return from >= DocumentStatus.pending.step! && from <= DocumentStatus.downloaded.step!
        case (let from?, .cancelled):
            return from < DocumentStatus.paid.step!
        case (nil, .draft):
            return true
        default:
            return false
        }
    }

    /// The column stamped with the time the document first entered this status.
    var timestampColumn: String? {
        switch self {
        case .draft, .pending: nil
        case .sent: "sent_at"
        case .viewed: "first_viewed_at"
        case .downloaded: "downloaded_at"
        case .accepted: "accepted_at"
        case .signed: "signed_at"
        case .paid: "paid_at"
        case .rejected: "rejected_at"
        case .expired: "expired_at"
        case .cancelled: "cancelled_at"
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
