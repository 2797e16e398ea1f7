import Engage
import Foundation

/// What the documents pages show of one document.
struct DocumentRow: Sendable {
    let id: Int64
    let number: String
    let title: String
    let type: String
    let status: String
    let statusClass: String
    let recipient: String
    let amount: String
    let dueDate: String
    let created: String
    let viewCount: Int
    let deleted: String

    init(_ document: Document) {
        id = document.id
        number = document.documentNumber
        title = document.title
        type = document.documentType.label
        status = document.status.label
        statusClass = document.status.badgeClass
        recipient = document.recipientName ?? document.recipientEmail ?? ""
        let t = PortalLocale.current
        amount = document.totalAmount.map { t.money($0, currency: document.currency) } ?? ""
        dueDate = document.dueDate.map(t.day) ?? ""
        created = t.day(document.createdAt)
        viewCount = document.viewCount
        deleted = document.deletedAt.map(t.day) ?? ""
    }
}

/// A sortable column header: a link that sorts by it, flipping the order when it is already the sort.
struct SortHeader: Sendable {
    let label: String
    let url: String
    let ariaSort: String
    let arrow: String

    static func all(for query: DocumentQuery, path: String) -> [SortHeader] {
        let labels: [(DocumentQuery.Sort, String)] = [
            (.documentType, "type"), (.status, "status"), (.totalAmount, "amount"), (.dueDate, "due"), (.createdAt, "created"),
        ]
        return labels.map { sort, label in
            let current = query.sort == sort
            var next = query
            next.sort = sort
            next.order = current && query.order == .desc ? .asc : .desc
            return SortHeader(
                label: PortalLocale.current.text(label), url: QueryString.url(path, next.parameters),
                ariaSort: current ? (query.order == .asc ? "ascending" : "descending") : "none",
                arrow: current ? (query.order == .asc ? "▲" : "▼") : "")
        }
    }
}

/// Previous/next links and the position in a paged list.
struct Pager: Sendable {
    let page: Int
    /// Counts as the reader writes them ("1,250").
    let totalPages: String
    let total: String
    let previousURL: String?
    let nextURL: String?

    init<Item>(_ page: Page<Item>, path: String, parameters: [(String, String)]) {
        let links = PageLinks(page, path: path, parameters: parameters)
        self.page = page.request.page
        totalPages = PortalLocale.current.count(max(page.totalPages, 1))
        total = PortalLocale.current.count(page.total)
        previousURL = links.prev
        nextURL = links.next
    }
}

/// A label and a value on a detail page.
struct Fact: Sendable {
    let label: String
    let value: String
    /// Set when the value is a link.
    let url: String?

    init(_ label: String, _ value: String?, url: String? = nil) {
        self.label = label
        self.value = value ?? ""
        self.url = url
    }
}
