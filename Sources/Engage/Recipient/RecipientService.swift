import Crypto
import Foundation
import MariaDB

/// Why a recipient's request was refused; nothing is recorded for it.
public enum RecipientError: Error, Sendable, Equatable {
    /// Unknown, revoked or used-up link, or its document is gone.
    case tokenInvalid
    /// The link's time is over, or the document expired.
    case expired
    case alreadySigned
    /// The link was not given this action.
    case actionNotAllowed(RecipientAction)
    /// The link is limited to other networks.
    case addressNotAllowed
    /// The action was taken already, or no longer makes sense (accepting a declined document).
    case alreadyDone(RecipientAction)
    /// The document has no PDF to download.
    case noPDF
}

/// A recipient's document as their link shows it.
public struct RecipientVisit: Sendable {
    public let token: AccessToken
    public let document: Document

    /// The actions the link allows that still make sense for the document, in order.
    public var availableActions: [RecipientAction] {
        token.allowedActions.filter { RecipientService.refusal(of: $0, on: document) == nil }
    }
}

/// What recipients do through their links: view, download, accept, sign, register, decline; and
/// the email opens their tracking pixels report. Each success is one transaction that counts the
/// link's use and appends its event; a refusal records nothing.
public struct RecipientService: Sendable {
    private let database: Database
    private let recorder: EventRecorder
    /// Queues the signer's confirmation email with the signature; none without it (tests of links alone).
    private let confirmations: SendService?

    public init(database: Database, confirmations: SendService? = nil) {
        self.database = database
        self.recorder = EventRecorder(database: database)
        self.confirmations = confirmations
    }

    static let signFields: Set<String> = ["full_name", "consent", "signature_image"]
    static let registerFields: Set<String> = ["name", "email", "company", "phone"]
    static let declineFields: Set<String> = ["reason"]
    /// A drawn signature is a PNG data URL of at most this many characters.
    static let maximumSignatureImage = 200_000

    /// Opens the document page (`page_viewed`).
    public func view(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await act(secret, .view, from: client) { _ in .init(type: .pageViewed) }
    }

    /// Downloads the PDF (`pdf_downloaded`); the caller serves the stored file or redirects to `pdf_url`.
    public func download(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await act(secret, .download, from: client) { _ in .init(type: .pdfDownloaded) }
    }

    /// Accepts the document.
    public func accept(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await act(secret, .accept, from: client) { _ in .init(type: .accepted) }
    }

    /// Signs with a typed full name and explicit consent, keeping the evidence in the event: the
    /// digest of what was shown, the consent text and its digest, and the drawn signature if any.
    public func sign(_ secret: String, _ input: Input, consentText: String, from client: ClientInfo) async throws -> RecipientVisit {
        var reader = InputReader(input, allowed: Self.signFields)
        let name = reader.text("full_name", label: "Full name", required: true, min: 2, max: 200)
        if !reader.flag("consent", label: "Consent") {
            reader.report("consent", .required, "Tick the box to consent to signing electronically.")
        }
        let image = reader.text("signature_image", label: "Drawn signature", max: Self.maximumSignatureImage)
        if let drawn = image.value, !drawn.hasPrefix("data:image/png;base64,") {
            reader.report("signature_image", .invalidFormat, "Drawn signature must be a PNG data URL.")
        }
        try reader.finish()
        var confirm: VisitFollowUp?
        if let confirmations {
            let signerName = name.value
            confirm = { visit, connection in
                // To the link's own address, else the document's recipient.
                try await confirmations.queueSignedConfirmation(
                    documentID: visit.document.id, signerName: signerName,
                    email: visit.token.recipientEmail ?? visit.document.recipientEmail, connection)
            }
        }
        return try await act(secret, .sign, from: client, followUp: confirm) { visit in
            var details: [String: JSONValue] = [
                "signer_name": .string(name.value ?? ""),
                "consent_text": .string(consentText),
                "consent_sha256": .string(Self.sha256(consentText)),
                "content_sha256": .string(Self.contentDigest(visit.document)),
                "content_kind": .string(visit.document.pdf == nil ? "page" : "pdf"),
            ]
            if let drawn = image.value {
                details["signature_image"] = .string(drawn)
                details["signature_image_sha256"] = .string(Self.sha256(drawn))
            }
            return .init(type: .signed, details: details)
        }
    }

    /// Registers the recipient's details.
    public func register(_ secret: String, _ input: Input, from client: ClientInfo) async throws -> RecipientVisit {
        var reader = InputReader(input, allowed: Self.registerFields)
        let name = reader.text("name", label: "Name", required: true, min: 2, max: 200)
        let email = reader.email("email", label: "Email", required: true)
        let company = reader.text("company", label: "Company", max: 200)
        let phone = reader.text("phone", label: "Phone", max: 40)
        try reader.finish()
        var details: [String: JSONValue] = ["name": .string(name.value ?? ""), "email": .string(email.value ?? "")]
        if let company = company.value { details["company"] = .string(company) }
        if let phone = phone.value { details["phone"] = .string(phone) }
        return try await act(secret, .register, from: client) { _ in .init(type: .registered, details: details) }
    }

    /// Declines the document, with an optional reason.
    public func decline(_ secret: String, _ input: Input, from client: ClientInfo) async throws -> RecipientVisit {
        var reader = InputReader(input, allowed: Self.declineFields)
        let reason = reader.text("reason", label: "Reason", max: 2000)
        try reader.finish()
        return try await act(secret, .decline, from: client) { _ in
            .init(type: .declined, details: reason.value.map { ["reason": .string($0)] })
        }
    }

    /// Records `email_opened` for a known pixel of a live document; false for any other id.
    public func recordOpen(pixelID: String, from client: ClientInfo) async throws -> Bool {
        try await recordTracking(pixelID, as: .emailOpened, from: client)
    }

    /// Records `link_clicked` for a message's tracked link; false for an unknown id.
    public func recordClick(trackingID: String, from client: ClientInfo) async throws -> Bool {
        try await recordTracking(trackingID, as: .linkClicked, from: client)
    }

    private func recordTracking(_ id: String, as type: EventType, from client: ClientInfo) async throws -> Bool {
        guard id.count == 32, id.allSatisfy(\.isHexDigit),
              let pixel = try await database.pool.withConnection({ try await AccessTokenRepository(connection: $0).pixel(id: id) })
        else { return false }
        do {
            try await recorder.record(.init(
                documentID: pixel.documentID, claimsUse: false, action: nil,
                event: .init(
                    type: type, accessTokenID: pixel.tokenID, client: client,
                    details: pixel.messageID.map { ["outbox_message_id": .number(Decimal($0))] })))
            return true
        } catch is RecipientError {
            return false  // the document was deleted
        }
    }

    /// The document as the link shows it, without counting a use or recording anything (a refused
    /// form shown again).
    public func peek(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await database.pool.withConnection { connection in
            try await Self.authorize(secret, .view, from: client, connection)
        }
    }

    /// Checks the link, the client's address and the action; the visit they allow.
    private static func authorize(
        _ secret: String, _ action: RecipientAction, from client: ClientInfo, _ connection: MariaDBConnection
    ) async throws -> RecipientVisit {
        guard secret.count <= 64, let token = try await AccessTokenRepository(connection: connection).find(hash: SecretToken.hash(secret)),
              token.revokedAt == nil
        else { throw RecipientError.tokenInvalid }
        if let end = token.expiresAt, end <= Date() { throw RecipientError.expired }
        guard !token.isUsedUp, let document = try await DocumentRepository(connection: connection).find(id: token.documentID),
              document.deletedAt == nil
        else { throw RecipientError.tokenInvalid }
        if document.status == .expired { throw RecipientError.expired }
        if !token.restrictedIPs.isEmpty {
            let address = client.ipAddress ?? ""
            guard token.restrictedIPs.contains(where: { IPNetwork($0)?.contains(address) == true }) else {
                throw RecipientError.addressNotAllowed
            }
        }
        guard token.allows(action) else { throw RecipientError.actionNotAllowed(action) }
        return RecipientVisit(token: token, document: document)
    }

    /// Work done in the transaction that records a visit's event.
    typealias VisitFollowUp = @Sendable (RecipientVisit, MariaDBConnection) async throws -> Void

    /// Checks the link and the action, then has the recorder count the use and append the event in
    /// one transaction (shared with concurrent requests), which checks the action again under its locks.
    private func act(
        _ secret: String, _ action: RecipientAction, from client: ClientInfo,
        followUp: VisitFollowUp? = nil,
        event: (RecipientVisit) throws -> DocumentEventRepository.NewEvent
    ) async throws -> RecipientVisit {
        let visit = try await database.pool.withConnection { try await Self.authorize(secret, action, from: client, $0) }
        if let refusal = Self.refusal(of: action, on: visit.document) { throw refusal }
        var new = try event(visit)
        new.accessTokenID = visit.token.id
        new.client = client
        var recording = EventRecorder.Recording(documentID: visit.document.id, claimsUse: true, action: action, event: new)
        if let followUp {
            recording.followUp = { connection in try await followUp(visit, connection) }
        }
        try await recorder.record(recording)
        // Views and downloads change nothing the page shows; after an action, the page shows its outcome.
        guard action != .view, action != .download else { return visit }
        return try await database.pool.withConnection { connection in
            guard let document = try await DocumentRepository(connection: connection).find(id: visit.document.id) else {
                throw RecipientError.tokenInvalid
            }
            return RecipientVisit(token: visit.token, document: document)
        }
    }

    /// Why `action` no longer makes sense for `document`, if it does not.
    static func refusal(of action: RecipientAction, on document: Document) -> RecipientError? {
        let declined = document.rejectedAt != nil || document.status == .rejected
        switch action {
        case .view:
            return nil
        case .download:
            return document.pdf == nil && document.pdfURL == nil ? .noPDF : nil
        case .accept:
            if declined { return .alreadyDone(.decline) }
            return document.acceptedAt != nil || document.signedAt != nil ? .alreadyDone(.accept) : nil
        case .sign:
            if document.signedAt != nil { return .alreadySigned }
            return declined ? .alreadyDone(.decline) : nil
        case .register:
            return document.registeredAt != nil ? .alreadyDone(.register) : nil
        case .decline:
            if document.signedAt != nil { return .alreadySigned }
            return declined ? .alreadyDone(.decline) : nil
        }
    }

    /// What the signer saw: the uploaded PDF's digest, or the digest of the page's content.
    static func contentDigest(_ document: Document) -> String {
        if let pdf = document.pdf { return pdf.sha256 }
        let content = [
            document.documentNumber, document.title, document.description ?? "", document.totalAmount.map { "\($0)" } ?? "",
            document.currency, document.dueDate?.description ?? "", document.pdfURL ?? "",
        ].joined(separator: "\n")
        return sha256(content)
    }

    static func sha256(_ text: String) -> String {
        Data(SHA256.hash(data: Data(text.utf8))).hexString
    }
}
