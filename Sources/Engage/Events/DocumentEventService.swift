import Foundation

/// The filters of a document's event list: `event_type`, `date_from`, `date_to`, `page`, `per_page`.
public struct EventQuery: Sendable {
    public var eventType: EventType?
    public var dateFrom: CalendarDate?
    public var dateTo: CalendarDate?
    public var page = PageRequest()

    /// Reads the spec's parameters; every bad value is reported at once.
    public init(parameters: [String: String]) throws {
        var reader = QueryReader(parameters)
        page = reader.page()
        eventType = reader.choice("event_type", EventType.self)
        (dateFrom, dateTo) = reader.dateRange()
        try reader.finish()
    }

    /// The query as parameters again (defaults left out), for links to other pages.
    public var parameters: [(String, String)] {
        var list: [(String, String)] = []
        if let eventType { list.append(("event_type", eventType.rawValue)) }
        if let dateFrom { list.append(("date_from", dateFrom.description)) }
        if let dateTo { list.append(("date_to", dateTo.description)) }
        if page.perPage != PageRequest.defaultSize { list.append(("per_page", String(page.perPage))) }
        return list
    }
}

/// Whether a document's whole event chain still verifies, and one page of its events, oldest first.
public struct AuditTrail: Sendable {
    public let document: Document
    /// The page's events.
    public let events: [DocumentEvent]
    public let page: PageRequest
    /// Events in the whole chain.
    public let total: Int

    /// The page's events as a page of the whole chain.
    public var eventsPage: Page<DocumentEvent> { Page(items: events, request: page, total: total) }
    /// True when every link recomputes from its row and the last one is the document's recorded head.
    public let verified: Bool
    /// The first event whose link does not recompute, when one does not.
    public let firstBrokenEventID: Int64?
}

/// Reading what happened to documents: event lists, the show payload's extras, the audit trail.
public struct DocumentEventService: Sendable {
    private let database: Database
    /// How many events the show payload carries.
    public static let recentCount = 10

    public init(database: Database) {
        self.database = database
    }

    /// A page of a live document's events, newest first.
    /// The newest events across live documents, with each document's number and title (the dashboard's activity).
    public func latest(limit: Int = 10) async throws -> [(event: DocumentEvent, number: String, title: String)] {
        try await database.read { try await $0.events.latest(limit: limit) }
    }

    public func list(documentID: Int64, _ query: EventQuery) async throws -> Page<DocumentEvent> {
        try await database.read { tx in
            try await tx.documents.requireLive(id: documentID)
            let found = try await tx.events.page(
                documentID: documentID, type: query.eventType, from: query.dateFrom?.startOfDay,
                before: query.dateTo.map { $0.startOfDay.addingTimeInterval(86_400) },
                limit: query.page.perPage, offset: query.page.offset)
            return Page(items: found.items, request: query.page, total: found.total)
        }
    }

    /// A live document with its links and latest `recent` events (the API's show payload has 10).
    public func details(documentID: Int64, recent: Int = DocumentEventService.recentCount) async throws -> DocumentDetails {
        try await database.read { tx in
            let document = try await tx.documents.requireLive(id: documentID)
            return DocumentDetails(
                document: document,
                tokens: try await tx.links.all(documentID: documentID),
                recentEvents: try await tx.events.recent(documentID: documentID, limit: recent),
                messages: try await tx.outbox.recent(documentID: documentID, limit: Self.recentCount),
                parties: try await tx.parties.all(documentID: documentID),
                content: try await PriceContent.load(.document(documentID), in: tx))
        }
    }

    /// The chain of a live document recomputed whole, and one page of its events, oldest first.
    /// The chain is read in batches, in one snapshot, so a long one never sits in memory at once.
    public func auditTrail(documentID: Int64, page: PageRequest = PageRequest(perPage: PageRequest.maximumSize)) async throws -> AuditTrail {
        try await database.read(consistent: true) { tx in
            let document = try await tx.documents.requireLive(id: documentID)
            let events = tx.events
            var previous: Data?
            var broken: Int64?
            var shown: [DocumentEvent] = []
            var count = 0
            var after: Int64 = 0
            while true {
                let batch = try await events.chain(documentID: documentID, after: after, limit: Self.chainBatch)
                guard let last = batch.last else { break }
                for (event, fields) in batch {
                    let link = EventChain.link(after: previous, fields)
                    if broken == nil, link.hexString != event.chainHash { broken = event.id }
                    // Verification continues from the stored hash, so one changed row is named alone.
                    previous = Data(hex: event.chainHash) ?? link
                    if count >= page.offset, shown.count < page.perPage { shown.append(event) }
                    count += 1
                }
                after = last.event.id
            }
            let head = try await events.chainHead(documentID: documentID)
            let verified = broken == nil && previous == head
            return AuditTrail(
                document: document, events: shown, page: page, total: count, verified: verified, firstBrokenEventID: broken)
        }
    }

    /// A live document and a reader of its events in chain order, a batch at a time (an export):
    /// the document is looked up first, so that a missing one fails before anything is sent.
    public func export(documentID: Int64) async throws -> (
        document: Document, forEachBatch: @Sendable (_ body: ([DocumentEvent]) async throws -> Void) async throws -> Void
    ) {
        let document = try await database.read { try await $0.documents.requireLive(id: documentID) }
        let database = database
        return (document, { body in
            try await database.forEachBatch(
                fetch: { try await $0.events.chain(documentID: documentID, after: $1, limit: Self.chainBatch).map(\.event) },
                id: \.id, body)
        })
    }

    /// Events read per query while the chain is verified.
    private static let chainBatch = 1_000
}
