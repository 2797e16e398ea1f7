import Foundation

extension Partner {
    /// The document status an event sets, or nil for an event that changes nothing here.
    /// Pennylane: `customer_invoice.paid` (or an update with `paid: true`), `quote.accepted`,
    /// `quote.refused`/`quote.denied`; ProjectFlow: `approval.approved`, `approval.rejected`.
    func status(for event: String, object: [String: JSONValue]) -> DocumentStatus? {
        switch (self, event) {
        case (.pennylane, "customer_invoice.paid"): .paid
        case (.pennylane, "customer_invoice.updated") where object["paid"] == .bool(true): .paid
        case (.pennylane, "quote.accepted"): .accepted
        case (.pennylane, "quote.refused"), (.pennylane, "quote.denied"): .rejected
        case (.projectflow, "approval.approved"): .accepted
        case (.projectflow, "approval.rejected"): .rejected
        default: nil
        }
    }
}

/// A callback as it arrived and what became of it.
public struct IncomingWebhook: Sendable, Equatable, Identifiable {
    public enum Status: String, Sendable {
        case received, processed, ignored, failed, refused
    }

    public let id: Int64
    public let source: Partner
    public let verification: CallbackSignature.Verdict
    public let eventID: String?
    public let eventType: String?
    public let status: Status
    public let outcome: String?
    public let receivedAt: Date
    public let processedAt: Date?
}

/// Why a callback was turned away (401): its signature did not verify.
public struct CallbackRefused: Error, Sendable {
    public let verdict: CallbackSignature.Verdict
}

/// A verified callback whose body is not the JSON envelope expected (400).
public struct MalformedCallback: Error, Sendable {
    public let reason: String
}
