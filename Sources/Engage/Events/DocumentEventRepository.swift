import Foundation

/// SQL for `document_events`: appending to a document's hash chain, and reading it back.
struct DocumentEventRepository {
    let connection: SQLConnection
    /// Where appended events are counted for analytics.
    let analytics: AnalyticsRepository
    /// False while counting is off (`ENGAGE_ANALYTICS_COUNTING=off`).
    let counts: Bool

    private static let columns = columns(of: "")

    /// The columns an event is read from, of the table aliased `alias` ("e." when joined).
    private static func columns(of alias: String) -> String {
        """
        \(alias)id, \(alias)document_id, \(alias)event_type, \(alias)access_token_id, \(alias)user_id, \(alias)ip_address,
        \(alias)user_agent, \(alias)device_type, \(alias)details, \(alias)created_at,
        DATE_FORMAT(\(alias)created_at, '%Y-%m-%d %H:%i:%s.%f') AS created_text, \(alias)chain_hash
        """
    }

    /// An event to record.
    struct NewEvent: Sendable {
        var type: EventType
        var linkID: Int64? = nil
        var userID: Int64? = nil
        var client: ClientInfo? = nil
        var details: [String: JSONValue]? = nil
        /// When it happened, if not when it is appended (demo histories).
        var at: Date? = nil
    }

    /// Appends `events` to a document's chain after `head`, the chain end its locked row holds;
    /// returns them as stored and the new end, which the caller writes back to the row.
    func append(
        _ events: [NewEvent], to documentID: Int64, after head: Data?, dimensions: AnalyticsDimensions, at time: Date
    ) async throws -> (events: [DocumentEvent], head: Data?) {
        let appended = try await append([(documentID, head, dimensions, events)], at: time)
        return (appended.events, appended.heads[documentID] ?? head)
    }

    /// Appends to several documents' chains in one statement (a sync's page): each document's
    /// events after its `head`, counted for analytics under its dimensions; returns the events
    /// as stored and each document's new end.
    func append(
        _ chains: [(documentID: Int64, head: Data?, dimensions: AnalyticsDimensions, events: [NewEvent])], at time: Date
    ) async throws -> (events: [DocumentEvent], heads: [Int64: Data]) {
        let appendedAt = EventChain.timestamp(time)
        var stored: [DocumentEvent] = []
        var heads: [Int64: Data] = [:]
        var binds: [any SQLBindable] = []
        for (documentID, start, _, events) in chains {
            var head = start
            for event in events {
                let details = try event.details.map { try SQLJSON.text($0) }
                let createdAt = event.at.map(EventChain.timestamp) ?? appendedAt
                let fields = EventChain.Fields(
                    documentID: documentID, eventType: event.type.rawValue, linkID: event.linkID, userID: event.userID,
                    ipAddress: event.client?.ipAddress, userAgent: event.client?.userAgent,
                    deviceType: event.client?.deviceType.rawValue, details: details, createdAt: createdAt)
                let link = EventChain.link(after: head, fields)
                head = link
                binds += [
                    documentID, fields.eventType, fields.linkID, fields.userID, fields.ipAddress, fields.userAgent,
                    fields.deviceType, details, createdAt, link,
                ] as [any SQLBindable]
                stored.append(DocumentEvent(
                    id: 0, documentID: documentID, eventType: event.type, linkID: event.linkID, userID: event.userID,
                    ipAddress: fields.ipAddress, userAgent: fields.userAgent, deviceType: event.client?.deviceType,
                    details: event.details, createdAt: event.at ?? time, chainHash: link.hexString))
            }
            if let head, !events.isEmpty { heads[documentID] = head }
        }
        guard !stored.isEmpty else { return ([], heads) }
        let placeholders = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: stored.count).joined(separator: ", ")
        // Ids come back in insert order; they step by the cluster's size on Galera, and interleave
        // with other inserts' under `innodb_autoinc_lock_mode = 2`, so they are read, not computed.
        let ids = try await connection.query("""
            INSERT INTO document_events (document_id, event_type, access_token_id, user_id, ip_address, user_agent,
                device_type, details, created_at, chain_hash)
            VALUES \(placeholders) RETURNING id
            """, binds).map { try $0.decode("id", as: Int64.self) }
        if counts {
            // The local day once for the append; only events with times of their own (demo histories) need theirs.
            let day = analytics.days.day(of: time)
            try await analytics.count(chains.flatMap { chain in
                chain.events.map { (AnalyticsRepository.keys(of: $0.type, details: $0.details), chain.dimensions, $0.at.map(analytics.days.day(of:)) ?? day) }
            })
        }
        return (zip(stored, ids).map { event, id in event.withID(id) }, heads)
    }

    /// The events of a document matching the filters, newest first, and how many match.
    func page(documentID: Int64, type: EventType?, from: Date?, before: Date?, limit: Int, offset: Int) async throws -> (items: [DocumentEvent], total: Int) {
        var clauses = ["document_id = ?"]
        var binds: [any SQLBindable] = [documentID]
        if let type { clauses.append("event_type = ?"); binds.append(type.rawValue) }
        if let from { clauses.append("created_at >= ?"); binds.append(from) }
        if let before { clauses.append("created_at < ?"); binds.append(before) }
        let filter = "WHERE " + clauses.joined(separator: " AND ")
        let rows = try await connection.query(
            "SELECT \(Self.columns) FROM document_events \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", binds + [limit, offset])
        let total: Int64 = try await connection.queryFirst("SELECT COUNT(*) AS n FROM document_events \(filter)", binds)?.decode("n") ?? 0
        return (try rows.map(Self.event), Int(total))
    }

    /// The newest `limit` events of live documents, with each document's number and title. The
    /// events are read newest first and their documents looked up (STRAIGHT_JOIN): left to itself,
    /// the optimizer starts from the documents and sorts every event (16 s on ten million).
    func latest(limit: Int) async throws -> [(event: DocumentEvent, number: String, title: String)] {
        try await connection.query("""
            SELECT \(Self.columns(of: "e.")), d.document_number, d.title
            FROM document_events e STRAIGHT_JOIN documents d ON d.id = e.document_id WHERE d.deleted_at IS NULL ORDER BY e.id DESC LIMIT ?
            """, [limit]).map { (try Self.event($0), try $0.decode("document_number"), try $0.decode("title")) }
    }

    /// The newest `limit` events of a document.
    func recent(documentID: Int64, limit: Int) async throws -> [DocumentEvent] {
        try await connection.query(
            "SELECT \(Self.columns) FROM document_events WHERE document_id = ? ORDER BY id DESC LIMIT ?", [documentID, limit]
        ).map(Self.event)
    }

    /// Up to `limit` events of a document in chain order after the event `after`, with the fields
    /// exactly as they were hashed.
    func chain(documentID: Int64, after: Int64, limit: Int) async throws -> [(event: DocumentEvent, fields: EventChain.Fields)] {
        try await connection.query(
            "SELECT \(Self.columns) FROM document_events WHERE document_id = ? AND id > ? ORDER BY id LIMIT ?", [documentID, after, limit]
        ).map { row in
            let fields = EventChain.Fields(
                documentID: try row.decode("document_id"), eventType: try row.decode("event_type"),
                linkID: try row.decode("access_token_id"), userID: try row.decode("user_id"),
                ipAddress: try row.decode("ip_address"), userAgent: try row.decode("user_agent"),
                deviceType: try row.decode("device_type"), details: try row.decode("details"),
                createdAt: try row.decode("created_text"))
            return (try Self.event(row), fields)
        }
    }

    /// The hash the document holds as the end of its chain.
    func chainHead(documentID: Int64) async throws -> Data? {
        try await connection.queryFirst("SELECT event_chain_head FROM documents WHERE id = ?", [documentID])?.decode("event_chain_head")
    }

    private static func event(_ row: SQLRow) throws -> DocumentEvent {
        let hash: Data = try row.decode("chain_hash")
        return DocumentEvent(
            id: try row.decode("id"), documentID: try row.decode("document_id"),
            eventType: EventType(rawValue: try row.decode("event_type")) ?? .statusChanged,
            linkID: try row.decode("access_token_id"), userID: try row.decode("user_id"),
            ipAddress: try row.decode("ip_address"), userAgent: try row.decode("user_agent"),
            deviceType: try row.decode("device_type", as: String?.self).flatMap(DeviceType.init(rawValue:)),
            details: try row.decodeJSON("details"), createdAt: try row.decode("created_at"),
            chainHash: hash.hexString)
    }
}

extension DocumentEvent {
    func withID(_ id: Int64) -> DocumentEvent {
        DocumentEvent(
            id: id, documentID: documentID, eventType: eventType, linkID: linkID, userID: userID,
            ipAddress: ipAddress, userAgent: userAgent, deviceType: deviceType, details: details, createdAt: createdAt,
            chainHash: chainHash)
    }
}

