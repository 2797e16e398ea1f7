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

    /// Adds events to their days' counts: each under its document's organization and under all
    /// organizations (0), in key order so that concurrent writers lock rows in the same order.
    func count(_ events: [(keys: [String], dimensions: AnalyticsDimensions, day: CalendarDate)]) async throws {
        struct Row: Hashable, Comparable {
            let organization: Int64
            let span: String
            let day: String
            let key: String
            let type: String
            let source: String

            static func < (a: Row, b: Row) -> Bool {
                (a.organization, a.span, a.day, a.key, a.type, a.source) < (b.organization, b.span, b.day, b.key, b.type, b.source)
            }
        }
        var counts: [Row: Int64] = [:]
        for (keys, dimensions, day) in events {
            for key in keys {
                for organization in Set([0, dimensions.organizationID ?? 0]) {
                    for (span, start) in [("d", day), ("m", day.monthStart)] {
                        counts[Row(
                            organization: organization, span: span, day: start.description, key: key, type: dimensions.documentType.rawValue,
                            source: dimensions.externalSource?.rawValue ?? ""), default: 0] += 1
                    }
                }
            }
        }
        guard !counts.isEmpty else { return }
        let rows = counts.sorted { $0.key < $1.key }
        try await connection.execute("""
            INSERT INTO analytics_daily (organization_id, span, day, event_key, document_type, external_source, events)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", "))
            ON DUPLICATE KEY UPDATE events = events + VALUES(events)
            """, rows.flatMap { [$0.key.organization, $0.key.span, $0.key.day, $0.key.key, $0.key.type, $0.key.source, $0.value] as [any SQLBindable] })
    }

    /// Empties the event counts before a recount.
    func clear() async throws {
        try await connection.execute("DELETE FROM analytics_daily")
    }

    /// Takes up to `limit` documents out of the documents' counts (their triggers subtract them);
    /// returns how many.
    func uncountDocuments(limit: Int) async throws -> Int {
        try await connection.execute(
            "UPDATE documents SET created_day = NULL WHERE created_day IS NOT NULL LIMIT ?", [limit]).affectedRows
    }

    /// Empties the documents' counts (once no document is counted, only zero rows are left).
    func clearDocuments() async throws {
        for table in ["analytics_documents", "analytics_reached", "analytics_delays"] {
            try await connection.execute("DELETE FROM \(table)")
        }
    }

    /// Gives documents after `afterID` their local creation day, which counts them again; returns the last id done.
    func countDocuments(after afterID: Int64, limit: Int) async throws -> Int64? {
        let rows = try await connection.query(
            "SELECT id, created_at FROM documents WHERE id > ? ORDER BY id LIMIT ?", [afterID, limit] as [any SQLBindable])
        guard !rows.isEmpty else { return nil }
        var binds: [any SQLBindable] = []
        var ids: [any SQLBindable] = []
        for row in rows {
            let id: Int64 = try row.decode("id")
            binds += [id, days.day(of: try row.decode("created_at")).description] as [any SQLBindable]
            ids.append(id)
        }
        try await connection.execute("""
            UPDATE documents SET created_day = CASE id \(String(repeating: "WHEN ? THEN ? ", count: rows.count))END
            WHERE id IN (\(SQLList.placeholders(rows.count)))
            """, binds + ids)
        return ids.last as? Int64
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
        var sql = "SELECT day, event_key, SUM(events) AS n FROM analytics_daily WHERE organization_id = ? AND span = 'd' AND day BETWEEN ? AND ?"
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
            return (CalendarDate(day), try row.decode("event_key"), Self.whole(try row.decode("n", as: Decimal.self)))
        }
    }

    /// The conditions an analytics table is read with for a total over the days: an organization
    /// (0: all), the period's whole months from their month rows and the days around them from
    /// day rows, and the filters.
    private static func filter(_ first: CalendarDate, _ last: CalendarDate, _ filters: AnalyticsFilters) -> (sql: String, binds: [any SQLBindable]) {
        var ranges: [(span: String, from: CalendarDate, to: CalendarDate)] = []
        let firstWhole = first.day == 1 ? first : first.nextMonthStart
        let lastWhole = last == last.monthEnd ? last.monthStart : last.monthStart.previous.monthStart
        if firstWhole <= lastWhole {
            if first < firstWhole { ranges.append(("d", first, firstWhole.previous)) }
            ranges.append(("m", firstWhole, lastWhole))
            if lastWhole.monthEnd < last { ranges.append(("d", lastWhole.nextMonthStart, last)) }
        } else {
            ranges.append(("d", first, last))
        }
        var sql = "organization_id = ? AND (" + ranges.map { _ in "(span = ? AND day BETWEEN ? AND ?)" }.joined(separator: " OR ") + ")"
        var binds: [any SQLBindable] = [filters.organizationID ?? 0]
        for range in ranges { binds += [range.span, range.from.description, range.to.description] as [any SQLBindable] }
        if let type = filters.documentType { sql += " AND document_type = ?"; binds.append(type.rawValue) }
        if let source = filters.externalSource { sql += " AND external_source = ?"; binds.append(source.rawValue) }
        return (sql, binds)
    }

    /// Live documents created in the days, with their amounts, per status, type and currency.
    func documents(from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters) async throws
        -> [(status: String, type: String, currency: String, documents: Int64, amount: Decimal)] {
        let (condition, binds) = Self.filter(first, last, filters)
        return try await connection.query("""
            SELECT status, document_type, currency, SUM(documents) AS n, SUM(amount) AS amount FROM analytics_documents
            WHERE \(condition) GROUP BY status, document_type, currency
            """, binds).map { row in
            (try row.decode("status"), try row.decode("document_type"), try row.decode("currency"),
             Self.whole(try row.decode("n", as: Decimal.self)), try row.decode("amount", as: Decimal?.self) ?? 0)
        }
    }

    /// Events per key from `first` to `last` (both included).
    func totals(from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters) async throws -> [String: Int64] {
        try await sums(of: "events", in: "analytics_daily", by: "event_key", from: first, to: last, filters: filters)
    }

    /// How many of those documents reached each step.
    func reached(from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters) async throws -> [String: Int64] {
        try await sums(of: "documents", in: "analytics_reached", by: "step", from: first, to: last, filters: filters)
    }

    /// The sum of `column` per value of `key` in `table` over the period (names are constants of the callers).
    private func sums(
        of column: String, in table: String, by key: String, from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters
    ) async throws -> [String: Int64] {
        let (condition, binds) = Self.filter(first, last, filters)
        var sums: [String: Int64] = [:]
        for row in try await connection.query("SELECT \(key) AS k, SUM(\(column)) AS n FROM \(table) WHERE \(condition) GROUP BY \(key)", binds) {
            sums[try row.decode("k")] = Self.whole(try row.decode("n", as: Decimal.self))
        }
        return sums
    }

    /// How their delays from sent to a step spread over the buckets, per measure.
    func delays(from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters) async throws -> [String: [Int: Int64]] {
        let (condition, binds) = Self.filter(first, last, filters)
        var delays: [String: [Int: Int64]] = [:]
        for row in try await connection.query(
            "SELECT measure, bucket, SUM(documents) AS n FROM analytics_delays WHERE \(condition) GROUP BY measure, bucket", binds) {
            delays[try row.decode("measure"), default: [:]][Int(try row.decode("bucket", as: Int64.self))] = Self.whole(try row.decode("n", as: Decimal.self))
        }
        return delays
    }

    private static func whole(_ number: Decimal) -> Int64 {
        Int64(NSDecimalNumber(decimal: number).int64Value)
    }

    /// The live documents created in the days, most viewed first, or (`converted`) those accepted,
    /// signed or paid, largest amount first; ties newest first (so that an index serves the order).
    func top(from first: CalendarDate, to last: CalendarDate, filters: AnalyticsFilters, converted: Bool, limit: Int) async throws -> [Int64] {
        var sql = "SELECT id FROM documents WHERE deleted_at IS NULL AND created_day BETWEEN ? AND ?"
        var binds: [any SQLBindable] = [first.description, last.description]
        if let type = filters.documentType { sql += " AND document_type = ?"; binds.append(type.rawValue) }
        if let source = filters.externalSource { sql += " AND external_source = ?"; binds.append(source.rawValue) }
        if let organization = filters.organizationID { sql += " AND organization_id = ?"; binds.append(organization) }
        sql += converted
            ? " AND (accepted_at IS NOT NULL OR signed_at IS NOT NULL OR paid_at IS NOT NULL) ORDER BY total_amount DESC, id DESC LIMIT ?"
            : " AND view_count > 0 ORDER BY view_count DESC, id DESC LIMIT ?"
        return try await connection.query(sql, binds + [limit]).map { try $0.decode("id") }
    }
}
