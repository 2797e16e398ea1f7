import Foundation

/// The SQL shared by organizations and contacts: their `ProfileField` columns are written and read
/// alike, so one repository serves both tables.
struct ProfileRecordRepository {
    /// A table and the profile fields it holds; names come from code, never from input.
    struct Table: Sendable {
        let name: String
        let fields: [ProfileField]
        /// Columns beyond the profile fields that inserts and updates also write.
        let extraColumns: [String]
        /// The SELECT list and FROM clause of one record with everything a `Row` needs.
        let select: String
        /// Column order of lists.
        let orderBy: String
        /// The full-text index's columns, and the columns searched with LIKE for short words.
        let fullText: String
        let likeColumns: [String]
    }

    let connection: SQLConnection
    let table: Table

    /// Inserts a record; `values` holds profile fields by name, `extra` the extra columns in order.
    func insert(values: [String: String], extra: [any SQLBindable], createdBy: Int64?) async throws -> Int64 {
        let columns = table.fields.map(\.name) + table.extraColumns + ["created_by", "created_at", "updated_at"]
        let placeholders = Array(repeating: "?", count: columns.count - 2) + ["UTC_TIMESTAMP(6)", "UTC_TIMESTAMP(6)"]
        let binds: [any SQLBindable] = table.fields.map { values[$0.name] } + extra + [createdBy]
        let result = try await connection.execute(
            "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))",
            binds)
        return Int64(result.lastInsertID)
    }

    /// Rewrites every profile field and extra column of a record.
    func update(id: Int64, values: [String: String], extra: [any SQLBindable]) async throws {
        let assignments = (table.fields.map(\.name) + table.extraColumns).map { "\($0) = ?" }
        let binds: [any SQLBindable] = table.fields.map { values[$0.name] } + extra + [id]
        try await connection.execute(
            "UPDATE \(table.name) SET \(assignments.joined(separator: ", ")), updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
            binds)
    }

    /// Deletes a record; false when there was none.
    func delete(id: Int64) async throws -> Bool {
        try await connection.execute("DELETE FROM \(table.name) WHERE id = ?", [id]).affectedRows == 1
    }

    /// True when a record with this id exists.
    func exists(id: Int64) async throws -> Bool {
        try await connection.queryFirst("SELECT 1 AS found FROM \(table.name) WHERE id = ?", [id]) != nil
    }

    /// The oldest record whose `column` (a name from code) equals `value`, ignoring case.
    func firstID(where column: StaticString, is value: String) async throws -> Int64? {
        try await connection.queryFirst("SELECT id FROM \(table.name) WHERE \(column) = ? ORDER BY id LIMIT 1", [value])?.decode("id")
    }

    /// The row of one record.
    func find(id: Int64) async throws -> SQLRow? {
        try await connection.queryFirst("\(table.select) WHERE \(table.name).id = ?", [id])
    }

    /// A page of records, optionally narrowed by a search and extra `column = ?` conditions.
    func list(search: String?, conditions: [(String, any SQLBindable)], page: PageRequest) async throws -> (rows: [SQLRow], total: Int) {
        var clauses = conditions.map { "\(table.name).\($0.0) = ?" }
        var binds = conditions.map(\.1)
        if let search {
            if let words = SearchText.fullTextQuery(search) {
                clauses.append("MATCH (\(table.fullText)) AGAINST (? IN BOOLEAN MODE)")
                binds.append(words)
            } else {
                clauses.append("(" + table.likeColumns.map { "\(table.name).\($0) LIKE ?" }.joined(separator: " OR ") + ")")
                binds.append(contentsOf: Array(repeating: SearchText.containsPattern(search), count: table.likeColumns.count))
            }
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let rows = try await connection.query(
            "\(table.select) \(filter) ORDER BY \(table.orderBy) LIMIT ? OFFSET ?", binds + [page.perPage, page.offset])
        let total: Int = try await connection.queryFirst(
            "SELECT COUNT(*) AS total FROM \(table.name) \(filter)", binds)?.decode("total") ?? 0
        return (rows, total)
    }

    /// Up to `limit` records with an id above `after`, in id order (exports).
    func batch(after: Int64, limit: Int) async throws -> [SQLRow] {
        try await connection.query(
            "\(table.select) WHERE \(table.name).id > ? ORDER BY \(table.name).id LIMIT ?", [after, limit])
    }
}

extension ProfileRecordRepository.Table {
    /// The `organizations` table.
    static let organizations = Self(
        name: "organizations", fields: ProfileField.organization, extraColumns: [],
        select: "SELECT organizations.* FROM organizations",
        orderBy: "organizations.name, organizations.id",
        fullText: "organizations.name, organizations.city, organizations.email",
        likeColumns: ["name", "city", "email"])

    /// The `contacts` table, with each contact's organization name.
    static let contacts = Self(
        name: "contacts", fields: ProfileField.contact, extraColumns: ["organization_id"],
        select: """
            SELECT contacts.*, organizations.name AS organization_name
            FROM contacts LEFT JOIN organizations ON organizations.id = contacts.organization_id
            """,
        orderBy: "contacts.fullname, contacts.id",
        fullText: "contacts.fullname, contacts.email",
        likeColumns: ["fullname", "email"])
}
