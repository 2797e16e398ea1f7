import Foundation

/// SQL for the organizations and contacts a sync imports: found by the partner's id, else
/// adopted by email (a record staff made before the sync), else created.
struct CustomerRepository {
    let connection: SQLConnection

    /// A customer as documents take it.
    struct Party: Sendable, Equatable {
        var organizationID: Int64?
        var contactID: Int64?
        var email: String?
        var name: String?
        var company: String?
    }

    /// The parties the partner's customer ids already point to.
    func parties(source: ExternalSource, ids: [String]) async throws -> [String: Party] {
        guard !ids.isEmpty else { return [:] }
        let list = SQLList.placeholders(ids.count)
        var parties: [String: Party] = [:]
        for row in try await connection.query("""
            SELECT external_id, id, name, email FROM organizations WHERE external_source = ? AND external_id IN (\(list))
            """, [source.rawValue] + ids) {
            parties[try row.decode("external_id")] = Party(
                organizationID: try row.decode("id"), email: try row.decode("email"), company: try row.decode("name"))
        }
        for row in try await connection.query("""
            SELECT c.external_id, c.id, c.fullname, c.email, c.organization_id, o.name AS company
            FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
            WHERE c.external_source = ? AND c.external_id IN (\(list))
            """, [source.rawValue] + ids) {
            parties[try row.decode("external_id")] = Party(
                organizationID: try row.decode("organization_id"), contactID: try row.decode("id"), email: try row.decode("email"),
                name: try row.decode("fullname"), company: try row.decode("company"))
        }
        return parties
    }

    /// The organization or contact for a customer not known by its id yet.
    func adopt(_ customer: ImportedCustomer, source: ExternalSource) async throws -> Party {
        if customer.isCompany {
            var id: Int64? = nil
            if let email = customer.email {
                id = try await connection.queryFirst(
                    "SELECT id FROM organizations WHERE email = ? AND external_id IS NULL ORDER BY id LIMIT 1 FOR UPDATE", [email])?.decode("id")
            }
            if let id {
                try await connection.execute(
                    "UPDATE organizations SET external_source = ?, external_id = ? WHERE id = ?", [source.rawValue, customer.externalID, id])
            } else {
                id = try await connection.execute("""
                    INSERT INTO organizations (name, email, external_source, external_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                    """, [customer.name, customer.email, source.rawValue, customer.externalID]).lastInsertID
            }
            return Party(organizationID: id, email: customer.email, company: customer.name)
        }
        // A person without an email cannot be a contact: the document names them only.
        guard let email = customer.email else { return Party(name: customer.name) }
        if let row = try await connection.queryFirst("""
            SELECT c.id, c.fullname, c.organization_id, o.name AS company FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
            WHERE c.email = ? AND c.external_id IS NULL ORDER BY c.id LIMIT 1 FOR UPDATE
            """, [email]) {
            let id: Int64 = try row.decode("id")
            try await connection.execute(
                "UPDATE contacts SET external_source = ?, external_id = ? WHERE id = ?", [source.rawValue, customer.externalID, id])
            return Party(
                organizationID: try row.decode("organization_id"), contactID: id, email: email, name: try row.decode("fullname"),
                company: try row.decode("company"))
        }
        let id = try await connection.execute("""
            INSERT INTO contacts (email, fullname, external_source, external_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
            """, [email, customer.name, source.rawValue, customer.externalID]).lastInsertID
        return Party(contactID: id, email: email, name: customer.name)
    }
}
