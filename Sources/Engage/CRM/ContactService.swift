import Foundation

/// People: list, search, create, update, delete.
public struct ContactService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The fields a contact request may set: the profile fields and its organization.
    private static let allowedFields = Set(ProfileField.contact.map(\.name) + ["organization_id"])

    /// A contact with its newest documents.
    public struct Details: Sendable {
        public let contact: Contact
        public let documents: [Document]
    }

    /// A page of contacts by name, optionally narrowed by words of their name or email, or by organization.
    public func list(search: String?, organizationID: Int64? = nil, page: PageRequest) async throws -> Page<Contact> {
        try await database.read { tx in
            let conditions: [(String, any SQLBindable)] = organizationID.map { [("organization_id", $0)] } ?? []
            let found = try await tx.contacts.list(search: search, conditions: conditions, page: page)
            return Page(items: try found.rows.map(Self.contact), request: page, total: found.total)
        }
    }

    /// One contact.
    public func find(id: Int64) async throws -> Contact {
        try await database.read { try await Self.existing(id, $0.contacts) }
    }

    /// One contact with its newest documents.
    public func details(id: Int64) async throws -> Details {
        try await database.read { tx in
            let contact = try await Self.existing(id, tx.contacts)
            let documents = try await tx.documents
                .recent(contactID: id, limit: OrganizationService.recentDocumentsShown)
            return Details(contact: contact, documents: documents)
        }
    }

    /// Creates a contact; a full name (or first and last names) and an email are required.
    public func create(_ input: Input, by actor: Actor) async throws -> Contact {
        try actor.requireWrite()
        return try await database.write { tx in
            let (values, organizationID) = try await Self.read(input, over: nil, in: tx)
            let id = try await tx.contacts.insert(values: values, extra: [organizationID], createdBy: actor.userID)
            let created = try await Self.existing(id, tx.contacts)
            try await tx.announce(.contactCreated, created)
            return created
        }
    }

    /// Changes the fields `input` mentions; the others keep their value.
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> Contact {
        try actor.requireWrite()
        return try await database.write { tx in
            let current = try await Self.existing(id, tx.contacts)
            let (values, organizationID) = try await Self.read(input, over: current, in: tx)
            try await tx.contacts.update(id: id, values: values, extra: [organizationID])
            let updated = try await Self.existing(id, tx.contacts)
            try await tx.announce(.contactUpdated, updated)
            return updated
        }
    }

    /// Deletes a contact; their documents stay, without the link.
    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            let gone = try await Self.existing(id, tx.contacts)
            guard try await tx.contacts.delete(id: id) else { throw RecordNotFound("Contact", id: id) }
            try await tx.announce(.contactDeleted, gone)
        }
    }

    /// Every contact in id order, `batch` at a time (exports).
    public func forEachBatch(batch: Int = 1_000, _ body: ([Contact]) async throws -> Void) async throws {
        try await database.forEachBatch(
            fetch: { try await $0.contacts.batch(after: $1, limit: batch).map(Self.contact) }, id: \.id, body)
    }


    private static func read(
        _ input: Input, over current: Contact?, in tx: Transaction
    ) async throws -> (values: [String: String], organizationID: Int64?) {
        var reader = InputReader(input, allowed: allowedFields)
        var values = reader.profileValues(ProfileField.contact, required: ["email"], over: current?.fields ?? [:])
        if values["fullname"] == nil {
            let composed = [values["firstname"], values["lastname"]].compactMap { $0 }.joined(separator: " ")
            if composed.isEmpty {
                reader.report("fullname", .required, "Full name is required (or a first and a last name).")
            } else {
                values["fullname"] = String(composed.prefix(200))
            }
        }
        var organizationID = current?.organizationID
        switch reader.id("organization_id", label: "Organization") {
        case .absent: break
        case .null: organizationID = nil
        case .value(let id):
            organizationID = id
            if try await !tx.organizations.exists(id: id) {
                reader.report("organization_id", .notFound, "Organization \(id) does not exist.")
            }
        }
        try reader.finish()
        return (values, organizationID)
    }

    private static func existing(_ id: Int64, _ repository: ProfileRecordRepository) async throws -> Contact {
        guard let row = try await repository.find(id: id) else { throw RecordNotFound("Contact", id: id) }
        return try contact(row)
    }

    static func contact(_ row: SQLRow) throws -> Contact {
        Contact(
            id: try row.decode("id"),
            organizationID: try row.decode("organization_id"),
            organizationName: try row.decode("organization_name"),
            fields: try ProfileRecordRepository.Table.contacts.values(of: row),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
