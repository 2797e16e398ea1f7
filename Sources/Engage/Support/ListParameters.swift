/// The query of a simple list (contacts, organizations): `search`, `page`, `per_page` and id filters.
public struct ListParameters: Sendable {
    public let search: String?
    public let page: PageRequest
    /// The id filters that were given, by parameter name.
    public let ids: [String: Int64]

    /// Reads the parameters; bad values are all reported at once.
    public init(_ query: [String: String], filters: [String]) throws {
        var problems: [ValidationError.FieldError] = []
        page = PageRequest(query: query, reader: &problems)
        let text = query["search"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.count > 100 {
            problems.append(.init(field: "search", code: .tooLong, message: "search must be at most 100 characters."))
        }
        search = text.isEmpty ? nil : text
        var ids: [String: Int64] = [:]
        for name in filters {
            guard let value = query[name], !value.isEmpty else { continue }
            if let id = Int64(value), id > 0 {
                ids[name] = id
            } else {
                problems.append(.init(field: name, code: .invalidFormat, message: "\(name) must be a positive whole number."))
            }
        }
        self.ids = ids
        if !problems.isEmpty { throw ValidationError(fields: problems) }
    }

    /// The parameters again (defaults left out), for links to other pages.
    public var parameters: [(String, String)] {
        var list: [(String, String)] = ids.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }
        if let search { list.append(("search", search)) }
        return list
    }
}
