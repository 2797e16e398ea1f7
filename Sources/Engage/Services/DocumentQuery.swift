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
    /// Lists soft-deleted documents instead of live ones (the admin's "Deleted" view).
    public var deleted = false

    /// An unfiltered first page, newest first.
    public init() {}

    /// The query parameter names, in the order the spec lists them.
    public static let parameterNames = [
        "page", "per_page", "status", "document_type", "external_source", "contact_id", "organization_id",
        "date_from", "date_to", "viewed", "search", "sort", "order",
    ]

    /// Reads the spec's query parameters; every bad value is reported at once. Empty values mean "no filter".
    public init(parameters: [String: String]) throws {
        var problems: [ValidationError.FieldError] = []
        func value(_ name: String) -> String? {
            let text = parameters[name]?.trimmingCharacters(in: .whitespaces)
            return text?.isEmpty == false ? text : nil
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) -> T? where T.RawValue == String {
            guard let text = value(name) else { return nil }
            guard let parsed = T(rawValue: text) else {
                problems.append(.init(field: name, code: .invalidValue, message: "\(name) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))."))
                return nil
            }
            return parsed
        }
        func id(_ name: String) -> Int64? {
            guard let text = value(name) else { return nil }
            guard let parsed = Int64(text), parsed > 0 else {
                problems.append(.init(field: name, code: .invalidFormat, message: "\(name) must be a positive whole number."))
                return nil
            }
            return parsed
        }
        func date(_ name: String) -> CalendarDate? {
            guard let text = value(name) else { return nil }
            guard let parsed = CalendarDate(text) else {
                problems.append(.init(field: name, code: .invalidFormat, message: "\(name) must be a real date written YYYY-MM-DD."))
                return nil
            }
            return parsed
        }

        page = PageRequest(query: parameters, reader: &problems)
        status = choice("status", DocumentStatus.self)
        documentType = choice("document_type", DocumentType.self)
        externalSource = choice("external_source", ExternalSource.self)
        contactID = id("contact_id")
        organizationID = id("organization_id")
        dateFrom = date("date_from")
        dateTo = date("date_to")
        if let from = dateFrom, let to = dateTo, to < from {
            problems.append(.init(field: "date_to", code: .outOfRange, message: "date_to must not be before date_from."))
        }
        switch value("viewed")?.lowercased() {
        case nil: viewed = nil
        case "true", "1": viewed = true
        case "false", "0": viewed = false
        default: problems.append(.init(field: "viewed", code: .invalidValue, message: "viewed must be true or false."))
        }
        if let search = value("search") {
            if search.count > 100 {
                problems.append(.init(field: "search", code: .tooLong, message: "search must be at most 100 characters."))
            }
            self.search = search
        }
        sort = choice("sort", Sort.self) ?? .createdAt
        order = choice("order", Order.self) ?? .desc
        if !problems.isEmpty { throw ValidationError(fields: problems) }
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
