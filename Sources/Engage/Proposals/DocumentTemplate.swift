import Foundation

/// What a new document starts from (Offorte's favorite): its type, title, description, default
/// message, currency, link actions and price tables. A document made from it may override any of them.
public struct DocumentTemplate: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let documentType: DocumentType
    public let title: String
    public let description: String?
    /// The message sent with the document unless the send gives another.
    public let customMessage: String?
    public let currency: String
    /// What the link sent with the document allows; nil for its type's default.
    public let linkActions: [RecipientAction]?
    public let createdBy: Int64?
    public let createdAt: Date
    public let updatedAt: Date
}

/// What a template keeps of a document, and gives a document made from it: the fields in the
/// API's names, its price tables in `content`.
struct DocumentStart {
    let documentType: DocumentType
    let title: String
    let description: String?
    let customMessage: String?
    let currency: String
    let linkActions: [RecipientAction]?
    let tables: [PriceTable]

    init(_ template: DocumentTemplate, tables: [PriceTable]) {
        documentType = template.documentType
        title = template.title
        description = template.description
        customMessage = template.customMessage
        currency = template.currency
        linkActions = template.linkActions
        self.tables = tables
    }

    init(_ document: Document, tables: [PriceTable]) {
        documentType = document.documentType
        title = document.title
        description = document.description
        customMessage = document.customMessage
        currency = document.currency
        linkActions = document.linkActions
        self.tables = tables
    }

    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "document_type": .string(documentType.rawValue), "title": .string(title), "currency": .string(currency),
        ]
        if let description { fields["description"] = .string(description) }
        if let customMessage { fields["custom_message"] = .string(customMessage) }
        if let linkActions { fields["link_actions"] = .array(linkActions.map { .string($0.rawValue) }) }
        if !tables.isEmpty { fields["content"] = .object(["pricetables": .array(tables.map(\.input))]) }
        return fields
    }
}

/// A template with its price tables priced.
public struct DocumentTemplateDetails: Sendable, JSONWritable {
    public let template: DocumentTemplate
    public let content: PriceContent

    public func writeJSON(_ w: inout JSONWriter) {
        template.writeJSON(&w) { w in
            w.key("content")
            content.writeJSON(&w)
        }
    }
}

/// A reusable block of Markdown staff insert into descriptions.
public struct TextTemplate: Sendable, Equatable, JSONWritable {
    public let id: Int64
    public let name: String
    public let body: String
    public let createdAt: Date
    public let updatedAt: Date

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("body"); w.value(body)
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}

extension DocumentTemplate: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        writeJSON(&w) { _ in }
    }

    /// The template's object, with `more` members written before it closes.
    func writeJSON(_ w: inout JSONWriter, more: (inout JSONWriter) -> Void) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("type"); w.value(documentType.rawValue)
        w.key("document_type"); w.value(documentType.rawValue)
        w.key("title"); w.value(title)
        w.key("description"); w.value(description)
        w.key("custom_message"); w.value(customMessage)
        w.key("currency"); w.value(currency)
        w.key("link_actions"); w.value(linkActions.map { JSONValue.array($0.map { .string($0.rawValue) }) })
        w.key("created_by"); w.value(createdBy)
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        more(&w)
        w.endObject()
    }
}

extension PriceTable {
    /// The table as the API's input gives it back (without what the server computes).
    var input: JSONValue {
        var table: [String: JSONValue] = [
            "id": .string(key),
            "settings": .object([
                "vat_default_percentage": .number(vatDefault), "vat_hidden": .bool(vatHidden), "rows_include_vat": .bool(rowsIncludeVAT),
            ]),
            "rows": .array(rows.map(\.input)),
        ]
        if let title { table["title"] = .string(title) }
        return .object(table)
    }
}

extension PriceRow {
    var input: JSONValue {
        var row: [String: JSONValue] = [
            "type": .string(kind.rawValue), "content": .string(content), "count": .number(count), "price": .number(price),
            "vat_percentage": .number(vatPercentage), "discount": .number(discount), "userinput_optional": .bool(isOptional),
            "userinput_optional_checked": .bool(isChecked), "userinput_count": .bool(countEditable),
        ]
        if let unit { row["unit"] = .string(unit) }
        if let productID { row["product_id"] = .number(Decimal(productID)) }
        if let sku { row["sku"] = .string(sku) }
        return .object(row)
    }
}
