import Engage
import Foundation
import Hummingbird

/// The search box of the top bar (`/search?q=`) and `GET /api/v1/search?q=`: documents,
/// organizations and contacts found by the same words, a few of each, grouped.
struct SearchController {
    let views: ViewRenderer
    let search: SearchService

    struct SearchPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let query: String
        let error: String?
        let searched: Bool
        let nothingFound: Bool
        let groups: [Group]
    }

    /// One kind of result: its first hits and a link to all of them.
    struct Group: Sendable {
        let id: String
        let heading: String
        /// As the reader writes it ("1,250").
        let total: String
        let hits: [Hit]
        let hasHits: Bool
        let allURL: String
        let seeAll: String?
    }

    struct Hit: Sendable {
        let url: String
        let title: String
        let detail: String
        let status: String?
        let statusClass: String?
    }

    func register(on portal: RouterGroup<EngageRequestContext>, api: RouterGroup<EngageRequestContext>) {
        api.get("search") { request, _ in
            let parameters = try request.apiQuery()
            let unknown = parameters.keys.filter { $0 != "q" }.sorted()
            if !unknown.isEmpty {
                throw ValidationError(fields: unknown.map { .init(field: $0, code: .unknownField, message: "\($0) is not a parameter of search; q is.") })
            }
            return APIResponse.written(try await search.search(parameters["q"] ?? ""))
        }
        portal.get("/search") { request, context in
            let text = request.uri.queryParameters["q"].map(String.init) ?? ""
            let t = PortalLocale.current
            do {
                let results = try await search.search(text)
                return try views.render("portal/search/index", SearchPage(
                    title: t.text("searchTitle"), chrome: PortalChrome(context: context, section: "search"), query: results.query,
                    error: nil, searched: true, nothingFound: results.isEmpty, groups: Self.groups(results)))
            } catch let error as ValidationError {
                // An empty box is the page's starting state, not a mistake.
                let empty = text.trimmingWhitespace().isEmpty
                return try views.render("portal/search/index", SearchPage(
                    title: t.text("searchTitle"), chrome: PortalChrome(context: context, section: "search"), query: text,
                    error: empty ? nil : error.fields.first?.message, searched: false, nothingFound: false, groups: []),
                    status: empty ? .ok : .badRequest)
            }
        }
    }

    private static func groups(_ results: SearchService.Results) -> [Group] {
        let t = PortalLocale.current
        let query = results.query
        func group(_ id: String, _ heading: String, _ total: Int, _ hits: [Hit], list: String) -> Group {
            Group(id: id, heading: t.text(heading), total: t.count(total), hits: hits, hasHits: !hits.isEmpty,
                  allURL: QueryString.url(list, [("search", query)]),
                  seeAll: total > hits.count ? t.text("searchSeeAll", ["count": t.count(total)]) : nil)
        }
        return [
            group("documents", "navDocuments", results.documents.total, results.documents.items.map { document in
                Hit(url: "/documents/\(document.id)", title: "\(document.documentNumber) · \(document.title)",
                    detail: [document.recipientName ?? document.recipientEmail, document.totalAmount.map { t.money($0, currency: document.currency) }]
                        .compactMap { $0 }.joined(separator: " · "),
                    status: document.status.label, statusClass: document.status.badgeClass)
            }, list: "/documents"),
            group("organizations", "navOrganizations", results.organizations.total, results.organizations.items.map { organization in
                Hit(url: "/organizations/\(organization.id)", title: organization.name,
                    detail: [organization.fields["email"], organization.fields["city"]].compactMap { $0 }.joined(separator: " · "),
                    status: nil, statusClass: nil)
            }, list: "/organizations"),
            group("contacts", "navContacts", results.contacts.total, results.contacts.items.map { contact in
                Hit(url: "/contacts/\(contact.id)", title: contact.fullname,
                    detail: [contact.email, contact.organizationName].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " · "),
                    status: nil, statusClass: nil)
            }, list: "/contacts"),
        ]
    }
}
