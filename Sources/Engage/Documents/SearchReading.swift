/// How the documents of a search are read; every reading finds the same pages and totals.
///
/// The words' rows pick their documents, which suits a client's name (fifty documents) and not a
/// word of most titles (a million documents read and sorted for a page of twenty). Such a search
/// reads the documents the other way, each checked for the words: in the list's order when many
/// match the other filters, or those few matches sorted.
enum SearchReading: Equatable, Sendable {
    /// The words' rows pick the documents, which are then filtered and sorted.
    case wordsPick
    /// The documents in the list's order (from `index`, or an index MariaDB picks), each checked for the words.
    case inOrder(index: String?)
    /// The few documents matching the other filters, read from `index`, each checked for the words, then sorted.
    case sortedMatches(index: String)

    /// The bounds `DocumentRepository.reading` weighs a search by.
    struct Bounds: Sendable {
        /// Word rows above which a word is dense: on a million documents a client's name has about
        /// 500, a word of most titles hundreds of thousands.
        var denseWordRows = 2_000
        /// Word rows counted at most when weighing the words against the other filters.
        var weighedWordRows = 1_000_000
        /// Matches of the other filters at most that are sorted rather than read in the list's order,
        /// which may walk far when they cluster at its end (30,000 sorted in 0.14 s, walked in 2.3 s).
        var fewMatches = 50_000
    }
}

extension DocumentRepository {
    /// Word rows counted lately, shared by every connection.
    private static let wordRowCounts = WordRowCounts(capacity: 10_000, lifetime: .seconds(600))

    /// The cheapest reading of `query`: a search whose every word is dense reads its documents
    /// rather than its word rows. With other filters than the status, the smaller of the two sets
    /// drives, each costing 2–4 µs a row: the word rows and the other filters' matches are
    /// counted first (from index entries alone, a tenth of that), each up to what settles it.
    ///
    /// Every reading names its index: left to choose, MariaDB answered the same statement from the
    /// right index one time and from a scan of the table the next (0.05 s, then 1.6 s).
    func reading(for query: DocumentQuery, bounds: SearchReading.Bounds = .init()) async throws -> SearchReading {
        guard let search = query.search, !SearchText.words(of: search).isEmpty,
              try await wordRows(query, upTo: bounds.denseWordRows) > bounds.denseWordRows
        else { return .wordsPick }
        guard Self.hasOtherFilters(query) else { return .inOrder(index: Self.orderIndex(query)) }
        // Picked documents are sorted too: checking half as many again costs about the same
        // (125,000 picked in 0.43 s, 250,000 checked in 0.6 s; a million picked in 4.4 s, checked in 2.6 s).
        let words = try await wordRows(query, upTo: bounds.weighedWordRows)
        let matches = try await matchingRows(query, upTo: words * 3 / 2)
        if matches > words * 3 / 2 { return .wordsPick }
        return matches <= bounds.fewMatches ? .sortedMatches(index: Self.filterIndex(query).name) : .inOrder(index: Self.orderIndex(query))
    }

    /// True when `query` filters on more than its search, status and liveness.
    static func hasOtherFilters(_ query: DocumentQuery) -> Bool {
        query.deleted || query.documentType != nil || query.externalSource != nil || query.contactID != nil
            || query.organizationID != nil || query.dateFrom != nil || query.dateTo != nil || query.viewed != nil
    }

    /// The index giving the list's order among the live documents of a status, or of any status;
    /// nil for the sorts no index gives within a status.
    static func orderIndex(_ query: DocumentQuery) -> String? {
        guard query.status != nil else {
            return switch query.sort {
            case .createdAt: "documents_created"
            case .updatedAt: "documents_updated"
            case .documentType: "documents_type"
            case .status: "documents_status"
            case .totalAmount: "documents_amount"
            case .dueDate: "documents_due"
            }
        }
        return switch query.sort {
        case .createdAt: "documents_status_created"
        case .dueDate: "documents_status_due"
        case .status: "documents_status"
        default: nil
        }
    }

    /// The index holding the fewest entries beyond `query`'s matches, as far as the filters tell
    /// (a contact's or organization's documents before a status's, a status's before a type's), and
    /// the filters its entries hold: that one, liveness and the creation dates.
    static func filterIndex(_ query: DocumentQuery) -> (name: String, holds: DocumentQuery) {
        var held = DocumentQuery()
        held.deleted = query.deleted
        held.dateFrom = query.dateFrom
        held.dateTo = query.dateTo
        func holding<Value>(_ filter: WritableKeyPath<DocumentQuery, Value?>, _ index: String) -> (name: String, holds: DocumentQuery)? {
            guard let value = query[keyPath: filter] else { return nil }
            var holds = held
            holds[keyPath: filter] = value
            return (index, holds)
        }
        if let index = holding(\.contactID, "documents_contact_created") ?? holding(\.organizationID, "documents_organization_created") {
            return index
        }
        if query.deleted { return ("documents_created", held) }
        return holding(\.status, "documents_status_created") ?? holding(\.documentType, "documents_type_created")
            ?? holding(\.externalSource, "documents_source_created") ?? holding(\.viewed, "documents_viewed_created")
            ?? ("documents_created", held)
    }

    /// The fewest rows of any word of `query`'s search, each counted up to `limit + 1`. Words not
    /// counted lately are counted in one statement.
    private func wordRows(_ query: DocumentQuery, upTo limit: Int) async throws -> Int {
        var fewest = Int.max
        var uncounted: [WordRowCounts.Key] = []
        for word in SearchText.words(of: query.search ?? "") {
            let key = WordRowCounts.Key(word: word, status: query.status?.rawValue, live: !query.deleted, limit: limit)
            if let rows = Self.wordRowCounts.rows(key) { fewest = min(fewest, rows) } else { uncounted.append(key) }
        }
        guard !uncounted.isEmpty else { return fewest }
        var probes: [String] = []
        var binds: [any SQLBindable] = []
        for (index, key) in uncounted.enumerated() {
            let rows = Self.wordRows(key.word, query)
            probes.append("(SELECT COUNT(*) FROM (SELECT 1 \(rows.sql) LIMIT ?) w) AS w\(index)")
            binds += rows.binds + [limit + 1]
        }
        guard let row = try await connection.queryFirst("SELECT \(probes.joined(separator: ", "))", binds) else { return 0 }
        for (index, key) in uncounted.enumerated() {
            let rows = Int(try row.decode("w\(index)", as: Int64.self))
            Self.wordRowCounts.remember(key, rows: rows)
            fewest = min(fewest, rows)
        }
        return fewest
    }

    /// The documents matching `query`'s filters but its search, counted up to `limit + 1`, or more:
    /// only the filters its index holds are applied, so that the count reads index entries alone,
    /// or the few rows of `document_counts` when those are a status, type or source.
    private func matchingRows(_ query: DocumentQuery, upTo limit: Int) async throws -> Int {
        let index = Self.filterIndex(query)
        if Self.isCountable(index.holds) {
            let total = Self.countedTotal(index.holds)
            return try await connection.queryFirst("SELECT (\(total.sql)) AS matching", total.binds)?.decode("matching") ?? 0
        }
        let filter = Self.filter(index.holds, words: .ignored)
        let rows: Int64 = try await connection.queryFirst(
            "SELECT COUNT(*) AS matching FROM (SELECT 1 FROM documents FORCE INDEX (\(index.name)) \(filter.sql) LIMIT ?) m",
            filter.binds + [limit + 1]
        )?.decode("matching") ?? 0
        return Int(rows)
    }
}
