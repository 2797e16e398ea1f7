import Foundation

/// Staff's side of a document's parties once they are set: send the document to them (each gets
/// its own link; those whose turn has come are notified), see where each stands, notify them
/// again, and hand a party to someone else. Every change is one transaction with its messages.
public struct PartyFlowService: Sendable {
    let database: Database
    let sender: SendService

    public init(database: Database, sender: SendService) {
        self.database = database
        self.sender = sender
    }

    /// One party and what was just done for it.
    public struct Dispatch: Sendable, JSONWritable {
        public let party: DocumentParty
        /// The party's new link, shown this once.
        public let url: String?
        /// The message queued to it, if one was.
        public let messageID: Int64?
        /// For a transfer: false when there was nothing to transfer (same email, or the party not active).
        public var transferred: Bool? = nil

        public func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("party"); party.writeJSON(&w)
            w.key("url"); w.value(url)
            w.key("message_id"); w.value(messageID)
            if let transferred { w.key("transferred"); w.value(transferred) }
            w.endObject()
        }
    }

    /// A document and where each of its parties stands (eSignForms' GetStatus).
    public struct Status: Sendable, JSONWritable {
        public let document: Document
        /// The step being waited for; nil once every signer and approver completed.
        public let currentStep: Int?
        public let parties: [DocumentParty]

        public func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("document_id"); w.value(document.id)
            w.key("document_number"); w.value(document.documentNumber)
            w.key("status"); w.value(document.status.rawValue)
            w.key("updated_at"); w.value(document.updatedAt)
            w.key("current_step"); w.value(currentStep)
            w.key("parties")
            w.beginArray()
            for party in parties { party.writeJSON(&w) }
            w.endArray()
            w.endObject()
        }
    }

    static let wordingFields: Set<String> = ["subject", "message", "template", "language"]

    /// Sends the document to its parties: each gets its own link (made now if it has none), and
    /// those whose turn has come are notified. Sending again notifies only parties added since.
    public func start(documentID: Int64, _ input: Input, by actor: Actor, from client: ClientInfo) async throws -> [Dispatch] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: Self.wordingFields)
        let wording = Self.wording(&reader)
        try reader.finish()
        return try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: documentID) else { throw RecordNotFound("Document", id: documentID) }
            var parties = try await tx.parties.all(documentID: documentID)
            if parties.isEmpty {
                throw ValidationError(fields: [.init(
                    field: "parties", code: .required, message: "This document has no parties: add them first, or send it to its recipient.")])
            }
            var changes = DocumentChanges(locked)
            var secrets: [Int64: String] = [:]
            for index in parties.indices {
                secrets[parties[index].id] = try await sender.ensureLink(for: &parties[index], into: &changes, by: actor, from: client, in: tx)
            }
            try await changes.write(in: tx)
            var flow = PartyFlow(parties)
            var messages: [Int64: Int64] = [:]
            for party in flow.due where party.address != nil {
                messages[party.id] = try await sender.notify(party, wording: wording, by: actor, from: client, in: tx).message.id
                flow.notified(party.id, at: Date())
            }
            var dispatches: [Dispatch] = []
            for party in flow.parties {
                // Only what changed is written: a new link, or a notification.
                if secrets[party.id] != nil || flow.changed.contains(party.id) { try await tx.parties.save(party) }
                dispatches.append(Dispatch(party: party, url: secrets[party.id].map(sender.links.page), messageID: messages[party.id]))
            }
            return dispatches
        }
    }

    /// The document's status and each party's (`?party=`: only the one with this id, email or name).
    public func status(documentID: Int64, parameters: [String: String]) async throws -> Status {
        var query = QueryReader(parameters)
        query.refuseOthers(than: ["party"])
        let key = query.value("party")
        try query.finish()
        return try await database.read { tx in
            let document = try await tx.documents.requireLive(id: documentID)
            let flow = PartyFlow(try await tx.parties.all(documentID: documentID))
            let parties = try key.map { [try PartyService.find($0, in: flow.parties)] } ?? flow.parties
            return Status(document: document, currentStep: flow.currentStep, parties: parties)
        }
    }

    /// Sends the party named by `key` its link again; without `key`, every party notified and not
    /// yet completed. A named party must be reachable and told already (active, or completed since).
    public func renotify(documentID: Int64, party key: String?, _ input: Input, by actor: Actor, from client: ClientInfo) async throws -> [Dispatch] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: Self.wordingFields)
        let wording = Self.wording(&reader)
        try reader.finish()
        return try await database.write { tx in
            guard try await tx.documents.lockLive(id: documentID) != nil else { throw RecordNotFound("Document", id: documentID) }
            let parties = try await tx.parties.all(documentID: documentID)
            let targets: [DocumentParty]
            if let key {
                let party = try PartyService.find(key, in: parties)
                guard party.address != nil else { throw PartyUnreachable(party: party.name) }
                guard party.isActive || party.status == .completed else { throw PartyNotActive(party: party.name, status: party.status) }
                targets = [party]
            } else {
                targets = parties.filter { $0.isActive && $0.address != nil }
            }
            var dispatches: [Dispatch] = []
            for var party in targets {
                let secret = try await renewLinkIfGone(&party, by: actor, from: client, in: tx)
                let message = try await sender.notify(party, wording: wording, by: actor, from: client, in: tx).message
                party.notifiedAt = Date()
                try await tx.parties.save(party)
                dispatches.append(Dispatch(party: party, url: secret.map(sender.links.page), messageID: message.id))
            }
            return dispatches
        }
    }

    /// Hands the party named by `key` to someone else (`email`, and `name` if it changes): its link
    /// is revoked at once, a new one is made and sent. Nothing happens, and no error is raised, when
    /// the email is the party's own or the party is not active (notified or viewed).
    public func transfer(documentID: Int64, party key: String, _ input: Input, by actor: Actor, from client: ClientInfo) async throws -> Dispatch {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["email", "name"])
        let email = reader.email("email", label: "Email", required: true)
        let name = reader.text("name", label: "Name", min: 1, max: 255)
        try reader.finish()
        return try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: documentID) else { throw RecordNotFound("Document", id: documentID) }
            let parties = try await tx.parties.all(documentID: documentID)
            var party = try PartyService.find(key, in: parties)
            let newEmail = email.value!
            guard party.email?.lowercased() != newEmail.lowercased(), party.isActive else {
                return Dispatch(party: party, url: nil, messageID: nil, transferred: false)
            }
            var problems: [ValidationError.FieldError] = []
            if parties.contains(where: { $0.id != party.id && $0.email?.lowercased() == newEmail.lowercased() }) {
                problems.append(.init(field: "email", code: .duplicate, message: "Another party of this document has this email."))
            }
            if let newName = name.value, parties.contains(where: { $0.id != party.id && $0.name.lowercased() == newName.lowercased() }) {
                problems.append(.init(field: "name", code: .duplicate, message: "Another party of this document has this name."))
            }
            if !problems.isEmpty { throw ValidationError(fields: problems) }

            var changes = DocumentChanges(locked)
            for id in try await tx.links.revoke(partyID: party.id, by: actor.userID) {
                try changes.apply(.linkRevoked, linkID: id, userID: actor.userID, client: client)
            }
            try changes.apply(.partyTransferred, userID: actor.userID, client: client, details: [
                "party_id": .number(Decimal(party.id)), "from": party.email.map(JSONValue.string) ?? .null, "to": .string(newEmail),
            ])
            party.email = newEmail
            if let newName = name.value { party.name = newName }
            party.linkID = nil
            party.sealedLinkSecret = nil
            let secret = try await sender.ensureLink(for: &party, into: &changes, by: actor, from: client, in: tx)
            try await changes.write(in: tx)
            let message = try await sender.notify(party, by: actor, from: client, in: tx).message
            if party.status == .pending { party.status = .notified }
            party.notifiedAt = Date()
            party.updatedAt = Date()
            try await tx.parties.save(party)
            return Dispatch(party: party, url: secret.map(sender.links.page), messageID: message.id, transferred: true)
        }
    }

    /// A new link for a party whose own was revoked or lost (a party from before links were made).
    private func renewLinkIfGone(_ party: inout DocumentParty, by actor: Actor, from client: ClientInfo, in tx: Transaction) async throws -> String? {
        guard let locked = try await tx.documents.lockLive(id: party.documentID) else { throw RecordNotFound("Document", id: party.documentID) }
        var changes = DocumentChanges(locked)
        let secret = try await sender.ensureLink(for: &party, into: &changes, by: actor, from: client, in: tx)
        try await changes.write(in: tx)
        return secret
    }

    private static func wording(_ reader: inout InputReader) -> SendService.PartyWording {
        SendService.PartyWording(
            purpose: reader.choice("template", label: "Template", among: MessagePurpose.sendable).value,
            language: reader.choice("language", label: "Language", as: Language.self).value,
            subject: reader.text("subject", label: "Subject", max: 200).value,
            message: reader.text("message", label: "Message", max: 5_000).value)
    }
}

/// The party cannot be notified now: its turn has not come, or it declined (409 `PARTY_NOT_ACTIVE`).
public struct PartyNotActive: Error, Sendable, Equatable {
    public let party: String
    public let status: DocumentParty.Status
}
