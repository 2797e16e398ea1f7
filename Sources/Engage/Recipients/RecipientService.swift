import Crypto
import Foundation

/// Why a recipient's request was refused; nothing is recorded for it.
public enum RecipientError: Error, Sendable, Equatable {
    /// Unknown, revoked or used-up link, or its document is gone.
    case linkInvalid
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
    /// The sender withdrew (cancelled) the document.
    case cancelled
    /// The document is paid: there is nothing left to accept, sign or decline.
    case alreadyPaid
    /// The document has no payment link.
    case noPaymentLink
    /// The link's party acts in a later step: it is notified when the steps before it are complete.
    case notYourTurn
}

/// A recipient's document as their link shows it.
public struct RecipientVisit: Sendable {
    public let link: RecipientLink
    public let document: Document
    /// The party the link acts for, as it stands.
    public var party: DocumentParty? = nil
    /// False while the party's step has not begun: it may look, and is notified when its turn comes.
    public var isPartyTurn = true
    /// The document's price tables, priced.
    public var content = PriceContent.none

    /// True when the page offers to pay: the document has a payment link and still stands.
    public var canPay: Bool {
        (try? DocumentLifecycle.decide(.paymentClicked, for: document)) != nil
    }

    /// The actions the link allows that still make sense for the document, in order.
    public var availableActions: [RecipientAction] {
        link.allowedActions.filter { action in
            DocumentLifecycle.refusal(of: action, on: document) == nil && (party.map { partyMay(action, $0) } ?? true)
        }
    }

    /// A party decides once, in its turn.
    private func partyMay(_ action: RecipientAction, _ party: DocumentParty) -> Bool {
        guard [.sign, .accept, .decline].contains(action) else { return true }
        return isPartyTurn && party.status != .completed && party.status != .declined
    }
}

/// What recipients do through their links: view, download, accept, sign, register, decline; and
/// the email opens their tracking pixels report. Each success is one transaction that counts the
/// link's use and appends its event; a refusal records nothing (but the view of a withdrawn
/// document). What each action may do is `DocumentLifecycle`'s to say.
public struct RecipientService: Sendable {
    let database: Database
    private let recorder: EventRecorder
    /// Checks the pass of a link that asks for a one-time code; none without `confirmations`
    /// (such a link then refuses every decision).
    private let verifications: VerificationService?
    /// An email open or a click is recorded once per message and client address in a window this
    /// long (seconds); 0 records every hit.
    private let trackingWindow: Int
    private let pixels = KnownPixels(limit: 100_000)
    /// Finds the links of concurrent requests together: one statement for every secret of a batch.
    private let links: WriteBatcher<Data, RecipientLink?>

    /// `confirmations` queues the signer's confirmation email with the signature; none without it (tests of links alone).
    public init(database: Database, confirmations: SendService? = nil, trackingWindow: Int = 3600) {
        self.database = database
        self.recorder = EventRecorder(database: database, confirmations: confirmations)
        self.verifications = confirmations.map { VerificationService(database: database, sender: $0) }
        self.trackingWindow = trackingWindow
        links = WriteBatcher(limit: 500) { hashes in
            do {
                // A link made a moment ago through another node is found.
                let found = try await Database.$causalReads.withValue(true) {
                    try await database.read { try await $0.links.find(hashes: Array(Set(hashes))) }
                }
                return hashes.map { .success(found[$0]) }
            } catch {
                return hashes.map { _ in .failure(error) }
            }
        }
    }

    static let signFields: Set<String> = ["full_name", "consent", "signature_image"]
    static let registerFields: Set<String> = ["name", "email", "company", "phone"]
    static let declineFields: Set<String> = ["reason"]
    /// A drawn signature is a PNG data URL of at most this many characters.
    static let maximumSignatureImage = 200_000

    /// Opens the document page (`page_viewed`).
    public func view(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await act(secret, .view, from: client)
    }

    /// Downloads the PDF (`pdf_downloaded`); the caller serves the stored file or redirects to `pdf_url`.
    public func download(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        try await act(secret, .download, from: client)
    }

    /// Accepts the document. `pass`: the browser's proof of a one-time code, where the link asks for one.
    public func accept(_ secret: String, _ input: Input = Input([:]), pass: String? = nil, from client: ClientInfo) async throws -> RecipientVisit {
        // Accepting takes no fields: anything sent is a mistake to report, not to ignore.
        try InputReader(input, allowed: []).finish()
        return try await act(secret, .accept, pass: pass, from: client)
    }

    /// Signs with a typed full name and explicit consent, keeping the evidence in the event: the
    /// digest of what was shown, the consent text and its digest, and the drawn signature if any.
    public func sign(_ secret: String, _ input: Input, consentText: String, pass: String? = nil, from client: ClientInfo) async throws -> RecipientVisit {
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
        let signer = name.value ?? ""
        let drawn = image.value
        return try await act(secret, .sign, pass: pass, from: client) { document in
            // What the signer saw, as the document stood when the signature was recorded.
            var details: [String: JSONValue] = [
                "signer_name": .string(signer),
                "consent_text": .string(consentText),
                "consent_sha256": .string(Self.sha256(consentText)),
                "content_sha256": .string(Self.contentDigest(document)),
                "content_kind": .string(document.pdf == nil ? "page" : "pdf"),
            ]
            if let drawn {
                details["signature_image"] = .string(drawn)
                details["signature_image_sha256"] = .string(Self.sha256(drawn))
            }
            return details
        }
    }

    /// Follows the document's payment link (`payment_clicked`); the caller redirects to `payment_url`.
    /// Any link that shows the document may.
    public func pay(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        let link = try await authorize(secret, .view, from: client)
        let document = try await recorder.record(.init(
            documentID: link.documentID, change: .paymentClicked, linkID: link.id, client: client))
        return try await visit(link, document)
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
        return try await act(secret, .register, from: client) { [details] _ in details }
    }

    /// Declines the document, with an optional reason.
    public func decline(_ secret: String, _ input: Input, pass: String? = nil, from client: ClientInfo) async throws -> RecipientVisit {
        var reader = InputReader(input, allowed: Self.declineFields)
        let reason = reader.text("reason", label: "Reason", max: 2000)
        try reader.finish()
        let details = reason.value.map { ["reason": JSONValue.string($0)] }
        return try await act(secret, .decline, pass: pass, from: client) { _ in details }
    }

    /// Records `email_opened` for a known pixel of a live document; false for any other id.
    public func recordOpen(pixelID: String, from client: ClientInfo) async throws -> Bool {
        try await recordTracking(pixelID, as: .emailOpened, from: client)
    }

    /// Records `link_clicked` for a message's tracked link; false for an unknown id.
    public func recordClick(trackingID: String, from client: ClientInfo) async throws -> Bool {
        try await recordTracking(trackingID, as: .linkClicked, from: client)
    }

    private func recordTracking(_ id: String, as change: DocumentLifecycle.Change, from client: ClientInfo) async throws -> Bool {
        guard id.count == 32, id.allSatisfy(\.isHexDigit), let pixel = try await pixelOwner(id) else { return false }
        if trackingWindow > 0, try await !firstHit(id, change, from: client) { return true }
        let details = pixel.messageID.map { ["outbox_message_id": JSONValue.number(Decimal($0))] }
        do {
            _ = try await recorder.record(.init(
                documentID: pixel.documentID, change: change, linkID: pixel.linkID, client: client, details: { _ in details }))
            return true
        } catch is RecipientError {
            return false  // the document was deleted
        }
    }

    /// What pixel `id` belongs to, from memory once it was looked up.
    private func pixelOwner(_ id: String) async throws -> KnownPixels.Owner? {
        if let known = pixels.owner(of: id) { return known }
        guard let owner = try await database.read({ try await $0.links.pixel(id: id) }) else { return nil }
        pixels.remember(owner, of: id)
        return owner
    }

    /// True when this message's open (or click) from this address is the first of its window;
    /// now and then, windows long past are forgotten.
    private func firstHit(_ pixelID: String, _ change: DocumentLifecycle.Change, from client: ClientInfo) async throws -> Bool {
        let window = Int64(Date().timeIntervalSince1970) / Int64(trackingWindow)
        let kind = change == .emailOpened ? "open" : "click"
        return try await database.statements { tx in
            guard try await tx.links.firstHit(pixelID: pixelID, kind: kind, address: client.ipAddress ?? "", windowStart: window) else {
                return false
            }
            if Int.random(in: 0..<100) == 0 { try await tx.links.forgetHits(before: window - 1) }
            return true
        }
    }

    /// The document as the link shows it, without counting a use or recording anything (a refused
    /// form shown again).
    public func peek(_ secret: String, from client: ClientInfo) async throws -> RecipientVisit {
        let peeked = try await database.read { tx in
            let link = try await Self.authorize(secret, .view, from: client, in: tx)
            guard let document = try await tx.documents.find(id: link.documentID), document.deletedAt == nil else {
                throw RecipientError.linkInvalid
            }
            if let refusal = DocumentLifecycle.refusal(of: .view, on: document) { throw refusal }
            return (link, document)
        }
        return try await visit(peeked.0, peeked.1)
    }

    /// The visit of `link`'s page, with its party and whether its turn has come.
    func visit(_ link: RecipientLink, _ document: Document) async throws -> RecipientVisit {
        let priced = link.documentPriced ?? true
        // Most pages show neither price tables nor parties: no second trip to the database.
        if !priced && link.partyID == nil { return RecipientVisit(link: link, document: document, content: .none) }
        // One borrowed connection for what the page shows beside the document.
        let (content, parties) = try await database.read { tx in
            (priced ? try await PriceContent.load(.document(document.id), in: tx) : .none,
             link.partyID == nil ? [] : try await tx.parties.all(documentID: document.id))
        }
        guard let partyID = link.partyID else { return RecipientVisit(link: link, document: document, content: content) }
        let flow = PartyFlow(parties)
        guard let party = flow.party(partyID) else { throw RecipientError.linkInvalid }
        return RecipientVisit(link: link, document: document, party: party, isPartyTurn: flow.isTurn(of: party), content: content)
    }

    /// Checks the link, the client's address and the action; the link they allow. What the
    /// document allows is checked when the change is recorded, under its lock.
    static func authorize(
        _ secret: String, _ action: RecipientAction, from client: ClientInfo, in tx: Transaction
    ) async throws -> RecipientLink {
        let hash = try hash(of: secret)
        return try check(try await tx.links.find(hashes: [hash])[hash], action, from: client)
    }

    /// `authorize`, the link found in a batch with other requests' (`links`).
    func authorize(_ secret: String, _ action: RecipientAction, from client: ClientInfo) async throws -> RecipientLink {
        try Self.check(try await links.submit(Self.hash(of: secret)), action, from: client)
    }

    private static func hash(of secret: String) throws -> Data {
        guard secret.count <= 64 else { throw RecipientError.linkInvalid }
        return SecretToken.hash(secret)
    }

    private static func check(_ found: RecipientLink?, _ action: RecipientAction, from client: ClientInfo) throws -> RecipientLink {
        guard let link = found, link.revokedAt == nil else { throw RecipientError.linkInvalid }
        if let end = link.expiresAt, end <= Date() { throw RecipientError.expired }
        guard !link.isUsedUp else { throw RecipientError.linkInvalid }
        if !link.restrictedIPs.isEmpty {
            let address = client.ipAddress ?? ""
            guard link.restrictedIPs.contains(where: { IPNetwork($0)?.contains(address) == true }) else {
                throw RecipientError.addressNotAllowed
            }
        }
        guard link.allows(action) else { throw RecipientError.actionNotAllowed(action) }
        return link
    }

    /// Checks the link, then has the recorder decide the action and record it in one transaction
    /// (shared with concurrent requests); the visit shows the document as the action left it.
    private func act(
        _ secret: String, _ action: RecipientAction, pass: String? = nil, from client: ClientInfo,
        details: @escaping @Sendable (Document) -> [String: JSONValue]? = { _ in nil }
    ) async throws -> RecipientVisit {
        let link = try await authorize(secret, action, from: client)
        let decides = VerificationService.decisions.contains(action)
        var evidence = details
        if decides, link.verify != nil {
            guard let verifications else { throw VerificationError.required(for: link) }
            // The decision names the check it rests on.
            let check = try await verifications.requirePassed(link, pass: pass).evidence
            evidence = { document in (details(document) ?? [:]).merging(["verification": check]) { $1 } }
        }
        // A party's decision keeps the name its address resolves to, looked up before any lock is taken.
        let host = link.partyID != nil && decides ? await ReverseDNS.name(of: client.ipAddress) : nil
        let document = try await recorder.record(.init(
            documentID: link.documentID, change: .recipient(action), linkID: link.id, client: client,
            recipientEmail: link.recipientEmail, partyID: link.partyID, host: host, details: evidence))
        return try await visit(link, document)
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
