import Foundation

/// What analytics group a document's events by.
struct AnalyticsDimensions: Sendable, Hashable {
    let documentType: DocumentType
    let externalSource: ExternalSource?
    let organizationID: Int64?

    init(_ document: Document) {
        self.init(documentType: document.documentType, externalSource: document.externalSource, organizationID: document.organizationID)
    }

    init(documentType: DocumentType, externalSource: ExternalSource?, organizationID: Int64?) {
        self.documentType = documentType
        self.externalSource = externalSource
        self.organizationID = organizationID
    }
}

/// The filters every analytics figure takes, as the document list names them.
public struct AnalyticsFilters: Sendable, Equatable {
    public var documentType: DocumentType?
    public var externalSource: ExternalSource?
    public var organizationID: Int64?

    public init(documentType: DocumentType? = nil, externalSource: ExternalSource? = nil, organizationID: Int64? = nil) {
        self.documentType = documentType
        self.externalSource = externalSource
        self.organizationID = organizationID
    }
}

/// SQL for `analytics_daily`: events counted per local day, kept by the transaction that
/// appends them.
struct AnalyticsRepository {
    let connection: SQLConnection
    let days: LocalDays

    /// The keys an event is counted under: its type, and for a status change also `status:<to>`.
    static func keys(of type: EventType, details: [String: JSONValue]?) -> [String] {
        guard type == .statusChanged, case .string(let to)? = details?["to"] else { return [type.rawValue] }
        return [type.rawValue, "status:" + to]
    }

    /// Adds events appended at `time` to their day's counts.
    func count(_ events: [(keys: [String], dimensions: AnalyticsDimensions)], at time: Date) async throws {
        let day = days.day(of: time)
        try await count(events.map { ($0.keys, $0.dimensions, day) })
    }

    /// Adds events to their days' counts: each under its document's organization and under all
    /// organizations (0), in key order so that concurrent writers lock rows in the same order.
    func count(_ events: [(keys: [String], dimensions: AnalyticsDimensions, day: CalendarDate)]) async throws {
        struct Row: Hashable, Comparable {
            let organization: Int64
            let day: String
            let key: String
            let type: String
            let source: String

            static func < (a: Row, b: Row) -> Bool {
                (a.organization, a.day, a.key, a.type, a.source) < (b.organization, b.day, b.key, b.type, b.source)
            }
        }
        var counts: [Row: Int64] = [:]
        for (keys, dimensions, day) in events {
            for key in keys {
                for organization in Set([0, dimensions.organizationID ?? 0]) {
                    counts[Row(
                        organization: organization, day: day.description, key: key, type: dimensions.documentType.rawValue,
                        source: dimensions.externalSource?.rawValue ?? ""), default: 0] += 1
                }
            }
        }
        guard !counts.isEmpty else { return }
        let rows = counts.sorted { $0.key < $1.key }
        try await connection.execute("""
            INSERT INTO analytics_daily (organization_id, day, event_key, document_type, external_source, events)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", "))
            ON DUPLICATE KEY UPDATE events = events + VALUES(events)
            """, rows.flatMap { [$0.key.organization, $0.key.day, $0.key.key, $0.key.type, $0.key.source, $0.value] as [any SQLBindable] })
    }

    /// Empties the counts before a recount.
    func clear() async throws {
        try await connection.execute("DELETE FROM analytics_daily")
    }

    /// Events after `afterID` in id order, with what they are counted by.
    func recountBatch(after afterID: Int64, limit: Int) async throws -> [(id: Int64, keys: [String], dimensions: AnalyticsDimensions, day: CalendarDate)] {
        try await connection.query("""
            SELECT e.id, e.event_type, JSON_VALUE(e.details, '$.to') AS status_to, e.created_at, d.document_type, d.external_source,
                d.organization_id
            FROM document_events e JOIN documents d ON d.id = e.document_id WHERE e.id > ? ORDER BY e.id LIMIT ?
            """, [afterID, limit] as [any SQLBindable]).compactMap { row in
            guard let type = EventType(rawValue: try row.decode("event_type")) else { return nil }
            let to: String? = try row.decode("status_to")
            let dimensions = AnalyticsDimensions(
                documentType: DocumentType(rawValue: try row.decode("document_type")) ?? .custom,
                externalSource: try row.decode("external_source", as: String?.self).flatMap(ExternalSource.init(rawValue:)),
                organizationID: try row.decode("organization_id"))
            return (try row.decode("id"), Self.keys(of: type, details: to.map { ["to": .string($0)] }), dimensions,
                    days.day(of: try row.decode("created_at")))
        }
    }

    /// Counts per day and key from `first` to `last` (both included), for `keys` (nil: every key).
    func daily(from first: CalendarDate, to last: CalendarDate, keys: [String]?, filters: AnalyticsFilters) async throws
        -> [(day: CalendarDate, key: String, count: Int64)] {
        var sql = "SELECT day, event_key, SUM(events) AS n FROM analytics_daily WHERE organization_id = ? AND day BETWEEN ? AND ?"
        var binds: [any SQLBindable] = [filters.organizationID ?? 0, first.description, last.description]
        if let keys {
            guard !keys.isEmpty else { return [] }
            sql += " AND event_key IN (\(SQLList.placeholders(keys.count)))"
            binds += keys
        }
        if let type = filters.documentType { sql += " AND document_type = ?"; binds.append(type.rawValue) }
        if let source = filters.externalSource { sql += " AND external_source = ?"; binds.append(source.rawValue) }
        return try await connection.query(sql + " GROUP BY day, event_key", binds).map { row in
            let day: Date = try row.decode("day")
            return (CalendarDate(day), try row.decode("event_key"), Int64(try row.decode("n", as: Decimal.self).description) ?? 0)
        }
    }
}
