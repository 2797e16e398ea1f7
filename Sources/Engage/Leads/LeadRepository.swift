import Foundation

/// SQL for `leads`, `lead_fields`, `lead_field_values`, `lead_syncs` and `lead_list_columns`.
struct LeadRepository {
    let connection: SQLConnection

    /// A sync to queue.
    struct Queued: Sendable {
        let changes: LeadChanges
        let source: LeadSource
        var documentID: Int64? = nil
    }

    /// What the worker sets on a sync it processed.
    struct Processed {
        let id: Int64
        let leadID: Int64
        let outcome: LeadSync.Outcome
        let flagged: [String]
    }

    // MARK: The queue

    /// Queues `syncs` in one statement; their ids, in order.
    func queue(_ syncs: [Queued], at now: Date) async throws -> [Int64] {
        guard !syncs.isEmpty else { return [] }
        var binds: [any SQLBindable] = []
        for sync in syncs {
            binds += [sync.changes.email, sync.changes.storedJSON, sync.source.rawValue, sync.documentID, now] as [any SQLBindable]
        }
        let rows = Array(repeating: "(?, ?, ?, ?, ?)", count: syncs.count).joined(separator: ", ")
        return try await connection.query(
            "INSERT INTO lead_syncs (email, changes, source, document_id, created_at) VALUES \(rows) RETURNING id", binds
        ).map { try $0.decode("id") }
    }

    /// Makes this transaction the only one working the queue until it ends (a write, so that
    /// Galera's certification also lets one node's worker through at a time).
    func takeTurn(at now: Date) async throws {
        try await connection.execute("UPDATE lead_sync_turn SET taken_at = ? WHERE id = 1", [now])
    }

    /// The oldest queued syncs.
    func queued(limit: Int) async throws -> [LeadSync] {
        try await connection.query(
            "SELECT \(Self.syncColumns) FROM lead_syncs s WHERE s.status = 'queued' ORDER BY s.id LIMIT ?", [limit]
        ).map(Self.sync)
    }

    /// Marks syncs processed in one statement: what each became travels as one JSON array joined
    /// by id (a `CASE` per column compared every row with every id).
    func markProcessed(_ syncs: [Processed], at now: Date) async throws {
        guard !syncs.isEmpty else { return }
        var w = JSONWriter(capacity: 48 * syncs.count)
        w.beginArray()
        for sync in syncs {
            w.beginArray()
            w.value(sync.id)
            w.value(sync.leadID)
            w.value(sync.outcome.rawValue)
            if sync.flagged.isEmpty {
                w.value(nil as String?)
            } else {
                var flagged = JSONWriter()
                flagged.beginArray()
                for name in sync.flagged { flagged.value(name) }
                flagged.endArray()
                w.value(String(decoding: flagged.bytes, as: UTF8.self))
            }
            w.endArray()
        }
        w.endArray()
        try await connection.execute("""
            UPDATE lead_syncs s JOIN JSON_TABLE(?, '$[*]' COLUMNS (
                id BIGINT UNSIGNED PATH '$[0]', lead_id BIGINT UNSIGNED PATH '$[1]', outcome VARCHAR(10) PATH '$[2]', flagged TEXT PATH '$[3]')) j
            ON j.id = s.id
            SET s.status = 'processed', s.processed_at = ?, s.lead_id = j.lead_id, s.outcome = j.outcome, s.flagged = j.flagged
            """, [String(decoding: w.bytes, as: UTF8.self), now] as [any SQLBindable])
    }

    func sync(id: Int64) async throws -> LeadSync? {
        try await connection.queryFirst("SELECT \(Self.syncColumns) FROM lead_syncs s WHERE s.id = ?", [id]).map(Self.sync)
    }

    /// The newest syncs that touched a lead, with their documents' titles.
    func history(leadID: Int64, limit: Int) async throws -> [LeadSync] {
        try await connection.query("""
            SELECT \(Self.syncColumns), d.title AS document_title FROM lead_syncs s
            LEFT JOIN documents d ON d.id = s.document_id
            WHERE s.lead_id = ? ORDER BY s.id DESC LIMIT ?
            """, [leadID, limit]
        ).map { row in
            var sync = try Self.sync(row)
            sync.documentTitle = try row.decode("document_title")
            return sync
        }
    }

    /// Syncs still waiting, and the oldest one's age (the portal's queue line).
    func backlog() async throws -> (count: Int, oldest: Date?) {
        let row = try await connection.queryFirst(
            "SELECT COUNT(*) AS waiting, MIN(created_at) AS oldest FROM lead_syncs WHERE status = 'queued'")
        return (try row?.decode("waiting") ?? 0, try row?.decode("oldest"))
    }

    private static let syncColumns = """
        s.id, s.status, s.email, s.changes, s.source, s.document_id, s.lead_id, s.outcome, s.flagged, s.created_at, s.processed_at
        """

    private static func sync(_ row: SQLRow) throws -> LeadSync {
        let email: String = try row.decode("email")
        let stored = try LeadChanges.Stored(json: row.decode("changes", as: String.self))
        return LeadSync(
            id: try row.decode("id"),
            status: LeadSync.Status(rawValue: try row.decode("status")) ?? .queued,
            email: email,
            source: LeadSource(rawValue: try row.decode("source")) ?? .api,
            documentID: try row.decode("document_id"),
            leadID: try row.decode("lead_id"),
            outcome: try (row.decode("outcome") as String?).flatMap(LeadSync.Outcome.init),
            flagged: try row.decodeJSON("flagged", as: [String].self) ?? [],
            changes: LeadChanges(email: email, stored: stored),
            createdAt: try row.decode("created_at"),
            processedAt: try row.decode("processed_at"))
    }

    // MARK: Custom fields

    /// The fields of these names (any case).
    func fields(named names: [String]) async throws -> [LeadCustomField] {
        guard !names.isEmpty else { return [] }
        return try await connection.query(
            "SELECT id, name, type, created_at FROM lead_fields WHERE name IN (\(SQLList.placeholders(names.count)))", names
        ).map(Self.field)
    }

    /// Every field by name, with how many leads have a value for it.
    func allFields() async throws -> [LeadCustomField] {
        try await connection.query("""
            SELECT f.id, f.name, f.type, f.created_at, (SELECT COUNT(*) FROM lead_field_values v WHERE v.field_id = f.id) AS usage_count
            FROM lead_fields f ORDER BY f.name
            """
        ).map { row in
            var field = try Self.field(row)
            field.usage = try row.decode("usage_count")
            return field
        }
    }

    /// Adds fields; a name another transaction added meanwhile makes this one fail and retry.
    func insertFields(_ fields: [(name: String, type: LeadFieldType)], at now: Date) async throws -> [LeadCustomField] {
        guard !fields.isEmpty else { return [] }
        let binds = fields.flatMap { [$0.name, $0.type.rawValue, now] as [any SQLBindable] }
        return try await connection.query(
            "INSERT INTO lead_fields (name, type, created_at) VALUES \(Array(repeating: "(?, ?, ?)", count: fields.count).joined(separator: ", ")) RETURNING id, name, type, created_at",
            binds
        ).map(Self.field)
    }

    private static func field(_ row: SQLRow) throws -> LeadCustomField {
        LeadCustomField(
            id: try row.decode("id"), name: try row.decode("name"),
            type: LeadFieldType(rawValue: try row.decode("type")) ?? .text, createdAt: try row.decode("created_at"))
    }

    // MARK: Leads

    private static let leadColumns = """
        l.id, l.email, l.crm_lead_id, l.job_title, l.first_name, l.last_name, l.phone, l.company, l.source,
        l.contact_id, l.organization_id, l.converted_at, l.created_at, l.updated_at
        """

    /// The leads of these emails, locked, with their custom values.
    func lock(emails: [String]) async throws -> [Lead] {
        guard !emails.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT \(Self.leadColumns) FROM leads l WHERE l.email IN (\(SQLList.placeholders(emails.count))) ORDER BY l.id FOR UPDATE", emails)
        return try await withValues(rows)
    }

    /// One lead, locked when `forUpdate`.
    func find(id: Int64, forUpdate: Bool = false) async throws -> Lead? {
        let rows = try await connection.query(
            "SELECT \(Self.leadColumns) FROM leads l WHERE l.id = ?\(forUpdate ? " FOR UPDATE" : "")", [id])
        return try await withValues(rows).first
    }

    func exists(email: String, other id: Int64) async throws -> Bool {
        try await connection.queryFirst("SELECT 1 FROM leads WHERE email = ? AND id <> ?", [email, id] as [any SQLBindable]) != nil
    }

    /// A page of leads, and how many match (unless `counting` is false); custom filters are by
    /// field id and canonical value.
    func list(_ query: LeadQuery, customFilters: [(fieldID: Int64, value: String)], counting: Bool = true) async throws -> (leads: [Lead], total: Int) {
        var conditions: [String] = []
        var binds: [any SQLBindable] = []
        if let search = query.search {
            for word in search.split(separator: " ").prefix(5) {
                conditions.append("(l.email LIKE ? OR l.first_name LIKE ? OR l.last_name LIKE ? OR l.company LIKE ?)")
                let pattern = "%" + Self.escapeLike(String(word)) + "%"
                binds += [pattern, pattern, pattern, pattern]
            }
        }
        if let source = query.source {
            conditions.append("l.source = ?")
            binds.append(source.rawValue)
        }
        switch query.converted {
        case .yes?: conditions.append("l.converted_at IS NOT NULL")
        case .no?: conditions.append("l.converted_at IS NULL")
        case nil: break
        }
        for filter in customFilters {
            conditions.append("EXISTS (SELECT 1 FROM lead_field_values v WHERE v.lead_id = l.id AND v.field_id = ? AND v.value = ?)")
            binds += [filter.fieldID, filter.value] as [any SQLBindable]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let direction = query.order == .asc ? "ASC" : "DESC"
        let total: Int = counting ? try await connection.queryFirst("SELECT COUNT(*) AS total FROM leads l \(whereClause)", binds)?.decode("total") ?? 0 : 0
        let rows = try await connection.query("""
            SELECT \(Self.leadColumns) FROM leads l \(whereClause)
            ORDER BY l.\(query.sort.rawValue) \(direction), l.id \(direction) LIMIT ? OFFSET ?
            """, binds + [query.page.perPage, (query.page.page - 1) * query.page.perPage])
        return (try await withValues(rows), total)
    }

    /// Every lead matching the query, in its order, a page of 100 at a time (exports).
    func forEachBatch(
        _ query: LeadQuery, customFilters: [(fieldID: Int64, value: String)], _ body: ([Lead]) async throws -> Void
    ) async throws {
        var page = 1
        while true {
            var paged = query
            paged.page = PageRequest(page: page, perPage: PageRequest.maximumSize)
            let leads = try await list(paged, customFilters: customFilters, counting: false).leads
            if !leads.isEmpty { try await body(leads) }
            if leads.count < PageRequest.maximumSize { return }
            page += 1
        }
    }

    /// Creates leads; their ids by email. An email another transaction added meanwhile makes this one fail and retry.
    func insert(_ leads: [LeadMerge.State], source: [String: LeadSource], at now: Date) async throws -> [String: Int64] {
        guard !leads.isEmpty else { return [:] }
        var binds: [any SQLBindable] = []
        for lead in leads {
            binds.append(lead.email)
            binds += LeadStandardField.allCases.map { lead.fields[$0.rawValue] as String? } as [any SQLBindable]
            binds += [(source[lead.email] ?? .api).rawValue, now, now] as [any SQLBindable]
        }
        let columns = "email, " + LeadStandardField.allCases.map(\.rawValue).joined(separator: ", ") + ", source, created_at, updated_at"
        let row = "(" + SQLList.placeholders(LeadStandardField.allCases.count + 4) + ")"
        let rows = try await connection.query(
            "INSERT INTO leads (\(columns)) VALUES \(Array(repeating: row, count: leads.count).joined(separator: ", ")) RETURNING id, email", binds)
        var ids: [String: Int64] = [:]
        for row in rows { ids[try row.decode("email")] = try row.decode("id") }
        return ids
    }

    /// Writes the email and standard fields of existing leads, in one statement.
    func update(_ leads: [(id: Int64, state: LeadMerge.State)], at now: Date) async throws {
        guard !leads.isEmpty else { return }
        let names = ["email"] + LeadStandardField.allCases.map(\.rawValue) + ["updated_at"]
        var binds: [any SQLBindable] = []
        for (id, lead) in leads {
            binds += [id, lead.email] as [any SQLBindable]
            binds += LeadStandardField.allCases.map { lead.fields[$0.rawValue] as String? } as [any SQLBindable]
            binds += [now, now] as [any SQLBindable]
        }
        // Only existing ids are given, so every row is an update: source and created_at are never written.
        let row = "(?, " + SQLList.placeholders(names.count) + ", 'api', ?)"
        try await connection.execute("""
            INSERT INTO leads (id, \(names.joined(separator: ", ")), source, created_at)
            VALUES \(Array(repeating: row, count: leads.count).joined(separator: ", "))
            ON DUPLICATE KEY UPDATE \(names.map { "\($0) = VALUES(\($0))" }.joined(separator: ", "))
            """, binds)
    }

    /// Sets and removes custom values: `set` holds (lead, field, text, flagged).
    func writeValues(set: [(leadID: Int64, fieldID: Int64, value: LeadMerge.State.Value)], remove: [(leadID: Int64, fieldID: Int64)]) async throws {
        if !remove.isEmpty {
            try await connection.execute(
                "DELETE FROM lead_field_values WHERE (lead_id, field_id) IN (\(Array(repeating: "(?, ?)", count: remove.count).joined(separator: ", ")))",
                remove.flatMap { [$0.leadID, $0.fieldID] as [any SQLBindable] })
        }
        for chunk in stride(from: 0, to: set.count, by: 1000).map({ set[$0..<min($0 + 1000, set.count)] }) {
            try await connection.execute("""
                INSERT INTO lead_field_values (lead_id, field_id, value, flagged)
                VALUES \(Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON DUPLICATE KEY UPDATE value = VALUES(value), flagged = VALUES(flagged)
                """, chunk.flatMap { [$0.leadID, $0.fieldID, $0.value.text, $0.value.flagged] as [any SQLBindable] })
        }
    }

    func delete(id: Int64) async throws -> Bool {
        try await connection.execute("DELETE FROM leads WHERE id = ?", [id]).affectedRows > 0
    }

    /// Records what a lead was converted into.
    func converted(id: Int64, contactID: Int64, organizationID: Int64?, at now: Date) async throws {
        try await connection.execute(
            "UPDATE leads SET contact_id = ?, organization_id = ?, converted_at = ?, updated_at = ? WHERE id = ?",
            [contactID, organizationID, now, now, id] as [any SQLBindable])
    }

    /// Rows of `leads` with their custom values, in the rows' order.
    private func withValues(_ rows: [SQLRow]) async throws -> [Lead] {
        var leads = try rows.map(Self.lead)
        guard !leads.isEmpty else { return [] }
        let values = try await connection.query("""
            SELECT v.lead_id, v.field_id, v.value, v.flagged, f.name, f.type FROM lead_field_values v
            JOIN lead_fields f ON f.id = v.field_id
            WHERE v.lead_id IN (\(SQLList.placeholders(leads.count))) ORDER BY f.name
            """, leads.map(\.id))
        var byLead: [Int64: [LeadValue]] = [:]
        for row in values {
            byLead[try row.decode("lead_id"), default: []].append(LeadValue(
                fieldID: try row.decode("field_id"), name: try row.decode("name"),
                type: LeadFieldType(rawValue: try row.decode("type")) ?? .text,
                value: try row.decode("value"), flagged: try row.decode("flagged")))
        }
        for index in leads.indices { leads[index].custom = byLead[leads[index].id] ?? [] }
        return leads
    }

    private static func lead(_ row: SQLRow) throws -> Lead {
        var fields: [String: String] = [:]
        for field in LeadStandardField.allCases {
            if let value: String = try row.decode(field.rawValue) { fields[field.rawValue] = value }
        }
        return Lead(
            id: try row.decode("id"), email: try row.decode("email"), fields: fields, custom: [],
            source: LeadSource(rawValue: try row.decode("source")) ?? .api,
            contactID: try row.decode("contact_id"), organizationID: try row.decode("organization_id"),
            convertedAt: try row.decode("converted_at"), createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    // MARK: List columns

    /// The custom fields a user shows as columns of the Leads list.
    func columns(userID: Int64) async throws -> [String] {
        try await connection.queryFirst("SELECT field_names FROM lead_list_columns WHERE user_id = ?", [userID])?
            .decodeJSON("field_names", as: [String].self) ?? []
    }

    func saveColumns(_ names: [String], userID: Int64) async throws {
        try await connection.execute("""
            INSERT INTO lead_list_columns (user_id, field_names, updated_at) VALUES (?, ?, ?)
            ON DUPLICATE KEY UPDATE field_names = VALUES(field_names), updated_at = VALUES(updated_at)
            """, [userID, try SQLJSON.encode(names), Date()] as [any SQLBindable])
    }
}
