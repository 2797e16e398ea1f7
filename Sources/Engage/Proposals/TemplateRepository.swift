import Foundation

/// SQL for `document_templates` and `text_templates`.
struct TemplateRepository {
    let connection: SQLConnection

    /// What a document template is made of when it is saved.
    struct Fields: Sendable {
        var name: String
        var documentType: DocumentType
        var title: String
        var description: String?
        var customMessage: String?
        var currency: String
        var linkActions: [RecipientAction]?
    }

    private static let columns = "id, name, document_type, title, description, custom_message, currency, link_actions, created_by, created_at, updated_at"

    /// A page of document templates by name.
    func documentTemplates(page: PageRequest) async throws -> (items: [DocumentTemplate], total: Int) {
        let items = try await connection.query(
            "SELECT \(Self.columns) FROM document_templates ORDER BY name, id LIMIT ? OFFSET ?", [page.perPage, page.offset]
        ).map(Self.documentTemplate)
        let total: Int = try await connection.queryFirst("SELECT COUNT(*) AS total FROM document_templates")?.decode("total") ?? 0
        return (items, total)
    }

    func documentTemplate(id: Int64) async throws -> DocumentTemplate? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM document_templates WHERE id = ?", [id]).map(Self.documentTemplate)
    }

    /// The new template's id; nil when the name is taken.
    func insert(_ fields: Fields, by userID: Int64?) async throws -> Int64? {
        let now = Date()
        return try await SQLFailure.unlessDuplicate {
            try await connection.execute("""
                INSERT INTO document_templates (name, document_type, title, description, custom_message, currency, link_actions, created_by,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, try Self.binds(fields) + [userID, now, now]).lastInsertID
        }
    }

    /// False when the name is taken.
    func update(id: Int64, _ fields: Fields) async throws -> Bool {
        try await SQLFailure.unlessDuplicate {
            try await connection.execute("""
                UPDATE document_templates SET name = ?, document_type = ?, title = ?, description = ?, custom_message = ?, currency = ?,
                    link_actions = ?, updated_at = ?
                WHERE id = ?
                """, try Self.binds(fields) + [Date(), id])
            return true
        } ?? false
    }

    func deleteDocumentTemplate(id: Int64) async throws {
        try await connection.execute("DELETE FROM document_templates WHERE id = ?", [id])
    }

    /// Every text template by name (short lists: blocks to insert).
    func textTemplates() async throws -> [TextTemplate] {
        try await connection.query("SELECT id, name, body, created_at, updated_at FROM text_templates ORDER BY name, id").map(Self.textTemplate)
    }

    func textTemplate(id: Int64) async throws -> TextTemplate? {
        try await connection.queryFirst("SELECT id, name, body, created_at, updated_at FROM text_templates WHERE id = ?", [id]).map(Self.textTemplate)
    }

    /// The new text template's id; nil when the name is taken.
    func insertText(name: String, body: String) async throws -> Int64? {
        let now = Date()
        return try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "INSERT INTO text_templates (name, body, created_at, updated_at) VALUES (?, ?, ?, ?)", [name, body, now, now] as [any SQLBindable]
            ).lastInsertID
        }
    }

    /// False when the name is taken.
    func updateText(id: Int64, name: String, body: String) async throws -> Bool {
        try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "UPDATE text_templates SET name = ?, body = ?, updated_at = ? WHERE id = ?", [name, body, Date(), id] as [any SQLBindable])
            return true
        } ?? false
    }

    func deleteTextTemplate(id: Int64) async throws {
        try await connection.execute("DELETE FROM text_templates WHERE id = ?", [id])
    }

    private static func binds(_ fields: Fields) throws -> [any SQLBindable] {
        [
            fields.name, fields.documentType.rawValue, fields.title, fields.description, fields.customMessage, fields.currency,
            try fields.linkActions.map { try SQLJSON.encode($0.map(\.rawValue)) },
        ]
    }

    private static func documentTemplate(_ row: SQLRow) throws -> DocumentTemplate {
        DocumentTemplate(
            id: try row.decode("id"), name: try row.decode("name"),
            documentType: DocumentType(rawValue: try row.decode("document_type")) ?? .custom, title: try row.decode("title"),
            description: try row.decode("description"), customMessage: try row.decode("custom_message"), currency: try row.decode("currency"),
            linkActions: try row.decodeJSON("link_actions", as: [String].self)?.compactMap(RecipientAction.init(rawValue:)),
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    private static func textTemplate(_ row: SQLRow) throws -> TextTemplate {
        TextTemplate(
            id: try row.decode("id"), name: try row.decode("name"), body: try row.decode("body"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
