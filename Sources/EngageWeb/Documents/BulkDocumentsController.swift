import Engage
import Foundation
import Hummingbird

/// The documents list's bulk actions: the ticked documents (or every one matching the filters)
/// moved to a status, deleted or exported, after a confirmation page, each by the single action's
/// rules; then what each came to (or the export's page).
struct BulkDocumentsController {
    let views: ViewRenderer
    let documents: DocumentService
    let exports: ExportService

    /// The actions offered (a status, delete, or an export), named in the reader's language.
    static var actions: [(String, String)] {
        let t = PortalLocale.current
        return DocumentStatus.allCases.map { ("status:\($0.rawValue)", t.text("changeStatusTo", ["status": $0.label])) } + [("delete", t.text("delete"))]
            + ExportFormat.allCases.map { ("export:\($0.rawValue)", t.text("exportAs", ["format": $0.rawValue.uppercased()])) }
    }

    struct ConfirmPage: PageContext {
        let title = PortalLocale.current.text("confirm")
        let chrome: PortalChrome?
        let action: String
        let label: String
        /// As the reader writes it ("1,250").
        let count: String
        let ids: String
        let numbers: String
        let backURL: String
        let query: String
        let deleting: Bool
        /// Every document the filters match, however many (exports only).
        let allMatching: Bool
        let problem: String?
    }

    struct Outcome: Sendable {
        let id: Int64
        let number: String
        let result: String
        let failed: Bool
    }

    struct DonePage: PageContext {
        let title = PortalLocale.current.text("bulkDone")
        let chrome: PortalChrome?
        let label: String
        let done: Int
        let failed: Int
        let outcomes: [Outcome]
        let backURL: String
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.post("/documents/bulk") { _, context in
            _ = try context.actor()
            let form = context.form ?? FormData(urlEncoded: "")
            let query = form["query"]
            let back = query.isEmpty ? "/documents" : "/documents?\(query)"
            let chosen = Self.actions.first { $0.0 == form["action"] }
            var ids = form.values.keys.compactMap { $0.hasPrefix("document_") ? Int64($0.dropFirst(9)) : nil }.sorted()
            var problem: String?
            let exporting = chosen?.0.hasPrefix("export:") == true
            let allMatching = form["all_matching"] == "on"
            var count = ids.count
            if allMatching, exporting {
                count = try await documents.list(Self.documentQuery(query)).total
                ids = []
            } else if allMatching {
                (ids, problem) = try await matching(query)
                count = ids.count
            }
            if chosen == nil { problem = "Choose what to do with the documents." }
            if count == 0, problem == nil { problem = "Tick at least one document, or all those matching." }
            let numbers = try await documents.find(ids: Array(ids.prefix(20))).map(\.documentNumber)
            return try views.render("portal/documents/bulk-confirm", ConfirmPage(
                chrome: PortalChrome(context: context, section: "documents"), action: chosen?.0 ?? "", label: chosen?.1 ?? "",
                count: PortalLocale.current.count(count), ids: ids.map(String.init).joined(separator: ","),
                numbers: numbers.joined(separator: ", ") + (ids.count > numbers.count ? " …" : ""), backURL: back, query: query,
                deleting: chosen?.0 == "delete", allMatching: allMatching && exporting, problem: problem),
                status: problem == nil ? .ok : .unprocessableContent)
        }
        portal.post("/documents/bulk/confirm") { _, context in
            let actor = try context.actor()
            let form = context.form ?? FormData(urlEncoded: "")
            guard let chosen = Self.actions.first(where: { $0.0 == form["action"] }) else { throw HTTPError(.badRequest) }
            let ids = form["ids"].split(separator: ",").compactMap { Int64($0) }.map { JSONValue.number(Decimal($0)) }
            if chosen.0.hasPrefix("export:"), let format = ExportFormat(rawValue: String(chosen.0.dropFirst(7))) {
                let created = form["all_matching"] == "on"
                    ? try await exports.create(format: format, listParameters: Self.parameters(form["query"]), by: actor)
                    : try await exports.create(Input(["document_ids": .array(ids), "format": .string(format.rawValue)]), by: actor)
                return Response.redirect(to: "/exports/\(created.token)", type: .normal)
            }
            var input = Input(["document_ids": .array(ids)])
            let results: [(documentID: Int64, result: Result<Document, any Error>)]
            if chosen.0.hasPrefix("status:") {
                input.values["status"] = .string(String(chosen.0.dropFirst(7)))
                results = try await documents.bulkStatus(input, by: actor)
            } else {
                results = try await documents.bulkDelete(input, by: actor)
            }
            let outcomes = results.map { id, result in
                switch result {
                case .success(let document): Outcome(id: id, number: document.documentNumber, result: document.status.rawValue, failed: false)
                case .failure(let error as ValidationError): Outcome(id: id, number: "#\(id)", result: error.messages.joined(separator: " "), failed: true)
                case .failure: Outcome(id: id, number: "#\(id)", result: "Not found (deleted meanwhile?).", failed: true)
                }
            }
            let query = form["query"]
            return try views.render("portal/documents/bulk-done", DonePage(
                chrome: PortalChrome(context: context, section: "documents"), label: chosen.1,
                done: outcomes.filter { !$0.failed }.count, failed: outcomes.filter(\.failed).count, outcomes: outcomes,
                backURL: query.isEmpty ? "/documents" : "/documents?\(query)"))
        }
    }

    /// The list's parameters in `query` (its address's query string), without the page.
    private static func parameters(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            // A form's `+` is a space; `%2B` is a plus, so spaces are restored before decoding.
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                let text = $0.replacingOccurrences(of: "+", with: " ")
                return text.removingPercentEncoding ?? text
            }
            if parts.count == 2, parameters[parts[0]] == nil { parameters[parts[0]] = parts[1] }
        }
        parameters["page"] = nil
        return parameters
    }

    /// The list's filters in `query`, every page.
    private static func documentQuery(_ query: String) throws -> DocumentQuery {
        var documentQuery = try DocumentQuery(parameters: parameters(query))
        documentQuery.page = PageRequest()
        return documentQuery
    }

    /// The ids of every live document the list's filters (`query`, as in its address) match; a problem when there are too many.
    private func matching(_ query: String) async throws -> ([Int64], String?) {
        let documentQuery = try Self.documentQuery(query)
        var ids: [Int64] = []
        try await documents.forEachBatch(documentQuery, batch: DocumentService.maximumBulk + 1) { batch in
            if ids.count <= DocumentService.maximumBulk { ids += batch.map(\.id) }
        }
        guard ids.count <= DocumentService.maximumBulk else {
            return ([], "\(ids.count) or more documents match: narrow the filters to at most \(DocumentService.maximumBulk).")
        }
        return (ids, nil)
    }
}
