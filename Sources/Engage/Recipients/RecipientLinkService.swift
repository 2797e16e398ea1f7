import Foundation

/// Creating, listing and revoking recipients' links to a document.
public struct RecipientLinkService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let fields: Set<String> = [
        "allowed_actions", "expires_in_days", "max_uses", "recipient_email", "recipient_phone", "verify", "prefill_data", "restricted_ips",
    ]
    /// Links last this long unless the request says otherwise (`null` for never).
    static let defaultLifetimeDays = 30
    static let defaultActions: [RecipientAction] = [.view, .download]

    /// What a link sent with a document allows unless the send says otherwise: its own link actions
    /// (from a template), else a quote or an approval is there to be decided on, an invoice to be read and paid.
    public static func defaultSendActions(for document: Document?) -> [RecipientAction] {
        if let actions = document?.linkActions { return actions }
        return document?.documentType == .pennylaneInvoice ? [.view, .download] : [.view, .download, .accept, .sign, .decline]
    }

    /// What a new link allows, read and checked.
    struct LinkOptions: Sendable {
        var actions: [RecipientAction]
        /// Nil for a link that never expires.
        var expiresAt: Date?
        var maxUses: Int?
        var recipientEmail: String?
        /// The code check before a decision, and the phone an SMS code goes to.
        var verify: VerificationChannel? = nil
        var recipientPhone: String? = nil
        var prefill: [String: JSONValue]?
        var networks: [IPNetwork]
        /// The party the link acts for, if any.
        var partyID: Int64? = nil
    }

    /// The options of an existing link, for a new link that replaces it (a reminder, a retried message).
    static func options(copying link: RecipientLink) -> LinkOptions {
        LinkOptions(
            actions: link.allowedActions, expiresAt: link.expiresAt, maxUses: link.maxUses, recipientEmail: link.recipientEmail,
            verify: link.verify, recipientPhone: link.recipientPhone, prefill: link.prefillData, networks: link.restrictedIPs.compactMap(IPNetwork.init), partyID: link.partyID)
    }

    /// The end of a link made now that lives `days` days.
    static func expiry(inDays days: Int) -> Date {
        Date().addingTimeInterval(Double(days) * 86_400)
    }

    /// Reads link options from `input`, reporting every problem to `problems` with its field name after `prefix`.
    static func options(_ input: Input, prefix: String = "", problems: inout [ValidationError.FieldError]) -> LinkOptions {
        var reader = InputReader(input, allowed: fields)
        let actions = actions(&reader)
        let lifetime = reader.integer("expires_in_days", label: "Expiry in days", in: 1...3650)
        let maxUses = reader.integer("max_uses", label: "Maximum uses", in: 1...1_000_000)
        let email = reader.email("recipient_email", label: "Recipient email")
        let phone = reader.phone("recipient_phone", label: "Recipient phone")
        let verify = verification(&reader, email: email.value, phone: phone.value)
        let prefill = reader.object("prefill_data", label: "Prefill data")
        let networks = networks(&reader)
        problems += reader.allProblems.map { .init(field: prefix + $0.field, code: $0.code, message: $0.message) }
        let days: Int? = switch lifetime {
        case .absent: defaultLifetimeDays
        case .null: nil
        case .value(let days): days
        }
        return LinkOptions(
            actions: actions, expiresAt: days.map(expiry(inDays:)), maxUses: maxUses.value, recipientEmail: email.value, verify: verify,
            recipientPhone: phone.value, prefill: prefill.value, networks: networks)
    }

    /// Creates a link to a live document; the returned secret is the only time it exists in clear.
    /// Every problem is reported at once.
    public func create(documentID: Int64, _ input: Input, by actor: Actor, from client: ClientInfo) async throws -> (secret: String, link: RecipientLink) {
        try actor.requireWrite()
        var problems: [ValidationError.FieldError] = []
        let options = Self.options(input, problems: &problems)
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: documentID) else { throw RecordNotFound("Document", id: documentID) }
            var changes = DocumentChanges(locked)
            let created = try await Self.insert(options, into: &changes, by: actor, from: client, in: tx)
            try await changes.write(in: tx)
            return created
        }
    }

    /// Inserts a link into the caller's unit of work, which locked its document, and keeps its
    /// `token_created` event in `changes`.
    static func insert(
        _ options: LinkOptions, into changes: inout DocumentChanges, by actor: Actor, from client: ClientInfo, in tx: Transaction
    ) async throws -> (secret: String, link: RecipientLink) {
        let (secret, hash) = SecretToken.generate(prefix: "")
        let documentID = changes.document.id
        let id = try await tx.links.insert(.init(
            documentID: documentID, partyID: options.partyID, hash: hash, prefix: String(secret.prefix(8)), allowedActions: options.actions,
            expiresAt: options.expiresAt, maxUses: options.maxUses, recipientEmail: options.recipientEmail,
            verify: options.verify, recipientPhone: options.recipientPhone, prefillData: options.prefill, restrictedIPs: options.networks.map(\.description),
            createdBy: actor.userID))
        try changes.apply(
            .linkCreated, linkID: id, userID: actor.userID, client: client,
            details: ["allowed_actions": .array(options.actions.map { .string($0.rawValue) })])
        guard let link = try await tx.links.find(id: id, documentID: documentID) else { throw RecordNotFound("Link", id: id) }
        try await tx.announce(.linkCreated, link)
        return (secret, link)
    }

    /// Every link of a live document, newest first.
    public func list(documentID: Int64) async throws -> [RecipientLink] {
        try await database.read { tx in
            try await tx.documents.requireLive(id: documentID)
            return try await tx.links.all(documentID: documentID)
        }
    }

    /// Revokes a link at once; revoking it again changes nothing.
    public func revoke(documentID: Int64, linkID: Int64, by actor: Actor, from client: ClientInfo) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            // The document first, as every writer locks it before its links.
            guard let locked = try await tx.documents.lockLive(id: documentID),
                  try await tx.links.find(id: linkID, documentID: documentID) != nil
            else { throw RecordNotFound("Link", id: linkID) }
            if try await tx.links.revoke(id: linkID, by: actor.userID) {
                var changes = DocumentChanges(locked)
                try changes.apply(.linkRevoked, linkID: linkID, userID: actor.userID, client: client)
                try await changes.write(in: tx)
                if let revoked = try await tx.links.find(id: linkID, documentID: documentID) { try await tx.announce(.linkRevoked, revoked) }
            }
        }
    }

    private static func actions(_ reader: inout InputReader) -> [RecipientAction] {
        actions(&reader, field: "allowed_actions", label: "Allowed actions").value ?? defaultActions
    }

    /// Actions named in `field`, in the canonical order, each once; none is refused, and so is null
    /// unless `nullMeansDefault` (a document's or template's link actions: back to the type's default).
    static func actions(_ reader: inout InputReader, field: String, label: String, nullMeansDefault: Bool = false) -> Provided<[RecipientAction]> {
        let names: [String]
        switch reader.strings(field, label: label, maxCount: 6) {
        case .absent: return .absent
        case .null where nullMeansDefault: return .null
        case .null: names = []
        case .value(let given): names = given
        }
        let unknown = names.filter { RecipientAction(rawValue: $0) == nil }
        if !unknown.isEmpty {
            let choices = RecipientAction.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report(field, .invalidValue, "\(label) must be among: \(choices); not \(unknown.joined(separator: ", ")).")
        } else if names.isEmpty {
            reader.report(field, .required, "Allow at least one action.")
        }
        return .value(RecipientAction.allCases.filter { names.contains($0.rawValue) })
    }

    /// `verify`: none (the default), or the channel of a code, which needs its address on the link.
    /// `contact` names the fields that hold the email and the phone (a party's own are `email` and `phone`).
    static func verification(
        _ reader: inout InputReader, email: String?, phone: String?, contact: (email: String, phone: String) = ("recipient_email", "recipient_phone")
    ) -> VerificationChannel? {
        let choice = reader.text("verify", label: "Identity check", max: 10).value ?? "none"
        if choice == "none" { return nil }
        guard let channel = VerificationChannel(rawValue: choice) else {
            reader.report("verify", .invalidValue, "Identity check must be none, email or sms; not \(choice).")
            return nil
        }
        if channel == .email, email == nil, !reader.hasProblem(contact.email) {
            reader.report(contact.email, .required, "An email is required to send a code by email.")
        }
        if channel == .sms, phone == nil, !reader.hasProblem(contact.phone) {
            reader.report(contact.phone, .required, "A phone (E.164, such as +33612345678) is required to send a code by SMS.")
        }
        return channel
    }

    private static func networks(_ reader: inout InputReader) -> [IPNetwork] {
        guard let blocks = reader.strings("restricted_ips", label: "Restricted IPs", maxCount: 50).value else { return [] }
        let invalid = blocks.filter { IPNetwork($0) == nil }
        if !invalid.isEmpty {
            reader.report(
                "restricted_ips", .invalidFormat,
                "Restricted IPs must be addresses or CIDR blocks such as 192.168.1.0/24 or 2001:db8::/32; not \(invalid.joined(separator: ", ")).")
        }
        return blocks.compactMap(IPNetwork.init)
    }
}
