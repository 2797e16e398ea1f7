/// The search, filters, sort and page of a leads list, as the API and the portal's filter form give them.
public struct LeadQuery: Sendable, Equatable {
    public enum Sort: String, CaseIterable, Sendable {
        case updatedAt = "updated_at", createdAt = "created_at", email, lastName = "last_name", company
    }

    public enum Order: String, CaseIterable, Sendable { case asc, desc }

    /// Whether converted leads are listed.
    public enum Converted: String, CaseIterable, Sendable { case yes = "true", no = "false" }

    public var search: String?
    public var source: LeadSource?
    public var converted: Converted?
    /// `custom.<field>=value` filters, by field name as given.
    public var custom: [String: String] = [:]
    public var sort: Sort = .updatedAt
    public var order: Order = .desc
    public var page = PageRequest()

    public init() {}

    /// The prefix of custom-field filters.
    public static let customPrefix = "custom."

    /// Reads the query string; every problem is reported at once, unknown parameters included.
    public init(_ parameters: [String: String]) throws {
        var reader = QueryReader(parameters)
        let text = reader.value("search")
        if let text, text.count > 100 { reader.report("search", .tooLong, "search must be at most 100 characters.") }
        search = text
        source = reader.choice("source", LeadSource.self)
        converted = reader.choice("converted", Converted.self)
        sort = reader.choice("sort", Sort.self) ?? .updatedAt
        order = reader.choice("order", Order.self) ?? .desc
        page = reader.page()
        for (name, value) in parameters where name.hasPrefix(Self.customPrefix) {
            let field = String(name.dropFirst(Self.customPrefix.count))
            let value = value.trimmingCharacters(in: .whitespaces)
            if !LeadChanges.isFieldName(field) {
                reader.report(name, .invalidFormat, "\(name): a custom field's name is 1 to 64 letters, digits, '_', '-' or '.'.")
            } else if !value.isEmpty {
                custom[field] = value
            }
        }
        if custom.count > 10 { reader.report("custom", .tooLong, "At most 10 custom.<field> filters at once.") }
        reader.refuseOthers(than: Set(["search", "source", "converted", "sort", "order", "page", "per_page"])
            .union(parameters.keys.filter { $0.hasPrefix(Self.customPrefix) }))
        try reader.finish()
    }

    /// The query as parameters again (defaults left out), for links to other pages and sorts.
    public var parameters: [(String, String)] {
        var list: [(String, String)] = []
        if let search { list.append(("search", search)) }
        if let source { list.append(("source", source.rawValue)) }
        if let converted { list.append(("converted", converted.rawValue)) }
        for (name, value) in custom.sorted(by: { $0.key < $1.key }) { list.append((Self.customPrefix + name, value)) }
        if sort != .updatedAt { list.append(("sort", sort.rawValue)) }
        if order != .desc { list.append(("order", order.rawValue)) }
        return list
    }
}
