import Foundation

/// Companies: list, search, create, update, delete, and a company's people and documents.
public struct OrganizationService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A company with its contacts and newest documents.
    public struct Details: Sendable {
        public let organization: Organization
        public let contacts: [Contact]
        public let documents: [Document]
    }

    /// The documents shown on a company's page; the documents list filtered by company shows all.
    public static let recentDocumentsShown = 50

    /// A page of companies by name, optionally narrowed by words of their name, city or email.
    public func list(search: String?, page: PageRequest) async throws -> Page<Organization> {
        try await database.read { tx in
            let found = try await tx.organizations.list(search: search, conditions: [], page: page)
            return Page(items: try found.rows.map(Self.organization), request: page, total: found.total)
        }
    }

    /// One company.
    public func find(id: Int64) async throws -> Organization {
        try await database.read { try await Self.existing(id, $0.organizations) }
    }

    /// One company with its contacts and newest documents.
    public func details(id: Int64) async throws -> Details {
        try await database.read { tx in
            let organization = try await Self.existing(id, tx.organizations)
            let contacts = try await tx.contacts
                .list(search: nil, conditions: [("organization_id", id)], page: PageRequest(perPage: PageRequest.maximumSize))
            let documents = try await tx.documents.recent(organizationID: id, limit: Self.recentDocumentsShown)
            return Details(organization: organization, contacts: try contacts.rows.map(ContactService.contact), documents: documents)
        }
    }

    /// Creates a company; `name` is required, emails and web addresses are checked.
    public func create(_ input: Input, by actor: Actor) async throws -> Organization {
        try actor.requireWrite()
        let values = try Self.read(input, over: [:])
        return try await database.write { tx in
            let id = try await tx.organizations.insert(values: values, extra: [], createdBy: actor.userID)
            let created = try await Self.existing(id, tx.organizations)
            try await tx.announce(.organizationCreated, created)
            return created
        }
    }

    /// Changes the fields `input` mentions; the others keep their value.
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> Organization {
        try actor.requireWrite()
        return try await database.write { tx in
            let current = try await Self.existing(id, tx.organizations)
            let values = try Self.read(input, over: current.fields)
            try await tx.organizations.update(id: id, values: values, extra: [])
            let updated = try await Self.existing(id, tx.organizations)
            try await tx.announce(.organizationUpdated, updated)
            return updated
        }
    }

    /// Deletes a company; its contacts and documents stay, without it.
    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            let gone = try await Self.existing(id, tx.organizations)
            guard try await tx.organizations.delete(id: id) else { throw RecordNotFound("Organization", id: id) }
            try await tx.announce(.organizationDeleted, gone)
        }
    }

    /// Every company in id order, `batch` at a time (exports).
    public func forEachBatch(batch: Int = 1_000, _ body: ([Organization]) async throws -> Void) async throws {
        try await database.forEachBatch(
            fetch: { try await $0.organizations.batch(after: $1, limit: batch).map(Self.organization) }, id: \.id, body)
    }


    private static func read(_ input: Input, over current: [String: String]) throws -> [String: String] {
        var reader = InputReader(input, allowed: Set(ProfileField.organization.map(\.name)))
        let values = reader.profileValues(ProfileField.organization, required: ["name"], over: current)
        try reader.finish()
        return values
    }

    private static func existing(_ id: Int64, _ repository: ProfileRecordRepository) async throws -> Organization {
        guard let row = try await repository.find(id: id) else { throw RecordNotFound("Organization", id: id) }
        return try organization(row)
    }

    static func organization(_ row: SQLRow) throws -> Organization {
        Organization(
            id: try row.decode("id"),
            fields: try ProfileRecordRepository.Table.organizations.values(of: row),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

extension ProfileRecordRepository.Table {
    /// The profile field values of a row that are set.
    func values(of row: SQLRow) throws -> [String: String] {
        var values: [String: String] = [:]
        for field in fields {
            if let value: String = try row.decode(field.name) { values[field.name] = value }
        }
        return values
    }
}

extension InputReader {
    /// Reads `fields` over `current` values: absent fields keep theirs, null clears, text replaces.
    /// A field in `required` must end up with a value, whether given now or before.
    mutating func profileValues(_ fields: [ProfileField], required: Set<String>, over current: [String: String]) -> [String: String] {
        var values = current
        for field in fields {
            let mustHave = required.contains(field.name) && (contains(field.name) || current[field.name] == nil)
            switch profile(field, required: mustHave) {
            case .absent: break
            case .null: values[field.name] = nil
            case .value(let text): values[field.name] = text
            }
        }
        return values
    }
}
