/// Which page of a list to read: `page` from 1, `per_page` from 1 to 100.
public struct PageRequest: Sendable, Equatable {
    public static let defaultSize = 20
    public static let maximumSize = 100

    public let page: Int
    public let perPage: Int

    /// A page request that is known to be in range.
    public init(page: Int = 1, perPage: Int = PageRequest.defaultSize) {
        precondition(page >= 1 && (1...Self.maximumSize).contains(perPage))
        self.page = page
        self.perPage = perPage
    }

    /// Reads `page` and `per_page` from query parameters; out-of-range values are errors, not clamped.
    init(query: [String: String], reader problems: inout [ValidationError.FieldError]) {
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            guard let text = query[name], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
                problems.append(.init(
                    field: name, code: .outOfRange,
                    message: upper.isEmpty ? "\(name) must be a whole number from \(range.lowerBound)." : "\(name) must be a whole number between \(range.lowerBound)\(upper)."))
                return value
            }
            return parsed
        }
        // An offset beyond this would make MariaDB walk millions of rows to return nothing.
        self.init(page: number("page", default: 1, range: 1...1_000_000), perPage: number("per_page", default: Self.defaultSize, range: 1...Self.maximumSize))
    }

    /// Reads `page` and `per_page` alone; every bad value (or any other parameter) is reported.
    public init(parameters: [String: String]) throws {
        var problems: [ValidationError.FieldError] = []
        self.init(query: parameters, reader: &problems)
        for name in parameters.keys.sorted() where name != "page" && name != "per_page" {
            problems.append(.init(field: name, code: .unknownField, message: "\(name) is not a parameter of this list."))
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
    }

    /// Rows to skip.
    var offset: Int { (page - 1) * perPage }
}

/// One page of a list and where it sits in the whole.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let request: PageRequest
    /// Items in the whole list.
    public let total: Int

    /// Pages in the whole list (0 when it is empty).
    public var totalPages: Int { (total + request.perPage - 1) / request.perPage }

    /// The same page with its items transformed.
    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), request: request, total: total)
    }
}

extension Page {
    /// The page `request` asks for of a short list held whole in memory (VAT groups, directories).
    public init(slicing all: [Item], request: PageRequest) {
        self.init(items: Array(all.dropFirst(request.offset).prefix(request.perPage)), request: request, total: all.count)
    }
}
