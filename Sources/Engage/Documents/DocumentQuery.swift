import Foundation

/// The filters, search, sort and page of a documents list, as the API and the portal's filter form give them.
public struct DocumentQuery: Sendable, Equatable {
    /// Columns a list can be sorted by; the raw value is the API's name and the column.
    public enum Sort: String, Sendable, CaseIterable {
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case documentType = "document_type"
        case status
        case totalAmount = "total_amount"
        case dueDate = "due_date"
    }

    public enum Order: String, Sendable, CaseIterable {
        case asc, desc
    }

    public var status: DocumentStatus?
    public var documentType: DocumentType?
    public var externalSource: ExternalSource?
    public var contactID: Int64?
    public var organizationID: Int64?
    /// Created on or after this day (UTC).
    public var dateFrom: CalendarDate?
    /// Created on or before this day (UTC).
    public var dateTo: CalendarDate?
    /// True: viewed at least once; false: never viewed.
    public var viewed: Bool?
    /// Words looked up in the document number, title and external id.
    public var search: String?
    public var sort: Sort = .createdAt
    public var order: Order = .desc
    public var page = PageRequest()
    /// Goes on after the row a previous page ended with, instead of counting rows to `page`.
    public var cursor: DocumentCursor?
    /// Lists soft-deleted documents instead of live ones (the admin's "Deleted" view).
    public var deleted = false

    /// An unfiltered first page, newest first.
    public init() {}

    /// The query parameter names, in the order the spec lists them.
    public static let parameterNames = [
        "page", "per_page", "status", "document_type", "external_source", "contact_id", "organization_id",
        "date_from", "date_to", "viewed", "search", "sort", "order", "cursor",
    ]

    /// Rows a page number may skip at most; deeper, a list is followed with `cursor`.
    public static let maximumOffset = 10_000

    /// Reads the spec's query parameters; every bad value is reported at once. Empty values mean "no filter".
    /// The parameters that filter and order the list (besides its pages).
    public static let filterNames: Set<String> = [
        "status", "document_type", "external_source", "contact_id", "organization_id", "date_from", "date_to", "viewed", "search",
        "sort", "order",
    ]

    public init(parameters: [String: String]) throws {
        var reader = QueryReader(parameters)
        page = reader.page()
        status = reader.choice("status", DocumentStatus.self)
        documentType = reader.choice("document_type", DocumentType.self)
        externalSource = reader.choice("external_source", ExternalSource.self)
        contactID = reader.id("contact_id")
        organizationID = reader.id("organization_id")
        (dateFrom, dateTo) = reader.dateRange()
        switch reader.value("viewed")?.lowercased() {
        case nil: viewed = nil
        case "true", "1": viewed = true
        case "false", "0": viewed = false
        default: reader.report("viewed", .invalidValue, "viewed must be true or false.")
        }
        if let search = reader.value("search") {
            if search.count > 100 {
                reader.report("search", .tooLong, "search must be at most 100 characters.")
            }
            self.search = search
        }
        sort = reader.choice("sort", Sort.self) ?? .createdAt
        order = reader.choice("order", Order.self) ?? .desc
        if let text = reader.value("cursor") {
            if let cursor = DocumentCursor(encoded: text), cursor.sort == sort, cursor.order == order {
                self.cursor = cursor
            } else {
                reader.report("cursor", .invalidValue, "cursor must be one that links.next gave for the same sort and order.")
            }
        } else if page.offset >= Self.maximumOffset {
            reader.report(
                "page", .outOfRange,
                "Pages beyond the first \(Self.maximumOffset) rows are not served by number: follow links.next, whose cursor goes on from the last row.")
        }
        try reader.finish()
    }

    /// Where the list goes on after `page`: a cursor when the request used one or the next page would
    /// be past `maximumOffset`; nil when `page` was the last (or a page number will do).
    public func nextCursor(after page: Page<Document>) -> DocumentCursor? {
        guard page.items.count == page.request.perPage, let last = page.items.last,
              cursor != nil || page.request.offset + page.request.perPage >= Self.maximumOffset
        else { return nil }
        return DocumentCursor(after: last, sort: sort, order: order)
    }

    /// The query as parameters again (defaults left out), for links to other pages and sorts.
    public var parameters: [(String, String)] {
        var list: [(String, String)] = []
        if let status { list.append(("status", status.rawValue)) }
        if let documentType { list.append(("document_type", documentType.rawValue)) }
        if let externalSource { list.append(("external_source", externalSource.rawValue)) }
        if let contactID { list.append(("contact_id", String(contactID))) }
        if let organizationID { list.append(("organization_id", String(organizationID))) }
        if let dateFrom { list.append(("date_from", dateFrom.description)) }
        if let dateTo { list.append(("date_to", dateTo.description)) }
        if let viewed { list.append(("viewed", String(viewed))) }
        if let search { list.append(("search", search)) }
        if sort != .createdAt { list.append(("sort", sort.rawValue)) }
        if order != .desc { list.append(("order", order.rawValue)) }
        if page.perPage != PageRequest.defaultSize { list.append(("per_page", String(page.perPage))) }
        return list
    }
}
