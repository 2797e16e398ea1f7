import Foundation

/// Sends documents to their recipients by email or SMS. Nothing is delivered here: one
/// transaction creates the link (when asked), queues the message in the outbox, records
/// `email_queued` or `sms_queued` and moves the document to `sent`; workers deliver later.
public struct SendService: Sendable {
    let database: Database
    let templates: MessageTemplateService
    let links: PublicLinks
    let senderName: String
    /// The right-hand side of every `Message-ID` (the portal's host).
    let messageIDDomain: String
    /// Seals a new link's secret until the worker delivers the message.
    let seal: SecretSeal

    public init(
        database: Database, templates: MessageTemplateService, links: PublicLinks, senderName: String, messageIDDomain: String,
        seal: SecretSeal
    ) {
        self.database = database
        self.seal = seal
        self.templates = templates
        self.links = links
        self.senderName = senderName
        self.messageIDDomain = messageIDDomain
    }

    static let fields: Set<String> = [
        "channel", "recipient_email", "recipient_name", "recipient_phone", "subject", "message", "template", "language", "cc",
        "generate_token", "token_options", "reminders",
    ]
    /// Fields of a bulk send: the same choices for every document; recipients are each document's own.
    static let bulkFields: Set<String> = fields.subtracting(["recipient_email", "recipient_name", "recipient_phone"]).union(["document_ids"])
    static let maximumBulk = 100
    static let maximumCC = 10

    /// What a send queued.
    public struct Outcome: Sendable {
        public let message: OutboxMessage
        /// The new link and its secret (shown this once), when one was generated.
        public let link: (secret: String, link: RecipientLink)?
        public let document: Document
    }

    /// A checked send request for one document.
    struct Request: Sendable {
        var channel: MessageChannel
        var recipient: String
        var recipientName: String?
        var subject: String?
        var message: String?
        var purpose: MessagePurpose
        var language: Language
        var cc: [String]
        var link: RecipientLinkService.LinkOptions?
        var reminders: Bool?
        /// An existing link to send instead of a new one (a party's own), with its sealed secret.
        var existingLink: (id: Int64, sealedSecret: Data)? = nil
        var attachment: MessageAttachment? = nil
    }

    /// Queues a message to a document's recipient; every problem with the request is listed at once.
    public func send(documentID: Int64, _ input: Input, by actor: Actor, from client: ClientInfo) async throws -> Outcome {
        try actor.requireWrite()
        let document = try await liveDocument(documentID)
        if try await database.read({ try await $0.parties.exists(documentID: documentID) }) { throw DocumentHasParties(documentID: documentID) }
        let request = try read(input, allowed: Self.fields, for: document)
        let outcome = try await database.write { tx in
            try await queue(request, documentID: documentID, by: actor, from: client, in: tx)
        }
        return outcome
    }

    /// Sends each listed document to its own recipient with the same choices, each in its own
    /// transaction: one refusal does not stop the others.
    public func bulkSend(_ input: Input, by actor: Actor, from client: ClientInfo) async throws -> [(documentID: Int64, result: Result<Outcome, any Error>)] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: Self.bulkFields)
        let ids = reader.documentIDs(maximum: Self.maximumBulk, purpose: "to send")
        try reader.finish()
        var shared = input.values
        shared["document_ids"] = nil
        // Choices that are wrong for every document are one 400, not a failure per document.
        _ = try read(Input(shared, isForm: input.isForm), allowed: Self.fields, for: nil)
        var results: [(Int64, Result<Outcome, any Error>)] = []
        for id in ids {
            do {
                results.append((id, .success(try await send(documentID: id, Input(shared, isForm: input.isForm), by: actor, from: client))))
            } catch let error as ValidationError {
                results.append((id, .failure(error)))
            } catch let error as RecordNotFound {
                results.append((id, .failure(error)))
            } catch let error as DocumentHasParties {
                results.append((id, .failure(error)))
            }
        }
        return results
    }

    /// Turns a live document's reminders on or off; returns the document.
    public func setReminders(documentID: Int64, _ input: Input, by actor: Actor) async throws -> Document {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["enabled"])
        if !reader.contains("enabled") { reader.report("enabled", .required, "Say whether reminders are enabled (true or false).") }
        let enabled = reader.flag("enabled", label: "Enabled")
        try reader.finish()
        return try await database.write { tx in
            guard try await tx.documents.lockLive(id: documentID) != nil else { throw RecordNotFound("Document", id: documentID) }
            try await tx.documents.setReminders(id: documentID, enabled: enabled)
            guard let document = try await tx.documents.find(id: documentID) else { throw RecordNotFound("Document", id: documentID) }
            return document
        }
    }

    /// The message a send would queue, rendered without writing anything (the portal's preview).
    public func preview(documentID: Int64, _ input: Input) async throws -> RenderedMessage {
        let document = try await liveDocument(documentID)
        // The link's options do not change what the message says.
        var fields = input.values
        fields["token_options"] = nil
        let request = try read(Input(fields), allowed: Self.fields, for: document)
        let template = try await templates.template(.init(channel: request.channel, purpose: request.purpose, language: request.language))
        let values = MessageValues.of(
            document, recipientName: request.recipientName, link: request.link == nil ? "" : links.page("example-link"),
            senderName: senderName, message: request.message, language: request.language)
        return templates.renderer.render(template, values, pixelURL: nil).withSubject(request.subject, values: values)
    }

    private func liveDocument(_ id: Int64) async throws -> Document {
        guard let document = try await database.read({ try await $0.documents.find(id: id) }),
              document.deletedAt == nil
        else { throw RecordNotFound("Document", id: id) }
        return document
    }

    /// Queues one message inside the caller's transaction; also used by reminders.
    func queue(
        _ request: Request, documentID: Int64, by actor: Actor, from client: ClientInfo?, in tx: Transaction
    ) async throws -> Outcome {
        guard let locked = try await tx.documents.lockLive(id: documentID) else { throw RecordNotFound("Document", id: documentID) }
        let document = locked.document
        var changes = DocumentChanges(locked)
        var link: (secret: String, link: RecipientLink)?
        if let options = request.link {
            link = try await RecipientLinkService.insert(options, into: &changes, by: actor, from: client ?? .init(ipAddress: nil, userAgent: nil), in: tx)
        }
        let linkID = link?.link.id ?? request.existingLink?.id
        let trackingID = SecretToken.randomHexID()
        let template = try await templates.template(
            .init(channel: request.channel, purpose: request.purpose, language: request.language), in: tx)
        // The stored message holds a placeholder where the secret goes; the secret is kept sealed beside it.
        let values = MessageValues.of(
            document, recipientName: request.recipientName,
            link: linkID.map { _ in links.tracked(trackingID, secret: SecretSeal.placeholder) } ?? "",
            senderName: senderName, message: request.message, language: request.language)
        let rendered = templates.renderer.render(
            template, values, pixelURL: request.channel == .email ? links.pixel(trackingID) : nil).withSubject(request.subject, values: values)
        let id = try await tx.outbox.insert(.init(
            documentID: documentID, linkID: linkID, channel: request.channel, purpose: request.purpose,
            language: request.language, messageID: "\(SecretToken.randomHexID())@\(messageIDDomain)", trackingID: trackingID,
            recipient: request.recipient, recipientName: request.recipientName ?? document.recipientName, cc: request.cc,
            rendered: rendered, createdBy: actor.userID,
            sealedLinkSecret: try link.map { try seal.seal($0.secret) } ?? request.existingLink?.sealedSecret,
            attachment: request.attachment))
        if let reminders = request.reminders { try await tx.documents.setReminders(id: documentID, enabled: reminders) }
        // Refused for a document set aside: the whole send rolls back, its link included.
        try changes.apply(
            .messageQueued(request.channel), linkID: linkID, userID: actor.userID, client: client, details: [
                "outbox_message_id": .number(Decimal(id)), "recipient": .string(request.recipient),
                "template": .string(request.purpose.rawValue), "language": .string(request.language.rawValue),
            ])
        try await changes.write(in: tx)
        guard let message = try await tx.outbox.find(id: id), let updated = try await tx.documents.find(id: documentID) else {
            throw RecordNotFound("Outbox message", id: id)
        }
        return Outcome(message: message, link: link, document: updated)
    }

    /// Queues the signer's `signed_confirmation` email to `email`, with a link to keep a copy (view
    /// and download only), inside the transaction that records the signature; in the language the
    /// document was last sent in; with `attachment` when asked. Nothing without a valid address.
    func queueSignedConfirmation(
        documentID: Int64, signerName: String?, email: String?, attachment: MessageAttachment? = nil, in tx: Transaction
    ) async throws {
        guard let email, EmailAddress.isValid(email) else { return }
        let language = try await tx.outbox.lastNotification(documentID: documentID)?.language ?? .en
        let copy = RecipientLinkService.LinkOptions(
            actions: [.view, .download], expiresAt: RecipientLinkService.expiry(inDays: RecipientLinkService.defaultLifetimeDays),
            maxUses: nil, recipientEmail: email, prefill: nil, networks: [])
        _ = try await queue(
            Request(
                channel: .email, recipient: email, recipientName: signerName, subject: nil, message: nil,
                purpose: .signedConfirmation, language: language, cc: [], link: copy, reminders: nil, attachment: attachment),
            documentID: documentID, by: .system, from: nil, in: tx)
    }

    /// Reads and checks a send request, filling what it leaves out from the document; without one
    /// (a bulk send's shared choices), only what does not depend on the document is checked.
    private func read(_ input: Input, allowed: Set<String>, for document: Document?) throws -> Request {
        var reader = InputReader(input, allowed: allowed)
        let channel = reader.choice("channel", label: "Channel", as: MessageChannel.self).value ?? .email
        let email = reader.email("recipient_email", label: "Recipient email")
        let name = reader.text("recipient_name", label: "Recipient name", max: 200)
        let phone = reader.phone("recipient_phone", label: "Recipient phone")
        let subject = reader.text("subject", label: "Subject", max: 200)
        let message = reader.text("message", label: "Message", max: channel == .email ? 5_000 : 1_000)
        let purpose = reader.choice("template", label: "Template", among: MessagePurpose.sendable).value
            ?? .notification(for: document?.documentType ?? .custom)
        let language = reader.choice("language", label: "Language", as: Language.self).value ?? .en
        let cc = reader.strings("cc", label: "Cc", maxCount: Self.maximumCC).value ?? []
        let generateToken = reader.contains("generate_token") ? reader.flag("generate_token", label: "Generate a link") : true
        let reminders = reader.contains("reminders") ? reader.flag("reminders", label: "Reminders") : nil
        var problems = reader.allProblems

        let recipient: String
        switch channel {
        case .email:
            recipient = email.value ?? document?.recipientEmail ?? ""
            if recipient.isEmpty, document != nil, !problems.contains(where: { $0.field == "recipient_email" }) {
                problems.append(.init(field: "recipient_email", code: .required, message: "Recipient email is required: the document has none."))
            }
            let invalid = cc.filter { !EmailAddress.isValid($0) }
            if !invalid.isEmpty {
                problems.append(.init(field: "cc", code: .invalidFormat, message: "Cc addresses must look like name@example.com; not \(invalid.joined(separator: ", "))."))
            }
        case .sms:
            recipient = phone.value ?? ""
            if recipient.isEmpty {
                problems.append(.init(field: "recipient_phone", code: .required, message: "Recipient phone is required for an SMS."))
            }
            if !cc.isEmpty { problems.append(.init(field: "cc", code: .invalidValue, message: "Cc is for emails only.")) }
        }

        var link: RecipientLinkService.LinkOptions?
        if !generateToken, input.values["token_options"].map({ $0 != .null }) == true {
            problems.append(.init(field: "token_options", code: .invalidValue, message: "Token options apply only when generate_token is true."))
        }
        if generateToken {
            var linkInput: [String: JSONValue] = [:]
            switch input.values["token_options"] {
            case nil, .null?: break
            case .object(let object)?: linkInput = object
            case let other?:
                problems.append(.init(field: "token_options", code: .invalidFormat, message: "Token options must be an object, not \(other.typeName)."))
            }
            if linkInput["allowed_actions"] == nil {
                linkInput["allowed_actions"] = .array(RecipientLinkService.defaultSendActions(for: document).map { .string($0.rawValue) })
            }
            if linkInput["recipient_email"] == nil, channel == .email, EmailAddress.isValid(recipient) {
                linkInput["recipient_email"] = .string(recipient)
            }
            if linkInput["recipient_phone"] == nil, channel == .sms, Self.isE164(recipient) {
                linkInput["recipient_phone"] = .string(recipient)
            }
            link = RecipientLinkService.options(Input(linkInput, isForm: input.isForm), prefix: "token_options.", problems: &problems)
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return Request(
            channel: channel, recipient: recipient, recipientName: name.value, subject: channel == .email ? subject.value : nil,
            message: message.value, purpose: purpose, language: language, cc: cc, link: link, reminders: reminders)
    }

    /// The listed ids, each once: a JSON array of numbers (or, from a form, of digits in text).

    /// `+` and 8 to 15 digits, the first not zero.
    static func isE164(_ phone: String) -> Bool {
        guard phone.first == "+" else { return false }
        let digits = phone.dropFirst()
        return (8...15).contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) && digits.first != "0"
    }
}

/// The document has parties, each sent its own link: it is not sent to a single recipient (409 `DOCUMENT_HAS_PARTIES`).
public struct DocumentHasParties: Error, Sendable, Equatable {
    public let documentID: Int64
}

extension RenderedMessage {
    /// The same message with the sender's own subject (placeholders filled), when they typed one.
    func withSubject(_ subject: String?, values: MessageValues) -> RenderedMessage {
        guard let subject, html != nil else { return self }
        return RenderedMessage(subject: Placeholders.fill(subject, with: values), text: text, html: html)
    }
}
