import Foundation
import MariaDB

/// SQL for `document_events`: appending to a document's hash chain, and reading it back.
struct DocumentEventRepository {
    let connection: MariaDBConnection

    private static let columns = """
        id, document_id, event_type, access_token_id, user_id, ip_address, user_agent, device_type, details, created_at,
        DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') AS created_text, chain_hash
        """

    /// An event to record.
    struct NewEvent: Sendable {
        var type: EventType
        var accessTokenID: Int64? = nil
        var userID: Int64? = nil
        var client: ClientInfo? = nil
        var details: [String: JSONValue]? = nil
    }

    /// Appends `events` to the chain of a live document and applies what they mean to it: views
    /// counted, first times stamped, status moved forward only. Must run inside a transaction; the
    /// document row stays locked until it ends, which keeps its chain in order. Nil when the
    /// document does not exist or is deleted.
    func append(_ events: [NewEvent], to documentID: Int64, at time: Date = Date()) async throws -> [DocumentEvent]? {
        guard let row = try await connection.queryFirst(
            "SELECT status, event_chain_head FROM documents WHERE id = ? AND deleted_at IS NULL FOR UPDATE", [documentID])
        else { return nil }
        var status = DocumentStatus(rawValue: try row.decode("status")) ?? .draft
        let startStatus = status
        var head: Data? = try row.decode("event_chain_head")
        let createdAt = EventChain.timestamp(time)

        var stored: [DocumentEvent] = []
        var binds: [any MariaDBEncodable] = []
        for event in events {
            let details = try event.details.map { try MariaDBValue.json($0) }
            let fields = EventChain.Fields(
                documentID: documentID, eventType: event.type.rawValue, accessTokenID: event.accessTokenID, userID: event.userID,
                ipAddress: event.client?.ipAddress, userAgent: event.client?.userAgent,
                deviceType: event.client?.deviceType.rawValue, details: details.flatMap { String.decode(from: $0) }, createdAt: createdAt)
            let link = EventChain.link(after: head, fields)
            head = link
            binds += [
                documentID, fields.eventType, fields.accessTokenID, fields.userID, fields.ipAddress, fields.userAgent,
                fields.deviceType, details, createdAt, link,
            ] as [any MariaDBEncodable]
            stored.append(DocumentEvent(
                id: 0, documentID: documentID, eventType: event.type, accessTokenID: event.accessTokenID, userID: event.userID,
                ipAddress: fields.ipAddress, userAgent: fields.userAgent, deviceType: event.client?.deviceType,
                details: event.details, createdAt: time, chainHash: link.hexString))
            if let next = event.type.impliedStatus, status != next, status.canChange(to: next) {
                status = next
            }
        }
        guard !events.isEmpty else { return [] }
        let placeholders = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: events.count).joined(separator: ", ")
        let inserted = try await connection.execute("""
            INSERT INTO document_events (document_id, event_type, access_token_id, user_id, ip_address, user_agent,
                device_type, details, created_at, chain_hash)
            VALUES \(placeholders)
            """, binds)
        try await applyEffects(of: events.map(\.type), to: documentID, status: status == startStatus ? nil : status, head: head, time: time)
        // InnoDB gives a multi-row insert consecutive ids from the first one.
        let firstID = Int64(inserted.lastInsertID)
        return stored.enumerated().map { offset, event in event.withID(firstID + Int64(offset)) }
    }

    /// Counts views and stamps the first time of each thing a recipient did (whatever the status).
    private func applyEffects(of types: [EventType], to documentID: Int64, status: DocumentStatus?, head: Data?, time: Date) async throws {
        var assignments = ["event_chain_head = ?"]
        var binds: [any MariaDBEncodable] = [head]
        let views = types.filter { $0 == .pageViewed }.count
        if views > 0 {
            assignments.append("view_count = view_count + ?, last_viewed_at = ?")
            binds += [views, time] as [any MariaDBEncodable]
        }
        // Column names come from DocumentStatus, never from input.
        for column in Set(types.compactMap(\.stampColumn)).sorted() {
            assignments.append("\(column) = IFNULL(\(column), ?)")
            binds.append(time)
        }
        if let status {
            assignments.append("status = ?")
            binds.append(status.rawValue)
        }
        try await connection.execute(
            "UPDATE documents SET \(assignments.joined(separator: ", ")) WHERE id = ?", binds + [documentID])
    }

    /// The events of a document matching the filters, newest first, and how many match.
    func page(documentID: Int64, type: EventType?, from: Date?, before: Date?, limit: Int, offset: Int) async throws -> (items: [DocumentEvent], total: Int) {
        var clauses = ["document_id = ?"]
        var binds: [any MariaDBEncodable] = [documentID]
        if let type { clauses.append("event_type = ?"); binds.append(type.rawValue) }
        if let from { clauses.append("created_at >= ?"); binds.append(from) }
        if let before { clauses.append("created_at < ?"); binds.append(before) }
        let filter = "WHERE " + clauses.joined(separator: " AND ")
        let rows = try await connection.query(
            "SELECT \(Self.columns) FROM document_events \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", binds + [limit, offset])
        let total: Int64 = try await connection.queryFirst("SELECT COUNT(*) AS n FROM document_events \(filter)", binds)?.decode("n") ?? 0
        return (try rows.map(Self.event), Int(total))
    }

    /// The newest `limit` events of a document.
    func recent(documentID: Int64, limit: Int) async throws -> [DocumentEvent] {
        try await connection.query(
            "SELECT \(Self.columns) FROM document_events WHERE document_id = ? ORDER BY id DESC LIMIT ?", [documentID, limit]
        ).map(Self.event)
    }

    /// Every event of a document in chain order, with the fields exactly as they were hashed.
    func chain(documentID: Int64) async throws -> [(event: DocumentEvent, fields: EventChain.Fields)] {
        try await connection.query(
            "SELECT \(Self.columns) FROM document_events WHERE document_id = ? ORDER BY id", [documentID]
        ).map { row in
            let fields = EventChain.Fields(
                documentID: try row.decode("document_id"), eventType: try row.decode("event_type"),
                accessTokenID: try row.decode("access_token_id"), userID: try row.decode("user_id"),
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

    private static func event(_ row: MariaDBRow) throws -> DocumentEvent {
        let hash: Data = try row.decode("chain_hash")
        return DocumentEvent(
            id: try row.decode("id"), documentID: try row.decode("document_id"),
            eventType: EventType(rawValue: try row.decode("event_type")) ?? .statusChanged,
            accessTokenID: try row.decode("access_token_id"), userID: try row.decode("user_id"),
            ipAddress: try row.decode("ip_address"), userAgent: try row.decode("user_agent"),
            deviceType: try row.decode("device_type", as: String?.self).flatMap(DeviceType.init(rawValue:)),
            details: try row.decodeJSON("details"), createdAt: try row.decode("created_at"),
            chainHash: hash.hexString)
    }
}

extension DocumentEvent {
    func withID(_ id: Int64) -> DocumentEvent {
        DocumentEvent(
            id: id, documentID: documentID, eventType: eventType, accessTokenID: accessTokenID, userID: userID,
            ipAddress: ipAddress, userAgent: userAgent, deviceType: deviceType, details: details, createdAt: createdAt,
            chainHash: chainHash)
    }
}

