import Engage
import Foundation
import Hummingbird

/// The portal's documents: filtered list, CSV export, page, new and edit forms, delete, and the
/// admin's Deleted view with restore.
struct DocumentsController {
    let views: ViewRenderer
    let documents: DocumentService
    /// The document page's links and timeline.
    let events: DocumentEventService
    let contacts: ContactService
    let organizations: OrganizationService
    let proposals: ProposalService
    let templates: DocumentTemplateService

    struct IndexPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let deletedView: Bool
        let rows: [DocumentRow]
        let hasRows: Bool
        let headers: [SortHeader]
        let pager: Pager?
        let errors: [String]
        let hasErrors: Bool
        let notice: String?
        let filters: [String: String]
        let statusOptions: [SelectOption]
        let typeOptions: [SelectOption]
        let sourceOptions: [SelectOption]
        let viewedOptions: [SelectOption]
        let hasFilters: Bool
        let exportURL: String
        let workbookURL: String
        let canWrite: Bool
        /// The bulk actions, offered to writers on the live list.
        let bulkActions: [SelectOption]
        let canBulk: Bool
        /// The list's filters as a query string, for "all matching".
        let bulkQuery: String
        /// The document templates a draft can be made from.
        let templateOptions: [SelectOption]
        let hasTemplateOptions: Bool
    }

    struct FormPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let isEdit: Bool
        let action: String
        let cancelURL: String
        let values: [String: String]
        let errors: [String: String]
        let errorList: [String]
        let hasErrors: Bool
        let typeOptions: [SelectOption]
        let sourceOptions: [SelectOption]
        let statusOptions: [SelectOption]
        let contactOptions: [SelectOption]
        let organizationOptions: [SelectOption]
        /// Text templates to insert into the description (their text in `data-body` for the script).
        let textTemplates: [TextChoice]
        let hasTextTemplates: Bool
        /// The amount is the price tables' total: shown, not typed.
        let amountIsComputed: Bool
    }

    struct TextChoice {
        let id: Int64
        let name: String
        let body: String
    }

    // Outcomes shown after a redirect; fixed texts, so nothing from the URL reaches the page.
    private static let notices = [
        "created": "docCreatedNotice", "updated": "docSavedNotice", "deleted": "docDeletedNotice",
        "restored": "docRestoredNotice", "uploaded": "pdfUploadedNotice", "prices": "pricesSavedNotice", "link-revoked": "linkRevokedNotice",
        "email-queued": "emailQueuedNotice", "sms-queued": "smsQueuedNotice",
        "reminders-on": "remindersOnNotice", "reminders-off": "remindersOffNotice",
        "party-added": "partyAddedNotice", "party-changed": "partySavedNotice", "party-removed": "partyRemovedNotice",
        "party-notified": "partyNotifiedNotice",
    ]

    func register(on portal: RouterGroup<EngageRequestContext>, admin: RouterGroup<EngageRequestContext>) {
        portal.get("/documents") { request, context in try await index(request, context, deleted: false) }
        admin.get("/documents/deleted") { request, context in try await index(request, context, deleted: true) }
        portal.get("/documents.csv") { request, _ in try await export(request) }
        portal.get("/documents.xlsx") { request, _ in try await exportWorkbook(request) }
        portal.get("/documents/new") { _, context in try await form(context, values: ["currency": "EUR"]) }
        portal.post("/documents") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            if let values = try await Self.insertingText(form.values, from: templates) { return try await self.form(context, values: values) }
            do {
                let document = try await documents.create(Self.input(form), by: try context.actor())
                return Response.redirect(to: "/documents/\(document.id)?done=created", type: .normal)
            } catch let error as ValidationError {
                return try await self.form(context, values: form.values, errors: error)
            }
        }
        portal.get("/documents/:id") { request, context in
            let document = try await documents.find(id: try context.id())
            return try await show(document, context, notice: request.notice(from: Self.notices))
        }
        portal.get("/documents/:id/edit") { _, context in
            let document = try await documents.find(id: try context.id())
            return try await form(context, document: document, values: Self.editValues(document))
        }
        portal.post("/documents/:id") { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            if let values = try await Self.insertingText(form.values, from: templates) {
                return try await self.form(context, document: try await documents.find(id: id), values: values)
            }
            do {
                _ = try await documents.update(id: id, Self.input(form), by: try context.actor())
                return Response.redirect(to: "/documents/\(id)?done=updated", type: .normal)
            } catch let error as ValidationError {
                return try await self.form(context, document: try await documents.find(id: id), values: form.values, errors: error)
            }
        }
        portal.post("/documents/:id/delete") { _, context in
            try await documents.delete(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/documents?done=deleted", type: .normal)
        }
        portal.post("/documents/:id/pdf") { _, context in
            let id = try context.id()
            do {
                _ = try await documents.attachPDF(id: id, file: context.form?.files["pdf"], by: try context.actor())
                return Response.redirect(to: "/documents/\(id)?done=uploaded", type: .normal)
            } catch let error as ValidationError {
                return try await show(try await documents.find(id: id), context, notice: nil,
                                uploadError: error.fields.first?.message, status: .unprocessableContent)
            }
        }
        portal.get("/documents/:id/pdf") { _, context in
            let document = try await documents.find(id: try context.id())
            guard let pdf = document.pdf else { throw RecordNotFound("PDF of document", id: document.id) }
            return try await Response.pdf(pdf, from: documents.pdfs, context: context)
        }
        admin.post("/documents/:id/restore") { _, context in
            let document = try await documents.restore(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/documents/\(document.id)?done=restored", type: .normal)
        }
    }

    private func index(_ request: Request, _ context: EngageRequestContext, deleted: Bool) async throws -> Response {
        let parameters = request.queryDictionary
        let path = deleted ? "/documents/deleted" : "/documents"
        var query = DocumentQuery()
        var errors: [String] = []
        do {
            query = try DocumentQuery(parameters: parameters)
        } catch let error as ValidationError {
            errors = error.messages
        }
        query.deleted = deleted
        let page = errors.isEmpty ? try await documents.list(query) : nil
        let filters = Dictionary(DocumentQuery.parameterNames.map { ($0, parameters[$0] ?? "") }, uniquingKeysWith: { a, _ in a })
        let actor = try context.actor()
        let templateOptions = deleted ? [] : try await templates.list(page: PageRequest(perPage: PageRequest.maximumSize)).items.map {
            SelectOption(value: String($0.id), label: $0.name, selected: false)
        }
        return try views.render("portal/documents/index", IndexPage(
            title: PortalLocale.current.text(deleted ? "docDeletedTitle" : "navDocuments"),
            chrome: PortalChrome(context: context, section: "documents"),
            deletedView: deleted,
            rows: page?.items.map(DocumentRow.init) ?? [],
            hasRows: page?.items.isEmpty == false,
            headers: SortHeader.all(for: query, path: path),
            pager: page.map { Pager($0, path: path, parameters: query.parameters) },
            errors: errors,
            hasErrors: !errors.isEmpty,
            notice: request.notice(from: Self.notices),
            filters: filters,
            statusOptions: SelectOption.named(DocumentStatus.allCases, selected: parameters["status"]),
            typeOptions: SelectOption.named(DocumentType.allCases, selected: parameters["document_type"]),
            sourceOptions: SelectOption.all(ExternalSource.self, selected: parameters["external_source"]),
            viewedOptions: [
                SelectOption(value: "true", label: PortalLocale.current.text("viewedYes"), selected: query.viewed == true),
                SelectOption(value: "false", label: PortalLocale.current.text("viewedNever"), selected: query.viewed == false),
            ],
            hasFilters: !query.parameters.filter { !["sort", "order", "per_page"].contains($0.0) }.isEmpty,
            exportURL: QueryString.url("/documents.csv", query.parameters),
            workbookURL: QueryString.url("/documents.xlsx", query.parameters),
            canWrite: actor.role.canWrite,
            bulkActions: BulkDocumentsController.actions.map { SelectOption(value: $0.0, label: $0.1, selected: false) },
            canBulk: !deleted && actor.role.canWrite,
            bulkQuery: String(QueryString.url("", query.parameters.filter { $0.0 != "page" }).dropFirst()),
            templateOptions: templateOptions, hasTemplateOptions: !templateOptions.isEmpty), status: errors.isEmpty ? .ok : .badRequest)
    }

    /// The list as filtered, every page, streamed a thousand rows at a time.
    private func export(_ request: Request) async throws -> Response {
        var query = try DocumentQuery(parameters: request.queryDictionary)
        query.page = PageRequest()
        let documents = self.documents
        let frozen = query
        return CSVDownload.response(filename: "documents", header: PortalLocale.current.columns(Export.documentHeader)) { write in
            try await documents.forEachBatch(frozen) { batch in try await write(batch.map { Export.cells($0).map(\.text) }) }
        }
    }

    /// The same list as the CSV, as a workbook with typed cells.
    private func exportWorkbook(_ request: Request) async throws -> Response {
        var query = try DocumentQuery(parameters: request.queryDictionary)
        query.page = PageRequest()
        return try await XLSXDownload.response(filename: "documents") { workbook in
            try workbook.addSheet("Documents", columns: XLSXWorkbook.columns(PortalLocale.current.columns(Export.documentHeader)))
            try await documents.forEachBatch(query) { batch in try workbook.append(batch.map(Export.cells)) }
        }
    }

    private func show(_ document: Document, _ context: EngageRequestContext, notice: String?, uploadError: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let details = try await events.details(documentID: document.id, recent: DocumentShowPage.timelineLength)
        return try views.render("portal/documents/show", try DocumentShowPage(
            details: details, context: context, notice: notice, uploadError: uploadError), status: status)
    }

    private func form(
        _ context: EngageRequestContext, document: Document? = nil, values: [String: String], errors: ValidationError? = nil
    ) async throws -> Response {
        // The first hundred by name; more would need a search field (noted in docs/design.md).
        let contactPage = try await contacts.list(search: nil, page: PageRequest(perPage: PageRequest.maximumSize))
        let organizationPage = try await organizations.list(search: nil, page: PageRequest(perPage: PageRequest.maximumSize))
        let action = document.map { "/documents/\($0.id)" } ?? "/documents"
        let texts = try await templates.textTemplates()
        var amountIsComputed = false
        if let document { amountIsComputed = try await proposals.hasTables(documentID: document.id) }
        return try views.render("portal/documents/form", FormPage(
            title: document.map { "\(PortalLocale.current.text("edit")) \($0.documentNumber)" } ?? PortalLocale.current.text("docNew"),
            chrome: PortalChrome(context: context, section: "documents"),
            isEdit: document != nil, action: action, cancelURL: document.map { "/documents/\($0.id)" } ?? "/documents",
            values: values, errors: errors?.messagesByField ?? [:], errorList: errors?.messages ?? [], hasErrors: errors != nil,
            typeOptions: SelectOption.named(DocumentType.allCases, selected: values["document_type"]),
            sourceOptions: SelectOption.all(ExternalSource.self, selected: values["external_source"]),
            statusOptions: SelectOption.named(DocumentStatus.allCases, selected: values["status"]),
            contactOptions: contactPage.items.map {
                SelectOption(value: String($0.id), label: "\($0.fullname) <\($0.email)>", selected: values["contact_id"] == String($0.id))
            },
            organizationOptions: organizationPage.items.map {
                SelectOption(value: String($0.id), label: $0.name, selected: values["organization_id"] == String($0.id))
            },
            textTemplates: texts.map { TextChoice(id: $0.id, name: $0.name, body: $0.body) }, hasTextTemplates: !texts.isEmpty,
            amountIsComputed: amountIsComputed),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    /// The form's fields for the service, without the text-template picker's.
    private static func input(_ form: FormData) -> Input {
        Input(form: PortalLocale.current.typedNumbers(
            form.values.filter { $0.key != "text_template_id" && $0.key != "intent" }, in: ["total_amount"]))
    }

    /// The form's values with the chosen text template added to the description, when that is what
    /// the button asked (without JavaScript; the script inserts it where the cursor is); nil otherwise.
    private static func insertingText(_ values: [String: String], from templates: DocumentTemplateService) async throws -> [String: String]? {
        guard values["intent"] == "insert_text", let id = values["text_template_id"].flatMap(Int64.init) else { return nil }
        var values = values
        let text = try await templates.textTemplate(id: id).body
        let description = values["description"]?.trimmingWhitespace() ?? ""
        values["description"] = description.isEmpty ? text : description + "\n\n" + text
        return values
    }

    private static func editValues(_ document: Document) -> [String: String] {
        [
            "title": document.title, "status": document.status.rawValue, "description": document.description ?? "",
            "custom_message": document.customMessage ?? "", "total_amount": document.totalAmount.map(PortalLocale.current.editable) ?? "",
            "currency": document.currency, "due_date": document.dueDate?.description ?? "",
            "expires_at": document.expiresAt.map(ISOTimestamp.string) ?? "",
            "metadata": document.metadata.flatMap { try? String(decoding: APIResponse.encoder.encode($0), as: UTF8.self) } ?? "",
        ]
    }
}
