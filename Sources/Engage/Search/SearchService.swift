import Foundation

/// One search across documents, organizations and contacts through their word indexes: the first
/// few of each kind and how many there are in all, for the portal's search box and the API.
public struct SearchService: Sendable {
    private let documents: DocumentService
    private let organizations: OrganizationService
    private let contacts: ContactService
    /// Results shown per kind; the full lists are a link away.
    public static let perKind = 5
    /// The longest search the document filters take.
    public static let maximumLength = 100

    public init(documents: DocumentService, organizations: OrganizationService, contacts: ContactService) {
        self.documents = documents
        self.organizations = organizations
        self.contacts = contacts
    }

    /// What a search found, kind by kind.
    public struct Results: Sendable, JSONWritable {
        public let query: String
        public let documents: Page<Document>
        public let organizations: Page<Organization>
        public let contacts: Page<Contact>

        public var isEmpty: Bool { documents.total + organizations.total + contacts.total == 0 }

        public func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("contacts"); Self.write(contacts, &w)
            w.key("documents"); Self.write(documents, &w)
            w.key("organizations"); Self.write(organizations, &w)
            w.key("query"); w.value(query)
            w.endObject()
        }

        private static func write<Item: JSONWritable>(_ page: Page<Item>, _ w: inout JSONWriter) {
            w.beginObject()
            w.key("items"); w.beginArray(); for item in page.items { item.writeJSON(&w) }; w.endArray()
            w.key("total"); w.value(page.total)
            w.endObject()
        }
    }

    /// Documents, organizations and contacts matching `text` (trimmed; 1 to 100 characters), read at once.
    public func search(_ text: String) async throws -> Results {
        let query = text.trimmingWhitespace()
        if query.isEmpty {
            throw ValidationError(fields: [.init(field: "q", code: .required, message: "q is required: the words to look for.")])
        }
        if query.count > Self.maximumLength {
            throw ValidationError(fields: [.init(field: "q", code: .tooLong, message: "q must be at most \(Self.maximumLength) characters.")])
        }
        let page = PageRequest(perPage: Self.perKind)
        var documentQuery = DocumentQuery()
        documentQuery.search = query
        documentQuery.page = page
        async let foundDocuments = documents.list(documentQuery)
        async let foundOrganizations = organizations.list(search: query, page: page)
        async let foundContacts = contacts.list(search: query, page: page)
        return Results(query: query, documents: try await foundDocuments, organizations: try await foundOrganizations,
                       contacts: try await foundContacts)
    }
}
