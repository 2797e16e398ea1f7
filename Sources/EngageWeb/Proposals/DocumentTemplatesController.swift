import Engage
import Foundation
import Hummingbird

/// The portal's templates: document templates (`/document-templates`, their price tables in the
/// price editor) and text templates, "New from template" on the documents list and "Save as
/// template" on a document's page. The same services as the API, through forms.
struct DocumentTemplatesController {
    let views: ViewRenderer
    let templates: DocumentTemplateService
    let documents: DocumentService

    struct IndexPage: PageContext {
        let title = "Document and text templates"
        let chrome: PortalChrome?
        let templates: [TemplateRow]
        let hasTemplates: Bool
        let texts: [TextTemplate]
        let hasTexts: Bool
        let notice: String?
        let textValues: [String: String]
        let textErrors: [String: String]
        let canWrite: Bool
    }

    struct TemplateRow {
        let id: Int64
        let name: String
        let type: String
        let title: String
    }

    struct FormPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let action: String
        let values: [String: String]
        let errors: [String: String]
        let errorList: [String]
        let hasErrors: Bool
        let typeOptions: [SelectOption]
        let actions: [ActionChoice]
        /// The template's price tables, on its edit page.
        let priceTables: PriceTablesView?
        let pricesURL: String?
        let deleteURL: String?
        let notice: String?
    }

    struct ActionChoice {
        let name: String
        let label: String
        let checked: Bool
    }

    struct TextPage: PageContext {
        let title = "Edit text template"
        let chrome: PortalChrome?
        let id: Int64
        let values: [String: String]
        let errors: [String: String]
        let hasErrors: Bool
    }

    private static let notices = [
        "created": "Template saved.", "updated": "Template saved.", "deleted": "Template deleted.", "prices": "Prices saved.",
        "text-created": "Text template added.", "text-updated": "Text template saved.", "text-deleted": "Text template deleted.",
    ]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/document-templates") { request, context in try await index(request, context) }
        portal.get("/document-templates/new") { _, context in try await form(context, id: nil, values: ["currency": "EUR"]) }
        portal.post("/document-templates") { _, context in
            let values = context.form?.values ?? [:]
            do {
                let created = try await templates.create(Self.templateInput(values), by: try context.actor())
                return Response.redirect(to: "/document-templates/\(created.template.id)?done=created", type: .normal)
            } catch let error as ValidationError {
                return try await form(context, id: nil, values: values, errors: error)
            }
        }
        portal.get("/document-templates/:id") { request, context in
            let details = try await templates.details(id: try context.id())
            return try await form(context, id: details.template.id, values: Self.values(of: details.template), details: details,
                                  notice: request.notice(from: Self.notices))
        }
        portal.post("/document-templates/:id") { _, context in
            let id = try context.id()
            let values = context.form?.values ?? [:]
            do {
                _ = try await templates.update(id: id, Self.templateInput(values), by: try context.actor())
                return Response.redirect(to: "/document-templates/\(id)?done=updated", type: .normal)
            } catch let error as ValidationError {
                return try await form(context, id: id, values: values, details: try await templates.details(id: id), errors: error)
            }
        }
        portal.post("/document-templates/:id/delete") { _, context in
            try await templates.delete(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/document-templates?done=deleted", type: .normal)
        }
        portal.post("/documents/from-template") { _, context in
            let template = context.form?.values["template_id"] ?? ""
            let document = try await documents.create(Input(form: ["template_id": template]), by: try context.actor())
            return Response.redirect(to: "/documents/\(document.id)?done=created", type: .normal)
        }
        portal.post("/documents/:id/save-as-template") { _, context in
            let values = ["document_id": String(try context.id()), "name": context.form?.values["name"] ?? ""]
            do {
                let created = try await templates.create(Input(form: values), by: try context.actor())
                return Response.redirect(to: "/document-templates/\(created.template.id)?done=created", type: .normal)
            } catch let error as ValidationError {
                return try await form(context, id: nil, values: values, errors: error)
            }
        }

        portal.post("/text-templates") { request, context in
            let values = context.form?.values ?? [:]
            do {
                _ = try await templates.createText(Input(form: values), by: try context.actor())
                return Response.redirect(to: "/document-templates?done=text-created", type: .normal)
            } catch let error as ValidationError {
                return try await index(request, context, textValues: values, textErrors: error)
            }
        }
        portal.get("/text-templates/:id") { _, context in
            let text = try await templates.textTemplate(id: try context.id())
            return try views.render("portal/proposals/text-template", TextPage(
                chrome: PortalChrome(context: context, section: "documents"), id: text.id, values: ["name": text.name, "body": text.body],
                errors: [:], hasErrors: false))
        }
        portal.post("/text-templates/:id") { _, context in
            let id = try context.id()
            let values = context.form?.values ?? [:]
            do {
                _ = try await templates.updateText(id: id, Input(form: values), by: try context.actor())
                return Response.redirect(to: "/document-templates?done=text-updated", type: .normal)
            } catch let error as ValidationError {
                return try views.render("portal/proposals/text-template", TextPage(
                    chrome: PortalChrome(context: context, section: "documents"), id: id, values: values,
                    errors: error.messagesByField, hasErrors: true), status: .unprocessableContent)
            }
        }
        portal.post("/text-templates/:id/delete") { _, context in
            try await templates.deleteText(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/document-templates?done=text-deleted", type: .normal)
        }
    }

    private func index(
        _ request: Request, _ context: EngageRequestContext, textValues: [String: String] = [:], textErrors: ValidationError? = nil
    ) async throws -> Response {
        let list = try await templates.list(page: PageRequest(perPage: PageRequest.maximumSize))
        let texts = try await templates.textTemplates()
        return try views.render("portal/proposals/templates", IndexPage(
            chrome: PortalChrome(context: context, section: "documents"),
            templates: list.items.map { TemplateRow(id: $0.id, name: $0.name, type: $0.documentType.rawValue.replacingOccurrences(of: "_", with: " "), title: $0.title) },
            hasTemplates: !list.items.isEmpty, texts: texts, hasTexts: !texts.isEmpty, notice: request.notice(from: Self.notices),
            textValues: textValues, textErrors: textErrors?.messagesByField ?? [:], canWrite: try context.actor().role.canWrite),
            status: textErrors == nil ? .ok : .unprocessableContent)
    }

    private func form(
        _ context: EngageRequestContext, id: Int64?, values: [String: String], details: DocumentTemplateDetails? = nil,
        errors: ValidationError? = nil, notice: String? = nil
    ) async throws -> Response {
        let ticked = Set(RecipientAction.allCases.filter { values["link_\($0.rawValue)"] != nil })
        return try views.render("portal/proposals/template-form", FormPage(
            title: id == nil ? "New template" : "Template: \(values["name"] ?? "")", chrome: PortalChrome(context: context, section: "documents"),
            action: id.map { "/document-templates/\($0)" } ?? "/document-templates", values: values,
            errors: errors?.messagesByField ?? [:], errorList: errors?.messages ?? [], hasErrors: errors != nil,
            typeOptions: SelectOption.all(DocumentType.self, selected: values["document_type"]),
            actions: RecipientAction.allCases.map { ActionChoice(name: $0.rawValue, label: $0.label, checked: ticked.contains($0)) },
            priceTables: details.flatMap {
                $0.content.isEmpty ? nil : PriceTablesView($0.content, currency: $0.template.currency, language: .en, choosable: false)
            },
            pricesURL: id.map { "/document-templates/\($0)/prices" }, deleteURL: id.map { "/document-templates/\($0)/delete" }, notice: notice),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    /// A template's form as the service reads it: the ticked link actions as a list (none: the type's default).
    private static func templateInput(_ values: [String: String]) -> Input {
        let actions = RecipientAction.allCases.filter { values["link_\($0.rawValue)"] != nil }.map { JSONValue.string($0.rawValue) }
        var input = Input(form: values.filter { !$0.key.hasPrefix("link_") })
        input.values["link_actions"] = actions.isEmpty ? .null : .array(actions)
        return input
    }

    private static func values(of template: DocumentTemplate) -> [String: String] {
        var values = [
            "name": template.name, "document_type": template.documentType.rawValue, "title": template.title,
            "description": template.description ?? "", "custom_message": template.customMessage ?? "", "currency": template.currency,
        ]
        for action in template.linkActions ?? [] { values["link_\(action.rawValue)"] = "on" }
        return values
    }
}
