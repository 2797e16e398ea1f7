import Foundation

/// Price tables seen before they are saved: the portal's editor prices what is being typed with
/// the same reader, catalogue and arithmetic as a save (which goes through `DocumentService.update`).
public struct ProposalService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// `content` (`{"pricetables": [...]}`) completed from the catalogue and priced, or every problem at once.
    public func preview(_ content: JSONValue, isForm: Bool = false) async throws -> PriceContent {
        var reader = InputReader(Input(["content": content], isForm: isForm), allowed: ["content"])
        let drafts = reader.priceTables()
        return try await database.read { tx in
            let tables = try await reader.completedPriceTables(drafts, in: tx) ?? []
            try reader.finish()
            return try await PriceContent.of(tables, in: tx)
        }
    }

    /// A live document's price tables priced, and whether they may still change.
    public func content(documentID: Int64) async throws -> (content: PriceContent, isFrozen: Bool) {
        try await database.read { tx in
            let document = try await tx.documents.requireLive(id: documentID)
            return (try await PriceContent.load(.document(documentID), in: tx), try await PricesFrozen.isFrozen(document, in: tx))
        }
    }

    /// True when the document has a price table (its amount is then theirs).
    public func hasTables(documentID: Int64) async throws -> Bool {
        try await database.read { try await $0.priceTables.exist(for: .document(documentID)) }
    }

    /// The first products by name, for the editor's "add from the catalogue".
    public func productChoices() async throws -> [Product] {
        try await database.read { try await $0.catalogue.products(directoryID: nil, search: nil, page: PageRequest(perPage: PageRequest.maximumSize)).items }
    }

    /// The VAT groups, for the editor's rate suggestions.
    public func vatGroups() async throws -> [VATGroup] {
        try await database.read { try await $0.catalogue.vatGroups() }
    }
}
