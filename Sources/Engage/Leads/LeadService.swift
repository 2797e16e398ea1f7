import Foundation

/// The lead was converted already (and its contact still exists).
public struct LeadAlreadyConverted: Error, Sendable {
    public let leadID: Int64
    public let contactID: Int64
}

/// Leads: list, show with history, edit, delete, convert into a contact; custom fields; the
/// columns each user shows.
public struct LeadService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A lead with every sync that touched it, newest first.
    public struct Details: Sendable {
        public let lead: Lead
        public let history: [LeadSync]
    }

    /// Syncs shown on a lead's page at most.
    public static let historyShown = 200

    /// A page of leads.
    public func list(_ query: LeadQuery) async throws -> Page<Lead> {
        try await database.read { tx in
            let filters = try await Self.customFilters(query, in: tx)
            let found = try await tx.leads.list(query, customFilters: filters)
            return Page(items: found.leads, request: query.page, total: found.total)
        }
    }

    /// Every lead the query matches, in its order, a page at a time (exports).
    public func forEachBatch(_ query: LeadQuery, _ body: ([Lead]) async throws -> Void) async throws {
        try await database.read { tx in
            try await tx.leads.forEachBatch(query, customFilters: try await Self.customFilters(query, in: tx), body)
        }
    }

    public func find(id: Int64) async throws -> Lead {
        guard let lead = try await database.read({ try await $0.leads.find(id: id) }) else { throw RecordNotFound("Lead", id: id) }
        return lead
    }

    public func details(id: Int64) async throws -> Details {
        try await database.read { tx in
            guard let lead = try await tx.leads.find(id: id) else { throw RecordNotFound("Lead", id: id) }
            return Details(lead: lead, history: try await tx.leads.history(leadID: id, limit: Self.historyShown))
        }
    }

    /// Changes the fields `input` mentions at once (custom fields merge; null removes one).
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> Lead {
        try actor.requireWrite()
        return try await database.write { tx in
            guard let lead = try await tx.leads.find(id: id, forUpdate: true) else { throw RecordNotFound("Lead", id: id) }
            let changes = try await LeadChanges.edit(input, email: lead.email) { try await tx.leads.exists(email: $0, other: id) }
            try await LeadWriter(tx: tx, now: Date()).edit(lead, changes)
            return try await tx.leads.find(id: id)!
        }
    }

    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            guard try await tx.leads.delete(id: id) else { throw RecordNotFound("Lead", id: id) }
        }
    }

    /// Makes the lead a contact (the one of its email if there is one) working for the
    /// organization of its company (found by name, or created); the lead keeps links to both.
    public func convert(id: Int64, by actor: Actor) async throws -> Lead {
        try actor.requireWrite()
        return try await database.write { tx in
            guard let lead = try await tx.leads.find(id: id, forUpdate: true) else { throw RecordNotFound("Lead", id: id) }
            if let contactID = lead.contactID { throw LeadAlreadyConverted(leadID: id, contactID: contactID) }
            let now = Date()
            var organizationID: Int64?
            if let company = lead.field(.company) {
                organizationID = try await tx.organizations.firstID(where: "name", is: company)
                if organizationID == nil {
                    let created = try await tx.organizations.insert(values: ["name": company], extra: [], createdBy: actor.userID)
                    organizationID = created
                    try await tx.announce(.organizationCreated, try OrganizationService.organization(tx.organizations.find(id: created)!), at: now)
                }
            }
            var contactID = try await tx.contacts.firstID(where: "email", is: lead.email)
            if contactID == nil {
                let created = try await tx.contacts.insert(values: Self.contactValues(of: lead), extra: [organizationID], createdBy: actor.userID)
                contactID = created
                try await tx.announce(.contactCreated, try ContactService.contact(tx.contacts.find(id: created)!), at: now)
            }
            try await tx.leads.converted(id: id, contactID: contactID!, organizationID: organizationID, at: now)
            return try await tx.leads.find(id: id)!
        }
    }

    /// A contact's profile from a lead: names, email, phone; the full name falls back to the email.
    static func contactValues(of lead: Lead) -> [String: String] {
        var values: [String: String] = ["email": lead.email, "fullname": String(lead.displayName.prefix(200))]
        values["firstname"] = lead.field(.firstName)
        values["lastname"] = lead.field(.lastName)
        values["phone"] = lead.field(.phone)
        return values
    }

    /// Every custom field with its type and usage.
    public func fields() async throws -> [LeadCustomField] {
        try await database.read { try await $0.leads.allFields() }
    }

    /// The names of the custom fields `userID` chose to show as columns.
    public func columns(userID: Int64) async throws -> Set<String> {
        Set(try await database.read { try await $0.leads.columns(userID: userID) })
    }

    /// Remembers the columns `userID` shows; unknown names are refused.
    public func saveColumns(_ names: [String], userID: Int64) async throws {
        try await database.write { tx in
            let fields = LeadFieldDirectory(try await tx.leads.fields(named: names))
            let unknown = names.filter { fields[$0] == nil }
            if !unknown.isEmpty {
                throw ValidationError(fields: unknown.map { .init(field: "columns", code: .notFound, message: "No custom field is named \($0).") })
            }
            try await tx.leads.saveColumns(names.compactMap { fields[$0]?.name }, userID: userID)
        }
    }

    /// The query's custom filters by field id, each value in its field's canonical text; a field
    /// that does not exist is a problem to report.
    private static func customFilters(_ query: LeadQuery, in tx: Transaction) async throws -> [(fieldID: Int64, value: String)] {
        guard !query.custom.isEmpty else { return [] }
        let fields = LeadFieldDirectory(try await tx.leads.fields(named: Array(query.custom.keys)))
        var problems: [ValidationError.FieldError] = []
        var filters: [(fieldID: Int64, value: String)] = []
        for (name, value) in query.custom.sorted(by: { $0.key < $1.key }) {
            guard let field = fields[name] else {
                problems.append(.init(field: LeadQuery.customPrefix + name, code: .notFound, message: "No custom field is named \(name)."))
                continue
            }
            filters.append((field.id, field.type.canonical(.string(value)).text))
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return filters
    }
}

extension LeadWriter {
    /// Applies an edit to one lead at once.
    func edit(_ lead: Lead, _ changes: LeadChanges) async throws {
        let directory = try await fields(for: [changes])
        let before = Self.state(of: lead)
        var state = before
        _ = LeadMerge.apply(changes, to: &state, directory: directory)
        guard state != before else { return }
        try await tx.leads.update([(lead.id, state)], at: now)
        try await writeValues([state.email: state], before: [state.email: before], ids: [state.email: lead.id])
    }
}
