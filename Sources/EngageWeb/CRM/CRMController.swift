import Engage
import Foundation
import Hummingbird

/// The portal's organizations and contacts. Both are lists of profile records with the same
/// pages (list with search, page, form, delete, CSV), so one controller serves both, told apart
/// by a `CRMResource`.
struct CRMController {
    let views: ViewRenderer
    let resource: CRMResource

    /// One profile field on a form or a detail page.
    struct FieldView: Sendable {
        let name: String
        let label: String
        let value: String
        let error: String?
        let inputType: String
        let url: String?
    }

    /// One record in a list.
    struct Row: Sendable {
        let id: Int64
        let name: String
        let email: String
        let detail: String
    }

    struct IndexPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let path: String
        let newLabel: String
        let addFirstLabel: String
        let rows: [Row]
        let hasRows: Bool
        let search: String
        let pager: Pager?
        let errors: [String]
        let notice: String?
        let canWrite: Bool
        let exportURL: String
        let workbookURL: String
    }

    struct ShowPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let path: String
        let id: Int64
        let fields: [FieldView]
        let organization: Row?
        let contacts: [Row]
        let hasContacts: Bool
        let isOrganization: Bool
        let documents: [DocumentRow]
        let hasDocuments: Bool
        let documentsURL: String
        let notice: String?
        let canWrite: Bool
    }

    struct FormPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let path: String
        let action: String
        let cancelURL: String
        let fields: [FieldView]
        let hasErrors: Bool
        let errorList: [String]
        let organizationOptions: [SelectOption]
        let organizationError: String?
        let hasOrganization: Bool
        let isEdit: Bool
    }

    private static let notices = ["created": "createdNotice", "updated": "savedNotice", "deleted": "deletedNotice"]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        let path = "/" + resource.path
        portal.get(RouterPath(path)) { request, context in try await index(request, context) }
        portal.get(RouterPath(path + ".csv")) { _, _ in
            CSVDownload.response(filename: resource.path, header: PortalLocale.current.columns(resource.exportHeader)) { write in
                try await resource.export { try await write($0.map { $0.map(\.text) }) }
            }
        }
        portal.get(RouterPath(path + ".xlsx")) { _, _ in
            try await XLSXDownload.response(filename: resource.path) { workbook in
                try workbook.addSheet(resource.plural, columns: XLSXWorkbook.columns(PortalLocale.current.columns(resource.exportHeader)))
                try await resource.export { try workbook.append($0) }
            }
        }
        portal.get(RouterPath(path + "/new")) { _, context in try await form(context, id: nil, values: [:]) }
        portal.post(RouterPath(path)) { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                let id = try await resource.create(form.input, try context.actor())
                return Response.redirect(to: "\(path)/\(id)?done=created", type: .normal)
            } catch let error as ValidationError {
                return try await self.form(context, id: nil, values: form.values, errors: error)
            }
        }
        portal.get(RouterPath(path + "/:id")) { request, context in
            try await show(try context.id(), context, notice: request.notice(from: Self.notices))
        }
        portal.get(RouterPath(path + "/:id/edit")) { _, context in
            let id = try context.id()
            return try await form(context, id: id, values: try await resource.details(id).values)
        }
        portal.post(RouterPath(path + "/:id")) { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                try await resource.update(id, form.input, try context.actor())
                return Response.redirect(to: "\(path)/\(id)?done=updated", type: .normal)
            } catch let error as ValidationError {
                return try await self.form(context, id: id, values: form.values, errors: error)
            }
        }
        portal.post(RouterPath(path + "/:id/delete")) { _, context in
            try await resource.delete(try context.id(), try context.actor())
            return Response.redirect(to: "\(path)?done=deleted", type: .normal)
        }
    }

    private func index(_ request: Request, _ context: EngageRequestContext) async throws -> Response {
        let parameters = request.queryDictionary
        var errors: [String] = []
        var page: Page<Row>?
        var listing: ListParameters?
        do {
            let parsed = try ListParameters(parameters, filters: resource.filters)
            listing = parsed
            page = try await resource.list(parsed)
        } catch let error as ValidationError {
            errors = error.messages
        }
        return try views.render("portal/crm/index", IndexPage(
            title: PortalLocale.current.text(resource.words.plural), chrome: PortalChrome(context: context, section: resource.path),
            path: "/" + resource.path, newLabel: PortalLocale.current.text(resource.words.new),
            addFirstLabel: PortalLocale.current.text(resource.words.addFirst), rows: page?.items ?? [], hasRows: page?.items.isEmpty == false,
            search: parameters["search"] ?? "",
            pager: page.map { Pager($0, path: "/" + resource.path, parameters: listing?.parameters ?? []) },
            errors: errors, notice: request.notice(from: Self.notices),
            canWrite: try context.actor().role.canWrite, exportURL: "/\(resource.path).csv", workbookURL: "/\(resource.path).xlsx"),
            status: errors.isEmpty ? .ok : .badRequest)
    }

    private func show(_ id: Int64, _ context: EngageRequestContext, notice: String?) async throws -> Response {
        let details = try await resource.details(id)
        return try views.render("portal/crm/show", ShowPage(
            title: details.name, chrome: PortalChrome(context: context, section: resource.path), path: "/" + resource.path,
            id: id,
            fields: resource.fields.compactMap { field in
                details.values[field.name].map {
                    FieldView(name: field.name, label: field.portalLabel, value: $0, error: nil, inputType: "",
                              url: Self.link(field, $0))
                }
            },
            organization: details.organization, contacts: details.contacts, hasContacts: !details.contacts.isEmpty,
            isOrganization: resource.path == "organizations",
            documents: details.documents.map(DocumentRow.init), hasDocuments: !details.documents.isEmpty,
            documentsURL: "/documents?\(resource.documentFilter)=\(id)",
            notice: notice, canWrite: try context.actor().role.canWrite))
    }

    private func form(_ context: EngageRequestContext, id: Int64?, values: [String: String], errors: ValidationError? = nil) async throws -> Response {
        let messages = errors?.messagesByField ?? [:]
        let organizations = resource.hasOrganization ? try await resource.organizationChoices() : []
        return try views.render("portal/crm/form", FormPage(
            title: PortalLocale.current.text(id == nil ? resource.words.new : resource.words.edit),
            chrome: PortalChrome(context: context, section: resource.path), path: "/" + resource.path,
            action: id.map { "/\(resource.path)/\($0)" } ?? "/\(resource.path)",
            cancelURL: id.map { "/\(resource.path)/\($0)" } ?? "/\(resource.path)",
            fields: resource.fields.map { field in
                FieldView(name: field.name, label: field.portalLabel, value: values[field.name] ?? "", error: messages[field.name],
                          inputType: Self.inputType(field), url: nil)
            },
            hasErrors: errors != nil, errorList: errors?.messages ?? [],
            organizationOptions: organizations.map {
                SelectOption(value: String($0.id), label: $0.name, selected: values["organization_id"] == String($0.id))
            },
            organizationError: messages["organization_id"], hasOrganization: resource.hasOrganization, isEdit: id != nil),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    private static func inputType(_ field: ProfileField) -> String {
        switch field.kind {
        case .email: "email"
        case .url: "url"
        case .text: field.name == "phone" || field.name == "mobile" || field.name == "fax" ? "tel" : "text"
        }
    }

    private static func link(_ field: ProfileField, _ value: String) -> String? {
        switch field.kind {
        case .email: "mailto:\(value)"
        case .url: value
        case .text: nil
        }
    }
}

/// What the CRM pages need to know about organizations or contacts.
struct CRMResource: Sendable {
    /// A record as its page shows it.
    struct Details: Sendable {
        let name: String
        /// The form values: profile fields, and `organization_id` for contacts.
        let values: [String: String]
        let organization: CRMController.Row?
        let contacts: [CRMController.Row]
        let documents: [Document]
    }

    let path: String
    /// The English plural, for exports' sheet names.
    let plural: String
    /// The catalogue keys of what the pages call this kind of record.
    let words: Words
    let fields: [ProfileField]
    let filters: [String]
    let hasOrganization: Bool
    /// The documents list filter that shows this record's documents.
    let documentFilter: String
    let exportHeader: [String]
    let list: @Sendable (ListParameters) async throws -> Page<CRMController.Row>
    let details: @Sendable (Int64) async throws -> Details
    let create: @Sendable (Input, Actor) async throws -> Int64
    let update: @Sendable (Int64, Input, Actor) async throws -> Void
    let delete: @Sendable (Int64, Actor) async throws -> Void
    let export: @Sendable (_ write: ([[ExportCell]]) async throws -> Void) async throws -> Void
    let organizationChoices: @Sendable () async throws -> [Organization]

    static func organizations(_ service: OrganizationService) -> CRMResource {
        CRMResource(
            path: "organizations", plural: "Organizations",
            words: Words(plural: "navOrganizations", new: "newOrganization", edit: "editOrganization", addFirst: "addFirstOrganization"),
            fields: ProfileField.organization,
            filters: [], hasOrganization: false, documentFilter: "organization_id", exportHeader: Export.organizationHeader,
            list: { parameters in
                try await service.list(search: parameters.search, page: parameters.page).map(row)
            },
            details: { id in
                let details = try await service.details(id: id)
                return Details(
                    name: details.organization.name, values: details.organization.fields, organization: nil,
                    contacts: details.contacts.map(row), documents: details.documents)
            },
            create: { input, actor in try await service.create(input, by: actor).id },
            update: { id, input, actor in _ = try await service.update(id: id, input, by: actor) },
            delete: { id, actor in try await service.delete(id: id, by: actor) },
            export: { write in try await service.forEachBatch { try await write($0.map(Export.cells)) } },
            organizationChoices: { [] })
    }

    static func contacts(_ service: ContactService, organizations: OrganizationService) -> CRMResource {
        CRMResource(
            path: "contacts", plural: "Contacts",
            words: Words(plural: "navContacts", new: "newContact", edit: "editContact", addFirst: "addFirstContact"),
            fields: ProfileField.contact,
            filters: ["organization_id"], hasOrganization: true, documentFilter: "contact_id", exportHeader: Export.contactHeader,
            list: { parameters in
                try await service.list(search: parameters.search, organizationID: parameters.ids["organization_id"], page: parameters.page).map(row)
            },
            details: { id in
                let details = try await service.details(id: id)
                let contact = details.contact
                var values = contact.fields
                values["organization_id"] = contact.organizationID.map(String.init)
                let organization = contact.organizationID.map {
                    CRMController.Row(id: $0, name: contact.organizationName ?? "#\($0)", email: "", detail: "")
                }
                return Details(name: contact.fullname, values: values, organization: organization, contacts: [], documents: details.documents)
            },
            create: { input, actor in try await service.create(input, by: actor).id },
            update: { id, input, actor in _ = try await service.update(id: id, input, by: actor) },
            delete: { id, actor in try await service.delete(id: id, by: actor) },
            export: { write in try await service.forEachBatch { try await write($0.map(Export.cells)) } },
            organizationChoices: {
                // The first hundred by name; more would need a search field (noted in docs/design.md).
                try await organizations.list(search: nil, page: PageRequest(perPage: PageRequest.maximumSize)).items
            })
    }

    private static func row(_ organization: Organization) -> CRMController.Row {
        CRMController.Row(
            id: organization.id, name: organization.name, email: organization.fields["email"] ?? "",
            detail: [organization.fields["city"], organization.fields["country"]].compactMap { $0 }.joined(separator: ", "))
    }

    private static func row(_ contact: Contact) -> CRMController.Row {
        CRMController.Row(id: contact.id, name: contact.fullname, email: contact.email, detail: contact.organizationName ?? "")
    }
}

extension CRMResource {
    /// The catalogue keys of a kind of record's names: its list, its new and edit forms, the empty list's invitation.
    struct Words: Sendable {
        let plural: String
        let new: String
        let edit: String
        let addFirst: String
    }
}
