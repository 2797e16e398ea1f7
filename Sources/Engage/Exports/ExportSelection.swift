/// What an export contains: the documents named, or those the list's filters match.
struct ExportSelection: Codable, Sendable, Equatable {
    var documentIDs: [Int64]?
    var filters: [String: String]?

    enum CodingKeys: String, CodingKey {
        case documentIDs = "document_ids"
        case filters
    }
}
