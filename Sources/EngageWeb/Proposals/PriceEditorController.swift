import Engage
import Foundation
import Hummingbird

/// The portal's price table editor, of a document (`/documents/{id}/prices`) or a template
/// (`/document-templates/{id}/prices`): rows by hand or from the catalogue, reordered by their
/// number, removed by a tick; "Recalculate" prices what is typed without saving (a script does it
/// as one types), "Save" goes through the same service as the API.
struct PriceEditorController {
    let views: ViewRenderer
    let proposals: ProposalService
    let documents: DocumentService
    let templates: DocumentTemplateService

    /// Whose tables are edited: where its page is, what it is called, its currency, its stored
    /// tables (and whether they are final), and how they are saved.
    struct Target {
        let path: String
        let title: String
        let currency: String
        let stored: PriceContent
        let isFrozen: Bool
        let save: @Sendable (JSONValue, Actor) async throws -> Void
    }

    private func document(_ id: Int64) async throws -> Target {
        let document = try await documents.find(id: id)
        let stored = try await proposals.content(documentID: id)
        return Target(
            path: "/documents/\(id)", title: document.title, currency: document.currency, stored: stored.content, isFrozen: stored.isFrozen,
            save: { [documents] content, actor in _ = try await documents.update(id: id, Input(["content": content], isForm: true), by: actor) })
    }

    private func template(_ id: Int64) async throws -> Target {
        let details = try await templates.details(id: id)
        return Target(
            path: "/document-templates/\(id)", title: details.template.name, currency: details.template.currency, stored: details.content,
            isFrozen: false,
            save: { [templates] content, actor in _ = try await templates.update(id: id, Input(["content": content], isForm: true), by: actor) })
    }

    struct Page: PageContext {
        let title: String
        let chrome: PortalChrome?
        /// The page of the document or template whose tables these are.
        let path: String
        let tables: [TableView]
        let tableCount: Int
        let hasTables: Bool
        let products: [SelectOption]
        let hasProducts: Bool
        let vatRates: [String]
        let errorList: [String]
        let hasErrors: Bool
        let totals: PriceTablesView?
        let isFrozen: Bool
    }

    struct TableView {
        let index: Int
        /// Counted from 1, for people.
        let number: Int
        let key: String
        let title: String
        let vatDefault: String
        let vatHidden: Bool
        let rowsIncludeVAT: Bool
        let rows: [RowView]
        let rowCount: Int
        let error: String?
    }

    struct RowView {
        /// `t0r2_`: the prefix of the row's fields.
        let prefix: String
        let order: Int
        let isPrice: Bool
        /// A price row's own discount, or a discount row's.
        let hasDiscount: Bool
        let types: [SelectOption]
        let content: String
        let count: String
        let price: String
        let unit: String
        let vat: String
        let discount: String
        let productID: String
        let sku: String
        let isOptional: Bool
        let isChecked: Bool
        let countEditable: Bool
        let amount: String
        let errors: [String: String]
        let hasError: Bool
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        for (path, target) in [("/documents/:id/prices", document), ("/document-templates/:id/prices", template)] {
            portal.get(RouterPath(path)) { _, context in
                let target = try await target(try context.id())
                return try await render(context, target, form: PriceTableForm(target.stored), priced: target.stored)
            }
            portal.post(RouterPath(path)) { _, context in
                try await post(context, try await target(try context.id()))
            }
        }
    }

    private func post(_ context: EngageRequestContext, _ target: Target) async throws -> Response {
        let values = context.form?.values ?? [:]
        var form = PriceTableForm(form: values)
        let intent = values["intent"] ?? "recalculate"
        if let change = PriceTableForm.change(intent: intent, form: values) { form.apply(change) }
        if intent == "save" {
            do {
                try await target.save(form.content, try context.actor())
                return Response.redirect(to: "\(target.path)?done=prices", type: .normal)
            } catch let error as ValidationError {
                return try await render(context, target, form: form, errors: error, status: .unprocessableContent)
            }
        }
        do {
            let priced = try await proposals.preview(form.content, isForm: true)
            // Shown as the server completed them: a product's row gets its name and price.
            return try await render(context, target, form: PriceTableForm(priced), priced: priced)
        } catch let error as ValidationError {
            return try await render(context, target, form: form, errors: error)
        }
    }

    private func render(
        _ context: EngageRequestContext, _ target: Target, form: PriceTableForm, priced: PriceContent? = nil,
        errors: ValidationError? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let messages = Dictionary((errors?.fields ?? []).map { (PriceTableForm.field(of: $0.field), $0.message) }, uniquingKeysWith: { first, _ in first })
        let products = try await proposals.productChoices()
        let amounts = priced?.pricing.tables.map(\.amounts)
        let totals = priced.flatMap { $0.isEmpty ? nil : PriceTablesView($0, currency: target.currency, language: .en, choosable: false) }
        let tables = form.tables.enumerated().map { t, table in
            TableView(
                index: t, number: t + 1, key: table.fields["id"] ?? "", title: table.fields["title"] ?? "",
                vatDefault: table.fields["vat_default_percentage"] ?? "20", vatHidden: table.fields["vat_hidden"] == "on",
                rowsIncludeVAT: table.fields["rows_include_vat"] == "on",
                rows: table.rows.enumerated().map { r, row in
                    let prefix = "t\(t)r\(r)_"
                    let rowErrors = messages.filter { $0.key.hasPrefix(prefix) || $0.key == "t\(t)r\(r)" }
                        .reduce(into: [String: String]()) { $0[String($1.key.dropFirst(prefix.count))] = $1.value }
                    let amount = amounts.flatMap { $0.indices.contains(t) && $0[t].indices.contains(r) ? $0[t][r] : nil }
                    return RowView(
                        prefix: prefix, order: r + 1, isPrice: (row["type"] ?? "price") == "price",
                        hasDiscount: ["price", "discount"].contains(row["type"] ?? "price"),
                        types: SelectOption.named(PriceRow.Kind.allCases, selected: row["type"]),
                        content: row["content"] ?? "", count: row["count"] ?? "", price: row["price"] ?? "", unit: row["unit"] ?? "",
                        vat: row["vat_percentage"] ?? "", discount: row["discount"] ?? "", productID: row["product_id"] ?? "",
                        sku: row["sku"] ?? "", isOptional: row["userinput_optional"] == "on",
                        isChecked: row["userinput_optional_checked"] != "off", countEditable: row["userinput_count"] == "on",
                        amount: amount.map { "\(Money.format($0)) \(target.currency)" } ?? "", errors: rowErrors, hasError: !rowErrors.isEmpty)
                },
                rowCount: table.rows.count, error: messages["t\(t)_id"] ?? messages["t\(t)_vat_default_percentage"] ?? messages["t\(t)"])
        }
        return try views.render("portal/proposals/prices", Page(
            title: "Prices · \(target.title)", chrome: PortalChrome(context: context, section: "documents"), path: target.path,
            tables: tables, tableCount: tables.count, hasTables: !tables.isEmpty,
            products: products.map { SelectOption(value: String($0.id), label: "\($0.name) · \(Money.format($0.price))", selected: false) },
            hasProducts: !products.isEmpty,
            vatRates: try await proposals.vatGroups().map { "\($0.percentage)" },
            errorList: errors?.fields.map { "\(Self.place(of: $0.field)): \($0.message)" } ?? [], hasErrors: errors != nil,
            totals: totals, isFrozen: target.isFrozen), status: status)
    }

    /// "Table 1, row 3" for `content.pricetables[0].rows[2].price`, so a problem can be found on the page.
    private static func place(of path: String) -> String {
        let numbers = path.matches(of: /\[(\d+)\]/).compactMap { Int($0.output.1) }.map { $0 + 1 }
        switch numbers.count {
        case 0: return path
        case 1: return "Table \(numbers[0])"
        default: return "Table \(numbers[0]), row \(numbers[1])"
        }
    }
}
