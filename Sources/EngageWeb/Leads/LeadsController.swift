import Engage
import Foundation
import Hummingbird

/// The portal's leads: the list with the custom-field columns each user picks, filters and
/// exports; a lead's page with its history, Convert, edit and delete; the custom fields.
struct LeadsController {
    let views: ViewRenderer
    let leads: LeadService
    let syncs: LeadSyncService
    let contacts: ContactService
    let organizations: OrganizationService

    struct Row: Sendable {
        let id: Int64
        let name: String
        let email: String
        let company: String
        let cells: [String]
        let source: String
        let updated: PortalTime
        let converted: Bool
    }

    struct ColumnChoice: Sendable {
        let name: String
        let type: String
        let checked: Bool
    }

    struct IndexPage: PageContext {
        let title = PortalLocale.current.text("navLeads")
        let chrome: PortalChrome?
        let rows: [Row]
        let hasRows: Bool
        let columns: [String]
        let choices: [ColumnChoice]
        let hasFields: Bool
        let search: String
        let sourceOptions: [SelectOption]
        let convertedOptions: [SelectOption]
        let fieldOptions: [SelectOption]
        let filterValue: String
        let hasFilters: Bool
        let pager: Pager?
        let errors: [String]
        let notice: String?
        let backlog: String?
        let exportQuery: String
    }

    struct ValueRow: Sendable {
        let name: String
        let type: String
        let value: String
        let flagged: Bool
    }

    struct HistoryRow: Sendable {
        let id: Int64
        let accepted: PortalTime
        let source: String
        let documentID: Int64?
        let documentTitle: String
        let outcome: String
        let status: String
        let given: String
        let flagged: String
    }

    struct ShowPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let lead: LeadView
        let values: [ValueRow]
        let hasValues: Bool
        let history: [HistoryRow]
        let hasHistory: Bool
        let notice: String?
        let canWrite: Bool
        let canConvert: Bool
    }

    struct LeadView: Sendable {
        let id: Int64
        let email: String
        let facts: [Fact]
        let source: String
        let contactID: Int64?
        let contactName: String
        let organizationID: Int64?
        let organizationName: String
        let converted: PortalTime?
        let created: PortalTime
        let updated: PortalTime
    }

    struct Fact: Sendable {
        let label: String
        let value: String
    }

    struct FormPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let id: Int64
        let fields: [FormField]
        let customJSON: String
        let customError: String?
        let errorList: [String]
        let hasErrors: Bool
    }

    struct FormField: Sendable {
        let name: String
        let label: String
        let value: String
        let error: String?
        let type: String
    }

    struct FieldsPage: PageContext {
        let title = PortalLocale.current.text("customFields")
        let chrome: PortalChrome?
        let fields: [FieldRow]
        let hasFields: Bool
    }

    struct FieldRow: Sendable {
        let name: String
        let type: String
        let usage: Int
        let filterURL: String
    }

    private static let notices = [
        "updated": "savedNotice", "deleted": "deletedNotice", "converted": "leadConvertedNotice", "columns": "columnsSavedNotice",
    ]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/leads") { request, context in try await index(request, context) }
        portal.get("/leads.csv") { request, _ in
            let (query, fields) = try await export(request)
            return CSVDownload.response(filename: "leads", header: PortalLocale.current.columns(LeadExport.header(fields))) { write in
                try await leads.forEachBatch(query) { try await write($0.map { LeadExport.cells($0, fields).map(\.text) }) }
            }
        }
        portal.get("/leads.xlsx") { request, _ in
            let (query, fields) = try await export(request)
            return try await XLSXDownload.response(filename: "leads") { workbook in
                try workbook.addSheet("Leads", columns: XLSXWorkbook.columns(PortalLocale.current.columns(LeadExport.header(fields))))
                try await leads.forEachBatch(query) { try workbook.append($0.map { LeadExport.cells($0, fields) }) }
            }
        }
        portal.get("/leads/fields") { _, context in
            let fields = try await leads.fields()
            return try views.render("portal/leads/fields", FieldsPage(
                chrome: PortalChrome(context: context, section: "leads"),
                fields: fields.map { FieldRow(name: $0.name, type: $0.type.rawValue, usage: $0.usage, filterURL: QueryString.url("/leads", [("field", $0.name)])) },
                hasFields: !fields.isEmpty))
        }
        portal.post("/leads/columns") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            let names = form.values.keys.filter { $0.hasPrefix("column.") }.map { String($0.dropFirst("column.".count)) }.sorted()
            try await leads.saveColumns(names, userID: try context.actor().userID ?? 0)
            let back = form["query"].drop { $0 == "?" }
            return Response.redirect(to: "/leads?" + (back.isEmpty ? "" : back + "&") + "done=columns", type: .normal)
        }
        portal.get("/leads/:id") { request, context in
            try await show(try context.id(), context, notice: request.notice(from: Self.notices))
        }
        portal.get("/leads/:id/edit") { _, context in
            let lead = try await leads.find(id: try context.id())
            return try await form(context, lead: lead, values: Self.values(of: lead))
        }
        portal.post("/leads/:id") { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                _ = try await leads.update(id: id, form.input, by: try context.actor())
                return Response.redirect(to: "/leads/\(id)?done=updated", type: .normal)
            } catch let error as ValidationError {
                return try await self.form(context, lead: try await leads.find(id: id), values: form.values, errors: error)
            }
        }
        portal.post("/leads/:id/convert") { _, context in
            let id = try context.id()
            do {
                _ = try await leads.convert(id: id, by: try context.actor())
            } catch is LeadAlreadyConverted {}  // a second click: the page shows the links
            return Response.redirect(to: "/leads/\(id)?done=converted", type: .normal)
        }
        portal.post("/leads/:id/delete") { _, context in
            try await leads.delete(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/leads?done=deleted", type: .normal)
        }
    }

    /// The list's query from the filter form: `field` and `value` make one `custom.<field>` filter.
    static func query(_ parameters: [String: String]) throws -> LeadQuery {
        var parameters = parameters.filter { !$0.value.isEmpty }
        if let field = parameters.removeValue(forKey: "field"), let value = parameters.removeValue(forKey: "value") {
            parameters[LeadQuery.customPrefix + field] = value
        }
        parameters["value"] = nil
        parameters["done"] = nil
        return try LeadQuery(parameters)
    }

    private func index(_ request: Request, _ context: EngageRequestContext) async throws -> Response {
        let parameters = request.queryDictionary
        var errors: [String] = []
        var query = LeadQuery()
        var page: Page<Lead>?
        do {
            query = try Self.query(parameters)
            page = try await leads.list(query)
        } catch let error as ValidationError {
            errors = error.messages
        }
        let userID = try context.actor().userID ?? 0
        let fields = try await leads.fields()
        // The chosen fields that still exist, from the list already read.
        let chosen = try await leads.columns(userID: userID)
        let columns = fields.filter { chosen.contains($0.name) }
        let backlog = try await syncs.backlog()
        let exportQuery = QueryString.encode(query.parameters)
        return try views.render("portal/leads/index", IndexPage(
            chrome: PortalChrome(context: context, section: "leads"),
            rows: (page?.items ?? []).map { lead in
                Row(id: lead.id, name: lead.displayName, email: lead.email, company: lead.field(.company) ?? "",
                    cells: columns.map { column in lead.value(of: column.name).map(\.value) ?? "" },
                    source: lead.source.rawValue, updated: PortalTime(lead.updatedAt), converted: lead.convertedAt != nil)
            },
            hasRows: page?.items.isEmpty == false,
            columns: columns.map(\.name),
            choices: fields.map { ColumnChoice(name: $0.name, type: $0.type.rawValue, checked: chosen.contains($0.name)) },
            hasFields: !fields.isEmpty,
            search: query.search ?? "",
            sourceOptions: LeadSource.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue, selected: query.source == $0) },
            convertedOptions: [
                SelectOption(value: "false", label: PortalLocale.current.text("notYet"), selected: query.converted == .no),
                SelectOption(value: "true", label: PortalLocale.current.text("leadConverted"), selected: query.converted == .yes),
            ],
            fieldOptions: fields.map { field in
                SelectOption(value: field.name, label: field.name, selected: query.custom.keys.contains { $0.lowercased() == field.name.lowercased() } || parameters["field"] == field.name)
            },
            filterValue: query.custom.values.first ?? "",
            hasFilters: !query.parameters.isEmpty,
            pager: page.map { Pager($0, path: "/leads", parameters: query.parameters) },
            errors: errors, notice: request.notice(from: Self.notices),
            backlog: backlog.count == 0 ? nil : PortalLocale.current.text("syncsWaiting", ["count": String(backlog.count)]),
            exportQuery: exportQuery.isEmpty ? "" : "?" + exportQuery),
            status: errors.isEmpty ? .ok : .badRequest)
    }

    private func show(_ id: Int64, _ context: EngageRequestContext, notice: String?) async throws -> Response {
        let details = try await leads.details(id: id)
        let lead = details.lead
        let canWrite = try context.actor().role.canWrite
        // What the lead became, by name (a link to a record deleted since falls back to its number).
        var contactName = lead.contactID.map { "Contact #\($0)" } ?? ""
        if let id = lead.contactID, let contact = try? await contacts.find(id: id) { contactName = contact.fullname }
        var organizationName = lead.organizationID.map { "Organization #\($0)" } ?? ""
        if let id = lead.organizationID, let organization = try? await organizations.find(id: id) { organizationName = organization.name }
        return try views.render("portal/leads/show", ShowPage(
            title: lead.displayName, chrome: PortalChrome(context: context, section: "leads"),
            lead: LeadView(
                id: lead.id, email: lead.email,
                facts: LeadStandardField.allCases.compactMap { field in lead.field(field).map { Fact(label: field.portalLabel, value: $0) } },
                source: lead.source == .api ? "API sync" : "Register on a document",
                contactID: lead.contactID, contactName: contactName, organizationID: lead.organizationID, organizationName: organizationName,
                converted: lead.convertedAt.map(PortalTime.init), created: PortalTime(lead.createdAt), updated: PortalTime(lead.updatedAt)),
            values: lead.custom.map { ValueRow(name: $0.name, type: $0.type.rawValue, value: $0.value, flagged: $0.flagged) },
            hasValues: !lead.custom.isEmpty,
            history: details.history.map(Self.historyRow),
            hasHistory: !details.history.isEmpty,
            notice: notice, canWrite: canWrite, canConvert: canWrite && lead.contactID == nil))
    }

    private static func historyRow(_ sync: LeadSync) -> HistoryRow {
        let given = sync.changes.fields.keys.sorted() + sync.changes.custom.keys.sorted()
        return HistoryRow(
            id: sync.id, accepted: PortalTime(sync.createdAt), source: sync.source == .api ? "API sync" : "Register",
            documentID: sync.documentID, documentTitle: sync.documentTitle ?? "", outcome: sync.outcome?.rawValue ?? "",
            status: sync.status.rawValue, given: given.joined(separator: ", "), flagged: sync.flagged.joined(separator: ", "))
    }

    private func form(_ context: EngageRequestContext, lead: Lead, values: [String: String], errors: ValidationError? = nil) async throws -> Response {
        let messages = errors?.messagesByField ?? [:]
        let standard = [("email", PortalLocale.current.text("email"), "email")] + LeadStandardField.allCases.map { ($0.rawValue, $0.portalLabel, $0 == .phone ? "tel" : "text") }
        return try views.render("portal/leads/form", FormPage(
            title: "\(PortalLocale.current.text("edit")) \(lead.displayName)", chrome: PortalChrome(context: context, section: "leads"), id: lead.id,
            fields: standard.map { FormField(name: $0.0, label: $0.1, value: values[$0.0] ?? "", error: messages[$0.0], type: $0.2) },
            customJSON: values["custom_fields"] ?? "",
            customError: messages.first { $0.key.hasPrefix("custom_fields") }?.value,
            errorList: errors?.messages ?? [], hasErrors: errors != nil),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    /// The form's values for a lead: its fields, and its custom values as the JSON to edit.
    private static func values(of lead: Lead) -> [String: String] {
        var values = lead.fields
        values["email"] = lead.email
        var writer = JSONWriter()
        writer.beginObject()
        for value in lead.custom { writer.key(named: value.name); writer.value(value.json) }
        writer.endObject()
        values["custom_fields"] = lead.custom.isEmpty ? "" : String(decoding: writer.bytes, as: UTF8.self)
        return values
    }

    /// The export's query and every custom field, one column each.
    private func export(_ request: Request) async throws -> (LeadQuery, [LeadCustomField]) {
        var query = try Self.query(request.queryDictionary)
        query.page = PageRequest()
        return (query, try await leads.fields())
    }
}

/// The columns of a leads export: the standard fields, then every custom field.
enum LeadExport {
    static func header(_ fields: [LeadCustomField]) -> [String] {
        ["id", "email"] + LeadStandardField.allCases.map(\.rawValue) + ["source", "contact_id", "converted_at", "created_at", "updated_at"]
            + fields.map { "custom.\($0.name)" }
    }

    static func cells(_ lead: Lead, _ fields: [LeadCustomField]) -> [ExportCell] {
        [.integer(lead.id), .text(lead.email)]
            + LeadStandardField.allCases.map { lead.field($0).map(ExportCell.text) ?? .empty }
            + [.text(lead.source.rawValue), lead.contactID.map(ExportCell.integer) ?? .empty,
               lead.convertedAt.map(ExportCell.time) ?? .empty, .time(lead.createdAt), .time(lead.updatedAt)]
            + fields.map { field in lead.value(of: field.name).map { .text($0.value) } ?? .empty }
    }
}

