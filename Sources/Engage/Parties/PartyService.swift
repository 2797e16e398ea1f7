import Foundation

/// A document's parties: listed, added, changed, removed or replaced as a whole, while none has
/// completed. Each is checked whole (every problem at once); names and emails are unique within
/// the document. A party removed, or given another role or address, loses its link at once (the
/// next send makes a new one).
public struct PartyService: Sendable {
    let database: Database

    /// The most parties a document may have.
    public static let maximumParties = 50

    public init(database: Database) {
        self.database = database
    }

    /// The parties of a live document, in step order.
    public func list(documentID: Int64) async throws -> [DocumentParty] {
        try await database.read { tx in
            try await tx.documents.requireLive(id: documentID)
            return try await tx.parties.all(documentID: documentID)
        }
    }

    /// Adds one party (`name`, `email`, `phone`, `role`, `order`).
    public func add(documentID: Int64, _ input: Input, by actor: Actor, now: Date = Date()) async throws -> DocumentParty {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: Self.fields)
        let fields = Self.fields(&reader)
        try reader.finish()
        return try await editing(documentID) { tx, parties in
            try Self.checkUnique(parties.map(Self.fields) + [fields!])
            let id = try await tx.parties.insert(fields!, documentID: documentID, at: now)
            return try await tx.parties.all(documentID: documentID).first { $0.id == id }!
        }
    }

    /// Changes the party named by `party` (its id, email or name); fields left out keep their value.
    public func update(documentID: Int64, party: String, _ input: Input, by actor: Actor, now: Date = Date()) async throws -> DocumentParty {
        try actor.requireWrite()
        return try await editing(documentID) { tx, parties in
            let found = try Self.find(party, in: parties)
            // The stored values in the form of the request's own, so that a form's digits read as they were typed.
            var merged = Input([
                "name": .string(found.name), "role": .string(found.role.rawValue),
                "order": input.isForm ? .string(String(found.step)) : .number(Decimal(found.step)),
            ], isForm: input.isForm)
            if let email = found.email { merged.values["email"] = .string(email) }
            if let phone = found.phone { merged.values["phone"] = .string(phone) }
            if let verify = found.verify { merged.values["verify"] = .string(verify.rawValue) }
            for (key, value) in input.values { merged.values[key] = value }
            var reader = InputReader(merged, allowed: Self.fields)
            let fields = Self.fields(&reader)
            try reader.finish()
            try Self.checkUnique(parties.filter { $0.id != found.id }.map(Self.fields) + [fields!])
            try await tx.parties.update(id: found.id, fields!, at: now)
            if found.role != fields!.role || found.email != fields!.email || found.phone != fields!.phone || found.verify != fields!.verify {
                try await Self.revokeLinks(of: [found], by: actor, in: tx)
            }
            return try await tx.parties.all(documentID: documentID).first { $0.id == found.id }!
        }
    }

    /// Removes the party named by `party`.
    public func remove(documentID: Int64, party: String, by actor: Actor) async throws {
        try actor.requireWrite()
        try await editing(documentID) { tx, parties in
            let found = try Self.find(party, in: parties)
            try await Self.revokeLinks(of: [found], by: actor, in: tx)
            try await tx.parties.delete(id: found.id)
        }
    }

    /// Replaces every party with `parties` (an empty list: none, the single implicit recipient again).
    public func replace(documentID: Int64, _ input: Input, by actor: Actor, now: Date = Date()) async throws -> [DocumentParty] {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["parties"])
        var list: [PartyRepository.Fields] = []
        switch input.values["parties"] {
        case .array(let items)? where items.count <= Self.maximumParties:
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    reader.report("parties[\(index)]", .invalidFormat, "Each party is an object.")
                    continue
                }
                var itemReader = InputReader(Input(object), allowed: Self.fields)
                if let fields = Self.fields(&itemReader) { list.append(fields) }
                for problem in itemReader.allProblems {
                    reader.report("parties[\(index)].\(problem.field)", problem.code, problem.message)
                }
            }
        case .array?: reader.report("parties", .tooLong, "At most \(Self.maximumParties) parties.")
        default: reader.report("parties", .required, "parties must be a list of parties (empty for none).")
        }
        try reader.finish()
        return try await editing(documentID) { tx, parties in
            try Self.checkUnique(list)
            try await Self.revokeLinks(of: parties, by: actor, in: tx)
            try await tx.parties.deleteAll(documentID: documentID)
            for fields in list { _ = try await tx.parties.insert(fields, documentID: documentID, at: now) }
            return try await tx.parties.all(documentID: documentID)
        }
    }

    private static let fields: Set<String> = ["name", "email", "phone", "verify", "role", "order"]

    /// A party's fields, nil when any is refused (reported to `reader`).
    private static func fields(_ reader: inout InputReader) -> PartyRepository.Fields? {
        let name = reader.text("name", label: "Name", required: true, min: 1, max: 255)
        let email = reader.email("email", label: "Email")
        let phone = reader.phone("phone", label: "Phone")
        let role = reader.choice("role", label: "Role", as: DocumentParty.Role.self, required: true)
        let step = reader.integer("order", label: "Order", in: 1...100)
        let verify = RecipientLinkService.verification(&reader, email: email.value, phone: phone.value, contact: ("email", "phone"))
        if let role = role.value, role != .viewer, email.value == nil, phone.value == nil {
            reader.report("email", .required, "\(role == .approver ? "An" : "A") \(role.rawValue) needs an email or a phone to be sent their link.")
        }
        guard let name = name.value, let role = role.value, reader.allProblems.isEmpty else { return nil }
        return PartyRepository.Fields(name: name, email: email.value, phone: phone.value, verify: verify, role: role, step: step.value ?? 1)
    }

    private static func fields(_ party: DocumentParty) -> PartyRepository.Fields {
        PartyRepository.Fields(name: party.name, email: party.email, phone: party.phone, verify: party.verify, role: party.role, step: party.step)
    }

    /// Refuses two parties with the same name or email (case and surrounding spaces ignored), and too many.
    private static func checkUnique(_ list: [PartyRepository.Fields]) throws {
        var problems: [ValidationError.FieldError] = []
        if list.count > maximumParties {
            problems.append(.init(field: "parties", code: .tooLong, message: "At most \(maximumParties) parties."))
        }
        let names = list.map { $0.name.lowercased() }
        if Set(names).count != names.count {
            problems.append(.init(field: "name", code: .duplicate, message: "Each party needs a name of its own within the document."))
        }
        let emails = list.compactMap { $0.email?.lowercased() }
        if Set(emails).count != emails.count {
            problems.append(.init(field: "email", code: .duplicate, message: "Each party needs an email of its own within the document."))
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
    }

    /// The party `key` names: its id, else its email, else its name (case ignored).
    public static func find(_ key: String, in parties: [DocumentParty]) throws -> DocumentParty {
        let wanted = key.trimmingCharacters(in: .whitespaces).lowercased()
        if let id = Int64(wanted), let party = parties.first(where: { $0.id == id }) { return party }
        if let party = parties.first(where: { $0.email?.lowercased() == wanted }) ?? parties.first(where: { $0.name.lowercased() == wanted }) {
            return party
        }
        throw PartyNotFound(party: key)
    }

    /// Revokes the links of parties that go or change, recording each revocation; such a party
    /// waits again to be sent its (new) link.
    private static func revokeLinks(of gone: [DocumentParty], by actor: Actor, in tx: Transaction) async throws {
        let linked = gone.filter { $0.linkID != nil }
        guard let first = linked.first, let locked = try await tx.documents.lockLive(id: first.documentID) else { return }
        var changes = DocumentChanges(locked)
        for party in linked {
            for id in try await tx.links.revoke(partyID: party.id, by: actor.userID) {
                try changes.apply(.linkRevoked, linkID: id, userID: actor.userID)
            }
            try await tx.parties.forgetLink(id: party.id)
        }
        try await changes.write(in: tx)
    }

    /// Runs `body` on a live document's parties, locked with the document, while none has completed.
    @discardableResult
    private func editing<T>(_ documentID: Int64, _ body: (Transaction, [DocumentParty]) async throws -> T) async throws -> T {
        try await database.write { tx in
            guard try await tx.documents.lockLive(id: documentID) != nil else { throw RecordNotFound("Document", id: documentID) }
            let parties = try await tx.parties.all(documentID: documentID)
            if parties.contains(where: { $0.status == .completed }) { throw PartiesLocked() }
            return try await body(tx, parties)
        }
    }
}
