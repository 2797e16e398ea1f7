import Foundation

/// The one place that decides what a change does to a document: its new status, the first-time
/// stamps, the views counted, the event to append and the side effects to queue. Pure: it reads
/// the document as given and returns a `Decision`; units of work persist it.
///
/// The rules, in short:
/// - The main path (draft → pending → sent → viewed → downloaded → accepted → signed → paid) only
///   moves forward; steps may be skipped.
/// - Recipients act on an open document (draft to accepted). A decline sets it aside as rejected.
///   An expired document refuses everything; a cancelled one refuses every action and records the
///   refused view; a signed or paid one still shows and downloads.
/// - Staff move a document forward, reject it until accepted, expire it while it waits for the
///   recipient, cancel anything not yet paid, and put a rejected, expired or cancelled document
///   back to draft to revise and send it again. A draft's links keep working: handing a link out
///   is a way of sending, and a reopened document is judged on its status now, not on old stamps.
/// - A message cannot go out for a rejected, expired or cancelled document.
public enum DocumentLifecycle {
    /// One change to a document.
    public enum Change: Sendable, Hashable {
        /// Staff edited the document, asking for `status` (nil: the fields only).
        case edit(status: DocumentStatus?)
        /// The partner the document comes from reports `status` (a sync or a callback): applied
        /// only where staff could make the same move, and never back to draft.
        case synced(status: DocumentStatus)
        /// A recipient did something through their link.
        case recipient(RecipientAction)
        /// One party signed or approved while other parties still have to; the document waits for them.
        case partyCompleted
        /// Staff handed a party to someone else.
        case partyTransferred
        /// The document's `expires_at` passed while it waited for its recipients.
        case expiryReached
        /// A recipient's email client loaded the tracking pixel.
        case emailOpened
        /// A recipient followed the tracked link of a message.
        case linkClicked
        /// A recipient followed the document's payment link from their page.
        case paymentClicked
        /// A message to the recipient was queued.
        case messageQueued(MessageChannel)
        /// A message was refused for good or ran out of attempts.
        case messageFailed(MessageChannel)
        case linkCreated
        case linkRevoked
        /// The push-back of the document's status to its partner ended (`delivered` or failed for good).
        case partnerUpdated(delivered: Bool)
        /// A recipient asked for a one-time code, or typed it: evidence only, the document stays as it is.
        case verificationSent
        case identityVerified

        /// True for what a recipient does through their link, which may count as one of its uses
        /// (the decision says whether it does); opens and clicks never do.
        public var mayUseLink: Bool {
            switch self {
            case .recipient, .paymentClicked, .partyCompleted: true
            default: false
            }
        }
    }

    /// Work queued in the same unit of work as the change.
    public enum SideEffect: Sendable, Hashable {
        /// The signer's confirmation email, with a link to keep a copy.
        case signedConfirmation
        /// The new status is written back to the partner the document comes from (a Pennylane
        /// quote accepted or signed here).
        case pushStatus
    }

    /// What a change does.
    public struct Decision: Sendable, Equatable {
        /// The event to append to the document's chain; nil when nothing happened (an edit that kept the status).
        public var event: EventType?
        /// Details the lifecycle adds to the event (a status change's `from` and `to`, a refusal).
        public var details: [String: JSONValue] = [:]
        /// The new status, when it changes.
        public var status: DocumentStatus?
        /// The stamps to set, each only where it is still empty.
        public var stamps: Set<DocumentStamp> = []
        /// Page views to count.
        public var views = 0
        /// True when the change counts as a use of the recipient's link.
        public var usesLink = false
        public var effects: [SideEffect] = []
        /// Recorded, then answered with this refusal (the view of a withdrawn document).
        public var refusal: RecipientError?
    }

    /// What `change` does to `document`; throws the refusal when it must not happen (nothing is recorded then).
    public static func decide(_ change: Change, for document: Document) throws -> Decision {
        switch change {
        case .edit(let next):
            return pushingBack(try edit(document.status, to: next), of: document)
        case .synced(let next):
            return synced(from: document.status, to: next)
        case .recipient(let action):
            return pushingBack(try recipient(action, on: document), of: document)
        case .partyCompleted:
            if document.status == .expired { throw RecipientError.expired }
            if document.status == .cancelled { throw RecipientError.cancelled }
            try refuseUnlessSignable(document.status)
            return Decision(event: .partyCompleted, usesLink: true)
        case .partyTransferred:
            return Decision(event: .partyTransferred)
        case .expiryReached:
            // Only what staff could expire: a document still waiting for its recipients.
            guard document.status != .expired, staffCanMove(from: document.status, to: .expired) else { return Decision(event: nil) }
            var decision = statusChange(from: document.status, to: .expired)
            decision.details["reason"] = .string("expires_at")
            return decision
        case .emailOpened:
            return Decision(event: .emailOpened)
        case .linkClicked:
            return Decision(event: .linkClicked)
        case .paymentClicked:
            // Only a document still standing can be paid through its page.
            if document.status == .expired { throw RecipientError.expired }
            if document.status == .cancelled { throw RecipientError.cancelled }
            guard document.paymentURL != nil else { throw RecipientError.noPaymentLink }
            return Decision(event: .paymentClicked, usesLink: true)
        case .messageQueued(let channel):
            if [.rejected, .expired, .cancelled].contains(document.status) {
                throw ValidationError(fields: [.init(
                    field: "status", code: .invalidValue,
                    message: "This document is \(document.status.rawValue): put it back to draft before sending it again.")])
            }
            return Decision(
                event: channel == .email ? .emailQueued : .smsQueued,
                status: forward(document.status, to: .sent), stamps: [.sent])
        case .messageFailed(let channel):
            return Decision(event: channel == .email ? .emailFailed : .smsFailed)
        case .linkCreated:
            return Decision(event: .tokenCreated)
        case .linkRevoked:
            return Decision(event: .tokenRevoked)
        case .partnerUpdated(let delivered):
            return Decision(event: delivered ? .partnerUpdated : .partnerUpdateFailed)
        case .verificationSent:
            return Decision(event: .verificationSent)
        case .identityVerified:
            return Decision(event: .identityVerified)
        }
    }

    /// What the partner reporting `next` does to a document in `current`: the move where staff
    /// could make it, nothing otherwise (never back, never to draft). What the partner issued is
    /// at least pending there, so a draft here may be declined or expire straight away.
    static func synced(from current: DocumentStatus, to next: DocumentStatus) -> Decision {
        let judged = current == .draft ? DocumentStatus.pending : current
        guard next != .draft, next != current, staffCanMove(from: judged, to: next) else { return Decision(event: nil) }
        return statusChange(from: current, to: next)
    }

    /// True when staff may move a document from `current` to `next`.
    public static func staffCanMove(from current: DocumentStatus, to next: DocumentStatus) -> Bool {
        if next == current { return true }
        switch (current.step, next) {
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

    /// True while the recipient has yet to decide (draft to downloaded, a reopened document included).
    public static func awaitsDecision(_ status: DocumentStatus) -> Bool {
        status.step.map { $0 <= DocumentStatus.downloaded.step! } ?? false
    }

    /// Why `action` is refused on `document` now, if it is (the page offers only the others).
    public static func refusal(of action: RecipientAction, on document: Document) -> RecipientError? {
        do {
            return try recipient(action, on: document).refusal
        } catch let refusal as RecipientError {
            return refusal
        } catch {
            preconditionFailure("recipient decisions refuse with RecipientError only")
        }
    }

    private static func edit(_ current: DocumentStatus, to next: DocumentStatus?) throws -> Decision {
        guard let next, next != current else { return Decision(event: nil) }
        guard staffCanMove(from: current, to: next) else {
            throw ValidationError(fields: [.init(
                field: "status", code: .invalidValue, message: "The status cannot change from \(current.rawValue) to \(next.rawValue).")])
        }
        return statusChange(from: current, to: next)
    }

    private static func statusChange(from current: DocumentStatus, to next: DocumentStatus) -> Decision {
        Decision(
            event: .statusChanged, details: ["from": .string(current.rawValue), "to": .string(next.rawValue)],
            status: next, stamps: DocumentStamp(entering: next).map { [$0] } ?? [])
    }

    private static func recipient(_ action: RecipientAction, on document: Document) throws -> Decision {
        let status = document.status
        if status == .expired { throw RecipientError.expired }
        if status == .cancelled {
            guard action == .view else { throw RecipientError.cancelled }
            return Decision(event: .pageViewed, details: ["refused": .string("document_cancelled")], refusal: .cancelled)
        }
        switch action {
        case .view:
            return Decision(event: .pageViewed, status: forward(status, to: .viewed), stamps: [.firstViewed], views: 1, usesLink: true)
        case .download:
            guard document.pdf != nil || document.pdfURL != nil else { throw RecipientError.noPDF }
            return Decision(event: .pdfDownloaded, status: forward(status, to: .downloaded), stamps: [.downloaded], usesLink: true)
        case .accept:
            switch status {
            case .rejected: throw RecipientError.alreadyDone(.decline)
            case .accepted, .signed: throw RecipientError.alreadyDone(.accept)
            case .paid: throw RecipientError.alreadyPaid
            default: return Decision(event: .accepted, status: .accepted, stamps: [.accepted], usesLink: true)
            }
        case .sign:
            try refuseUnlessSignable(status)
            return Decision(event: .signed, status: .signed, stamps: [.signed], usesLink: true, effects: [.signedConfirmation])
        case .decline:
            try refuseUnlessSignable(status)
            return Decision(event: .declined, status: .rejected, stamps: [.rejected], usesLink: true)
        case .register:
            if document.registeredAt != nil { throw RecipientError.alreadyDone(.register) }
            return Decision(event: .registered, stamps: [.registered], usesLink: true)
        }
    }

    /// `decision` with the push-back of its status when it accepts or signs a Pennylane quote
    /// (which Pennylane knows only as accepted). Changes the partner reported are not pushed back.
    private static func pushingBack(_ decision: Decision, of document: Document) -> Decision {
        guard let status = decision.status, status == .accepted || status == .signed, document.documentType == .pennylaneQuote,
              document.externalSource == .pennylane, document.externalID != nil
        else { return decision }
        var pushing = decision
        pushing.effects.append(.pushStatus)
        return pushing
    }

    /// Signing and declining need a document not yet declined, signed or paid.
    private static func refuseUnlessSignable(_ status: DocumentStatus) throws {
        switch status {
        case .rejected: throw RecipientError.alreadyDone(.decline)
        case .signed: throw RecipientError.alreadySigned
        case .paid: throw RecipientError.alreadyPaid
        default: return
        }
    }

    /// `next` when it is further along the main path than `current`, else nil (no change).
    private static func forward(_ current: DocumentStatus, to next: DocumentStatus) -> DocumentStatus? {
        guard let from = current.step, let to = next.step, to > from else { return nil }
        return next
    }
}

/// The first time a document reached a point of its life, kept once.
public enum DocumentStamp: Sendable, Hashable, CaseIterable {
    case sent, firstViewed, downloaded, accepted, signed, paid, rejected, expired, cancelled, registered

    /// The stamp of entering `status`; none for draft and pending.
    init?(entering status: DocumentStatus) {
        switch status {
        case .draft, .pending: return nil
        case .sent: self = .sent
        case .viewed: self = .firstViewed
        case .downloaded: self = .downloaded
        case .accepted: self = .accepted
        case .signed: self = .signed
        case .paid: self = .paid
        case .rejected: self = .rejected
        case .expired: self = .expired
        case .cancelled: self = .cancelled
        }
    }

    /// Where the document keeps it.
    var field: WritableKeyPath<Document, Date?> {
        switch self {
        case .sent: \.sentAt
        case .firstViewed: \.firstViewedAt
        case .downloaded: \.downloadedAt
        case .accepted: \.acceptedAt
        case .signed: \.signedAt
        case .paid: \.paidAt
        case .rejected: \.rejectedAt
        case .expired: \.expiredAt
        case .cancelled: \.cancelledAt
        case .registered: \.registeredAt
        }
    }
}

extension Document {
    /// The document once `decision` is applied at `time`: what the unit of work writes.
    func applying(_ decision: DocumentLifecycle.Decision, at time: Date) -> Document {
        var next = self
        if let status = decision.status { next.status = status }
        for stamp in decision.stamps where next[keyPath: stamp.field] == nil {
            next[keyPath: stamp.field] = time
        }
        if decision.views > 0 {
            next.viewCount += decision.views
            next.lastViewedAt = time
        }
        return next
    }
}
