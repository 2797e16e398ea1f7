import Foundation

/// Document templates (favorites) and text templates: list, read, create (a document template
/// also from a document), change, delete. Staff who write may change them.
public struct DocumentTemplateService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let templateFields: Set<String> = [
        "name", "document_type", "title", "description", "custom_message", "currency", "link_actions", "content", "document_id",
    ]

    /// A page of document templates by name.
    public func list(page: PageRequest) async throws -> Page<DocumentTemplate> {
        try await database.read { tx in
            let found = try await tx.documentTemplates.documentTemplates(page: page)
            return Page(items: found.items, request: page, total: found.total)
        }
    }

    /// A template with its price tables priced.
    public func details(id: Int64) async throws -> DocumentTemplateDetails {
        try await database.read { tx in
            let template = try await Self.existing(id, in: tx)
            return DocumentTemplateDetails(template: template, content: try await PriceContent.load(.template(id), in: tx))
        }
    }

    /// Adds a template: a unique name, a type and a title; with `document_id`, what that document
    /// has (type, title, description, message, currency, link actions, price tables) is the start,
    /// and the fields given override it. Every problem at once.
    public func create(_ input: Input, by actor: Actor) async throws -> DocumentTemplateDetails {
        try actor.requireWrite()
        return try await database.write { tx in
            var values = input.values
            var problems: [ValidationError.FieldError] = []
            if let source = values.removeValue(forKey: "document_id") {
                var reader = InputReader(Input(["document_id": source], isForm: input.isForm), allowed: ["document_id"])
                if case .null = source { reader.report("document_id", .invalidFormat, "Document must be a positive whole number.") }
                if let id = reader.id("document_id", label: "Document").value {
                    if let document = try await tx.documents.find(id: id), document.deletedAt == nil {
                        let tables = try await tx.priceTables.tables(of: .document(id))
                        values = DocumentStart(document, tables: tables).fields.merging(values) { _, given in given }
                    } else {
                        reader.report("document_id", .notFound, "Document \(id) does not exist.")
                    }
                }
                problems = reader.allProblems
            }
            let (fields, tables) = try await Self.read(Input(values, isForm: input.isForm), over: nil, in: tx, problems: problems)
            guard let id = try await tx.documentTemplates.insert(fields, by: actor.userID) else { throw Self.nameTaken }
            try await tx.priceTables.replace(tables ?? [], of: .template(id))
            return DocumentTemplateDetails(template: try await Self.existing(id, in: tx), content: try await PriceContent.load(.template(id), in: tx))
        }
    }

    /// Changes what `input` mentions; `content` replaces the price tables.
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> DocumentTemplateDetails {
        try actor.requireWrite()
        return try await database.write { tx in
            let current = try await Self.existing(id, in: tx)
            let (fields, tables) = try await Self.read(input, over: current, in: tx, problems: [])
            guard try await tx.documentTemplates.update(id: id, fields) else { throw Self.nameTaken }
            if let tables { try await tx.priceTables.replace(tables, of: .template(id)) }
            return DocumentTemplateDetails(template: try await Self.existing(id, in: tx), content: try await PriceContent.load(.template(id), in: tx))
        }
    }

    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            _ = try await Self.existing(id, in: tx)
            try await tx.documentTemplates.deleteDocumentTemplate(id: id)
        }
    }

    /// The fields a document made from template `id` starts with, or nil when there is no such template.
    static func documentFields(template id: Int64, in tx: Transaction) async throws -> [String: JSONValue]? {
        guard let template = try await tx.documentTemplates.documentTemplate(id: id) else { return nil }
        return DocumentStart(template, tables: try await tx.priceTables.tables(of: .template(id))).fields
    }

    // MARK: Text templates

    /// Every text template by name.
    public func textTemplates() async throws -> [TextTemplate] {
        try await database.read { try await $0.documentTemplates.textTemplates() }
    }

    public func textTemplate(id: Int64) async throws -> TextTemplate {
        try await database.read { try await Self.existingText(id, in: $0) }
    }

    /// Adds a text template: a unique name and its Markdown.
    public func createText(_ input: Input, by actor: Actor) async throws -> TextTemplate {
        try actor.requireWrite()
        let (name, body) = try Self.readText(input, over: nil)
        return try await database.write { tx in
            guard let id = try await tx.documentTemplates.insertText(name: name, body: body) else { throw Self.nameTaken }
            return try await Self.existingText(id, in: tx)
        }
    }

    public func updateText(id: Int64, _ input: Input, by actor: Actor) async throws -> TextTemplate {
        try actor.requireWrite()
        return try await database.write { tx in
            let (name, body) = try Self.readText(input, over: try await Self.existingText(id, in: tx))
            guard try await tx.documentTemplates.updateText(id: id, name: name, body: body) else { throw Self.nameTaken }
            return try await Self.existingText(id, in: tx)
        }
    }

    public func deleteText(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            _ = try await Self.existingText(id, in: tx)
            try await tx.documentTemplates.deleteTextTemplate(id: id)
        }
    }

    // MARK: Reading input

    /// A template's fields over `current` (absent keeps, null clears) and its tables when `content` is given.
    private static func read(
        _ input: Input, over current: DocumentTemplate?, in tx: Transaction, problems: [ValidationError.FieldError]
    ) async throws -> (TemplateRepository.Fields, [PriceTable]?) {
        var reader = InputReader(input, allowed: templateFields.subtracting(["document_id"]))
        for problem in problems { reader.report(problem.field, problem.code, problem.message) }
        let creating = current == nil
        let name = reader.text("name", label: "Name", required: creating || reader.contains("name"), max: 200)
        let type = reader.choice("document_type", label: "Document type", as: DocumentType.self, required: creating || reader.contains("document_type"))
        let title = reader.text("title", label: "Title", required: creating || reader.contains("title"), min: 3, max: 255)
        let description = reader.text("description", label: "Description", max: 10_000)
        let message = reader.text("custom_message", label: "Default message", max: 10_000)
        let currency = DocumentService.currency(&reader)
        let actions = RecipientLinkService.actions(&reader, field: "link_actions", label: "Link actions", nullMeansDefault: true)
        let content = reader.priceTables()
        let tables = try await reader.completedPriceTables(content, in: tx)
        try reader.finish()
        guard let name = name.value ?? current?.name, let type = type.value ?? current?.documentType, let title = title.value ?? current?.title else {
            preconditionFailure("checked by the reader")
        }
        return (TemplateRepository.Fields(
            name: name, documentType: type, title: title, description: description.merged(over: current?.description),
            customMessage: message.merged(over: current?.customMessage), currency: currency.value ?? current?.currency ?? "EUR",
            linkActions: actions.merged(over: current?.linkActions)), tables)
    }

    private static func readText(_ input: Input, over current: TextTemplate?) throws -> (String, String) {
        var reader = InputReader(input, allowed: ["name", "body"])
        let name = reader.text("name", label: "Name", required: current == nil || reader.contains("name"), max: 200)
        let body = reader.text("body", label: "Text", required: current == nil || reader.contains("body"), max: 10_000)
        try reader.finish()
        guard let name = name.value ?? current?.name, let body = body.value ?? current?.body else { preconditionFailure("checked by the reader") }
        return (name, body)
    }

    private static let nameTaken = ValidationError(fields: [.init(field: "name", code: .duplicate, message: "Another template has this name.")])

    private static func existing(_ id: Int64, in tx: Transaction) async throws -> DocumentTemplate {
        guard let template = try await tx.documentTemplates.documentTemplate(id: id) else { throw RecordNotFound("Template", id: id) }
        return template
    }

    private static func existingText(_ id: Int64, in tx: Transaction) async throws -> TextTemplate {
        guard let template = try await tx.documentTemplates.textTemplate(id: id) else { throw RecordNotFound("Text template", id: id) }
        return template
    }
}
