/// The events an endpoint may subscribe to (or `*` for all), named `resource.what_happened`.
public enum WebhookEventType: String, Sendable, CaseIterable {
    case documentCreated = "document.created"
    case documentUpdated = "document.updated"
    case documentDeleted = "document.deleted"
    case documentRestored = "document.restored"
    case documentSent = "document.sent"
    case documentViewed = "document.viewed"
    case documentDownloaded = "document.downloaded"
    case documentAccepted = "document.accepted"
    case documentSigned = "document.signed"
    case documentDeclined = "document.declined"
    case documentPaid = "document.paid"
    case documentExpired = "document.expired"
    case documentCancelled = "document.cancelled"
    case linkCreated = "link.created"
    case linkRevoked = "link.revoked"
    case messageDelivered = "message.delivered"
    case messageFailed = "message.failed"
    case contactCreated = "contact.created"
    case contactUpdated = "contact.updated"
    case contactDeleted = "contact.deleted"
    case organizationCreated = "organization.created"
    case organizationUpdated = "organization.updated"
    case organizationDeleted = "organization.deleted"
    case test = "webhook.test"

    /// Whether a subscription to `events` (types, or `*`) takes this type.
    func isWanted(by events: [String]) -> Bool {
        events.contains("*") || events.contains(rawValue)
    }

    /// What a subscription may name: every type but the test ping (sent to one endpoint on demand).
    public static var subscribable: [WebhookEventType] { allCases.filter { $0 != .test } }

    /// The document event a recorded lifecycle event announces, if any. A status set by staff
    /// announces the statuses integrators act on; views, downloads and decisions announce themselves.
    static func announcing(_ event: EventType, status: DocumentStatus) -> WebhookEventType? {
        switch event {
        case .pageViewed: .documentViewed
        case .pdfDownloaded: .documentDownloaded
        case .accepted: .documentAccepted
        case .signed: .documentSigned
        case .declined: .documentDeclined
        case .emailQueued, .smsQueued: .documentSent
        case .statusChanged:
            switch status {
            case .paid: .documentPaid
            case .expired: .documentExpired
            case .cancelled: .documentCancelled
            case .accepted: .documentAccepted
            case .signed: .documentSigned
            case .rejected: .documentDeclined
            default: nil
            }
        default: nil
        }
    }
}
