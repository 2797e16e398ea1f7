import Foundation

/// SQL for the `documents` table.
struct DocumentRepository {
    let connection: SQLConnection
    /// The days a document's creation is counted in (`created_day`).
    let days: LocalDays

    private static let columns = """
        id, document_number, document_type, external_id, external_source, external_url, title, description,
        custom_message, status, recipient_email, recipient_name, recipient_company, contact_id, organization_id,
        total_amount, currency, due_date, expires_at, pdf_url, payment_url, pdf_path, pdf_filename, pdf_size, pdf_sha256,
        metadata, prefill_data, view_count, first_viewed_at, last_viewed_at, sent_at, downloaded_at, accepted_at,
        signed_at, paid_at, rejected_at, expired_at, cancelled_at, registered_at, reminders_enabled, link_actions, created_by, created_at,
        updated_at, deleted_at
        """

    /// The values of a new document.
    struct NewDocument {
        var documentType: DocumentType
        var title: String
        var description: String?
        var customMessage: String?
        var externalID: String?
        var externalSource: ExternalSource?
        var externalURL: String?
        var recipientEmail: String?
        var recipientName: String?
        var recipientCompany: String?
        var contactID: Int64?
        var organizationID: Int64?
        var totalAmount: Decimal?
        var currency: String
        var dueDate: CalendarDate?
        var expiresAt: Date? = nil
        var pdfURL: String?
        var paymentURL: String?
        var metadata: [String: JSONValue]?
        var prefillData: [String: JSONValue]?
        var createdBy: Int64?
        /// What its sent link allows unless the send says otherwise (a template's link actions).
        var linkActions: [RecipientAction]? = nil
        /// The fields as last imported from a partner (sync only).
        var externalSnapshot: [String: JSONValue]? = nil
        /// A sync writes the status `DocumentLifecycle` decided for the new document, with its stamps at `stampedAt`.
        var status: DocumentStatus = .draft
        var stamps: Set<DocumentStamp> = []
        var stampedAt: Date? = nil
    }

    private static let insertColumns = """
        document_type, external_id, external_source, external_url, title, description, custom_message, status,
        recipient_email, recipient_name, recipient_company, contact_id, organization_id, total_amount, currency, due_date,
        expires_at, pdf_url, payment_url, metadata, prefill_data, external_snapshot, created_by, link_actions, \(DocumentStamp.allCases.map(column).joined(separator: ", ")),
        created_day, created_at, updated_at
        """
    private static let insertRow = "(" + Array(repeating: "?", count: 27 + DocumentStamp.allCases.count).joined(separator: ", ") + ")"

    /// A new document's values, created at `time` (its `created_day` the local day of it).
    private func binds(_ new: NewDocument, at time: Date) throws -> [any SQLBindable] {
        try Self.fields(new) + [days.day(of: time).description, time, time] as [any SQLBindable]
    }

    private static func fields(_ new: NewDocument) throws -> [any SQLBindable] {
        [
            new.documentType.rawValue, new.externalID, new.externalSource?.rawValue, new.externalURL, new.title,
            new.description, new.customMessage, new.status.rawValue, new.recipientEmail, new.recipientName, new.recipientCompany,
            new.contactID, new.organizationID, new.totalAmount, new.currency, new.dueDate?.description, new.expiresAt,
            new.pdfURL, new.paymentURL, try new.metadata.map { try SQLJSON.encode($0) },
            try new.prefillData.map { try SQLJSON.encode($0) }, try new.externalSnapshot.map { try SQLJSON.encode($0) }, new.createdBy,
            try new.linkActions.map { try SQLJSON.encode($0.map(\.rawValue)) },
        ] + DocumentStamp.allCases.map { new.stamps.contains($0) ? new.stampedAt : nil }
    }

    /// Inserts a draft and gives it its number; nil when a live document has the same external reference.
    func insert(_ new: NewDocument) async throws -> Int64? {
        do {
            let result = try await connection.execute(
                "INSERT INTO documents (\(Self.insertColumns)) VALUES \(Self.insertRow)", try binds(new, at: Date()))
            let id = Int64(result.lastInsertID)
            try await connection.execute("UPDATE documents SET document_number = ? WHERE id = ?", [DocumentNumber.format(id), id])
            try await indexWords(of: id...id)
            return id
        } catch let error where SQLFailure.isDuplicateKey(error) {
            return nil
        }
    }

    /// Inserts the documents a partner sent, all of `source` and none already live, in one
    /// statement; returns their ids by external id (found again by it, never assumed consecutive).
    /// `numberImported` finishes them.
    func insertImported(_ news: [NewDocument], source: ExternalSource) async throws -> [String: Int64] {
        guard !news.isEmpty else { return [:] }
        let rows = Array(repeating: Self.insertRow, count: news.count).joined(separator: ", ")
        let time = Date()
        try await connection.execute("INSERT INTO documents (\(Self.insertColumns)) VALUES \(rows)", try news.flatMap { try binds($0, at: time) })
        let externalIDs = news.compactMap(\.externalID)
        var ids: [String: Int64] = [:]
        for row in try await connection.query("""
            SELECT id, external_id FROM documents WHERE external_source = ? AND external_id IN (\(SQLList.placeholders(externalIDs.count)))
                AND deleted_at IS NULL
            """, [source.rawValue] + externalIDs) {
            ids[try row.decode("external_id")] = try row.decode("id")
        }
        return ids
    }

    /// Numbers documents just inserted, sets the ends of their event chains, and indexes their words.
    func numberImported(ids: [Int64], chainHeads: [Int64: Data]) async throws {
        guard let first = ids.min(), let last = ids.max() else { return }
        // DocumentNumber.format in SQL: DOC- and the id on at least six digits.
        try await connection.execute("""
            UPDATE documents SET document_number = CONCAT('DOC-', LPAD(id, GREATEST(6, LENGTH(id)), '0'))
            WHERE id IN (\(SQLList.placeholders(ids.count)))
            """, ids)
        try await setChainHeads(chainHeads)
        try await indexWords(of: first...last)
    }

    /// Sets the ends of documents' event chains after events were appended to them in bulk.
    func setChainHeads(_ heads: [Int64: Data]) async throws {
        guard !heads.isEmpty else { return }
        let sorted = heads.sorted { $0.key < $1.key }
        try await connection.execute("""
            UPDATE documents SET event_chain_head = CASE id \(String(repeating: "WHEN ? THEN ? ", count: sorted.count))END
            WHERE id IN (\(SQLList.placeholders(sorted.count)))
            """, sorted.flatMap { [$0.key, $0.value] as [any SQLBindable] } + sorted.map(\.key))
    }

    /// What a partner's ids match here: the live document, or a deleted one (staff deleted it:
    /// a sync does not bring it back).
    func imported(source: ExternalSource, externalIDs: [String]) async throws -> [String: (id: Int64, live: Bool)] {
        guard !externalIDs.isEmpty else { return [:] }
        var found: [String: (id: Int64, live: Bool)] = [:]
        for row in try await connection.query("""
            SELECT id, external_id, deleted_at IS NULL AS live FROM documents
            WHERE external_source = ? AND external_id IN (\(SQLList.placeholders(externalIDs.count)))
            """, [source.rawValue] + externalIDs) {
            let externalID: String = try row.decode("external_id")
            let live = try row.decode("live", as: Int64.self) == 1
            if found[externalID]?.live != true { found[externalID] = (try row.decode("id"), live) }
        }
        return found
    }

    /// Locks the live documents with these ids (in id order), each with its chain end and the
    /// fields as last imported.
    func lockImported(ids: [Int64]) async throws -> [Int64: (locked: Locked, snapshot: [String: JSONValue]?)] {
        guard !ids.isEmpty else { return [:] }
        var locked: [Int64: (locked: Locked, snapshot: [String: JSONValue]?)] = [:]
        for row in try await connection.query("""
            SELECT \(Self.columns), event_chain_head, external_snapshot FROM documents
            WHERE id IN (\(SQLList.placeholders(ids.count))) AND deleted_at IS NULL ORDER BY id FOR UPDATE
            """, ids) {
            let document = try Self.document(row)
            locked[document.id] = (Locked(document: document, chainHead: try row.decode("event_chain_head")), try row.decodeJSON("external_snapshot"))
        }
        return locked
    }

    /// The fields a sync writes on a document it imported before.
    struct ImportedChanges {
        var title: String
        var totalAmount: Decimal?
        var currency: String
        var dueDate: CalendarDate?
        var externalURL: String?
        var pdfURL: String?
        var metadata: [String: JSONValue]?
        var party: CustomerRepository.Party
        var snapshot: [String: JSONValue]
    }

    /// Writes a sync's changes; the customer fills only what is still empty.
    func updateImported(id: Int64, _ changes: ImportedChanges) async throws {
        try await connection.execute("""
            UPDATE documents SET title = ?, total_amount = ?, currency = ?, due_date = ?, external_url = ?, pdf_url = ?, metadata = ?,
                organization_id = COALESCE(organization_id, ?), contact_id = COALESCE(contact_id, ?),
                recipient_email = COALESCE(recipient_email, ?), recipient_name = COALESCE(recipient_name, ?),
                recipient_company = COALESCE(recipient_company, ?), external_snapshot = ?, updated_at = UTC_TIMESTAMP(6)
            WHERE id = ?
            """, [
                changes.title, changes.totalAmount, changes.currency, changes.dueDate?.description, changes.externalURL, changes.pdfURL,
                try changes.metadata.map { try SQLJSON.encode($0) }, changes.party.organizationID, changes.party.contactID,
                changes.party.email, changes.party.name, changes.party.company, try SQLJSON.encode(changes.snapshot), id,
            ])
    }

    /// The documents with these ids, in the order given (missing ones left out), in one query.
    func find(ids: [Int64]) async throws -> [Document] {
        guard !ids.isEmpty else { return [] }
        let found = Dictionary(uniqueKeysWithValues: try await connection.query(
            "SELECT \(Self.columns) FROM documents WHERE id IN (\(SQLList.placeholders(ids.count)))", ids
        ).map(Self.document).map { ($0.id, $0) })
        return ids.compactMap { found[$0] }
    }

    /// The live ones of `ids`, in the order asked.
    func findLive(ids: [Int64]) async throws -> [Document] {
        try await find(ids: ids).filter { $0.deletedAt == nil }
    }

    /// The live document with this id; `RecordNotFound` when there is none or it is deleted.
    @discardableResult
    func requireLive(id: Int64) async throws -> Document {
        guard let document = try await find(id: id), document.deletedAt == nil else { throw RecordNotFound("Document", id: id) }
        return document
    }

    /// The document with this id, live or deleted.
    func find(id: Int64) async throws -> Document? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM documents WHERE id = ?", [id]).map(Self.document)
    }

    /// The fields staff edit; the status goes through `DocumentLifecycle` and `record`.
    struct Changes {
        var title: String
        var description: String?
        var customMessage: String?
        var totalAmount: Decimal?
        var currency: String
        var dueDate: CalendarDate?
        var expiresAt: Date?
        var metadata: [String: JSONValue]?
    }

    /// Writes `changes`.
    func update(id: Int64, _ changes: Changes) async throws {
        try await connection.execute("""
            UPDATE documents SET title = ?, description = ?, custom_message = ?, total_amount = ?,
                currency = ?, due_date = ?, expires_at = ?, metadata = ?, updated_at = UTC_TIMESTAMP(6)
            WHERE id = ?
            """, [
                changes.title, changes.description, changes.customMessage, changes.totalAmount,
                changes.currency, changes.dueDate?.description, changes.expiresAt, try changes.metadata.map { try SQLJSON.encode($0) }, id,
            ])
    }

    /// Live documents still waiting for their recipients whose `expires_at` has passed, locked, up
    /// to `limit`; rows another sweeper holds are skipped, not waited for.
    func lockOverdue(at now: Date, limit: Int) async throws -> [Int64] {
        try await connection.query("""
            SELECT id FROM documents
            WHERE status IN ('pending', 'sent', 'viewed', 'downloaded') AND expires_at <= ? AND deleted_at IS NULL
            ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED
            """, [now, limit] as [any SQLBindable]).map { try $0.decode("id") }
    }

    /// A live document locked until the transaction ends, with the end of its event chain.
    struct Locked: Sendable {
        let document: Document
        let chainHead: Data?
    }

    /// The live document a partner knows by this external reference.
    func liveID(externalSource: ExternalSource, externalID: String) async throws -> Int64? {
        try await connection.queryFirst(
            "SELECT id FROM documents WHERE external_source = ? AND external_id = ? AND deleted_at IS NULL",
            [externalSource.rawValue, externalID])?.decode("id")
    }

    /// Locks a live document's row until the transaction ends (every writer locks documents
    /// before links, so that concurrent changes queue instead of deadlocking); nil when there is none.
    /// Sets the total a document's price tables come to.
    func setTotalAmount(_ amount: Decimal, of id: Int64) async throws {
        try await connection.execute("UPDATE documents SET total_amount = ?, updated_at = ? WHERE id = ?", [amount, Date(), id] as [any SQLBindable])
    }

    func lockLive(id: Int64) async throws -> Locked? {
        try await lockLive(ids: [id])[id]
    }

    /// `lockLive` for several documents in one statement, locked in id order (as every writer locks them).
    /// By the primary key only: on a small table MariaDB would rather scan every live row, locking them all.
    func lockLive(ids: [Int64]) async throws -> [Int64: Locked] {
        guard !ids.isEmpty else { return [:] }
        var locked: [Int64: Locked] = [:]
        let bound = SQLList.padded(ids)
        for row in try await connection.query("""
            SELECT \(Self.columns), event_chain_head FROM documents FORCE INDEX (PRIMARY)
            WHERE id IN (\(SQLList.placeholders(bound.count))) AND deleted_at IS NULL ORDER BY id FOR UPDATE
            """, bound) {
            let document = try Self.document(row)
            locked[document.id] = Locked(document: document, chainHead: try row.decode("event_chain_head"))
        }
        return locked
    }

    /// What `DocumentLifecycle` changed on a locked document: written in one statement.
    struct LifecycleUpdate {
        var status: DocumentStatus?
        /// Set only where still empty.
        var stamps: Set<DocumentStamp> = []
        var views = 0
        var chainHead: Data?
        var time: Date
    }

    /// What updates written in one statement share: status, stamps and time, and views counted or not.
    private struct UpdateShape: Hashable {
        let status: DocumentStatus?
        let stamps: Set<DocumentStamp>
        let countsViews: Bool
        let time: Date

        init(_ update: LifecycleUpdate) {
            status = update.status
            stamps = update.stamps
            countsViews = update.views > 0
            time = update.time
        }
    }

    /// Writes lifecycle updates, by document id: one statement for the documents whose updates
    /// differ only in their chain end and view count (a batch of views of many documents).
    func record(_ updates: [Int64: LifecycleUpdate]) async throws {
        let alike = Dictionary(grouping: updates.sorted { $0.key < $1.key }) { UpdateShape($0.value) }
        for group in alike.values.sorted(by: { $0[0].key < $1[0].key }).map(SQLList.padded) {
            let shape = group[0].value
            let ids = group.map(\.key)
            let cases = ids.map { _ in "WHEN ? THEN ?" }.joined(separator: " ")
            var assignments = ["event_chain_head = CASE id \(cases) END"]
            var binds: [any SQLBindable] = group.flatMap { [$0.key, $0.value.chainHead] as [any SQLBindable] }
            if shape.views > 0 {
                assignments.append("view_count = view_count + CASE id \(cases) END, last_viewed_at = ?")
                binds += group.flatMap { [$0.key, $0.value.views] as [any SQLBindable] } + [shape.time]
            }
            // Column names come from this fixed table, never from input.
            for column in shape.stamps.map(Self.column).sorted() {
                assignments.append("\(column) = IFNULL(\(column), ?)")
                binds.append(shape.time)
            }
            if let status = shape.status {
                assignments.append("status = ?")
                binds.append(status.rawValue)
            }
            // By the primary key only, as `lockLive`: a scan would lock rows of other documents.
            try await connection.execute(
                "UPDATE documents FORCE INDEX (PRIMARY) SET \(assignments.joined(separator: ", ")) WHERE id IN (\(SQLList.placeholders(ids.count)))",
                binds + ids)
        }
    }

    static func column(_ stamp: DocumentStamp) -> String {
        switch stamp {
        case .sent: "sent_at"
        case .firstViewed: "first_viewed_at"
        case .downloaded: "downloaded_at"
        case .accepted: "accepted_at"
        case .signed: "signed_at"
        case .paid: "paid_at"
        case .rejected: "rejected_at"
        case .expired: "expired_at"
        case .cancelled: "cancelled_at"
        case .registered: "registered_at"
        }
    }

    /// Turns the reminders of a document on or off.
    func setReminders(id: Int64, enabled: Bool) async throws {
        try await connection.execute("UPDATE documents SET reminders_enabled = ? WHERE id = ?", [enabled, id] as [any SQLBindable])
    }

    /// Rewrites the search words of the documents in `ids`: every run of letters and digits of the
    /// title, number and external id, lower-cased (the collation makes them accent-insensitive).
    func indexWords(of ids: ClosedRange<Int64>) async throws {
        try await connection.execute(
            "DELETE FROM document_words WHERE document_id BETWEEN ? AND ?", [ids.lowerBound, ids.upperBound])
        // Splits recursively on spaces after turning every other character into one.
        try await connection.execute("""
            INSERT IGNORE INTO document_words (word, document_id, status, live)
            WITH RECURSIVE source AS (
                SELECT id, status, deleted_at IS NULL AS live,
                    CONCAT(TRIM(REGEXP_REPLACE(LOWER(CONCAT_WS(' ', title, document_number, external_id)), ?, ' ')), ' ') AS rest
                FROM documents WHERE id BETWEEN ? AND ?
            ), words AS (
                SELECT id, status, live, SUBSTRING_INDEX(rest, ' ', 1) AS word, SUBSTRING(rest, LOCATE(' ', rest) + 1) AS rest
                FROM source
                UNION ALL
                SELECT id, status, live, SUBSTRING_INDEX(rest, ' ', 1), SUBSTRING(rest, LOCATE(' ', rest) + 1)
                FROM words WHERE rest <> ''
            )
            SELECT LEFT(word, ?), id, status, live FROM words WHERE word <> ''
            """, [SearchText.separators, ids.lowerBound, ids.upperBound, SearchText.maximumWordLength])
    }

    /// Marks a live document deleted; false when it was not live.
    func softDelete(id: Int64, by userID: Int64?) async throws -> Bool {
        try await connection.execute("""
            UPDATE documents SET deleted_at = UTC_TIMESTAMP(6), deleted_by = ?, updated_at = UTC_TIMESTAMP(6)
            WHERE id = ? AND deleted_at IS NULL
            """, [userID, id]).affectedRows == 1
    }

    /// Brings a deleted document back; nil when a live document now has its external reference.
    func restore(id: Int64) async throws -> Bool? {
        do {
            return try await connection.execute("""
                UPDATE documents SET deleted_at = NULL, deleted_by = NULL, updated_at = UTC_TIMESTAMP(6)
                WHERE id = ? AND deleted_at IS NOT NULL
                """, [id]).affectedRows == 1
        } catch let error where SQLFailure.isDuplicateKey(error) {
            return nil
        }
    }

    /// Records the uploaded PDF.
    func attach(pdf: Document.StoredPDF, to id: Int64) async throws {
        try await connection.execute("""
            UPDATE documents SET pdf_path = ?, pdf_filename = ?, pdf_size = ?, pdf_sha256 = ?, updated_at = UTC_TIMESTAMP(6)
            WHERE id = ?
            """, [pdf.path, pdf.filename, pdf.size, pdf.sha256, id])
    }

    /// One page of the documents matching `query`, and how many match in all; a search is read as
    /// `reading` says, else as `reading(for:)` finds cheapest.
    ///
    /// Filters on status, type and source alone read the page in index order and take the total
    /// from `document_counts` in the same statement (one round trip, not two). Other filters (search, contact, dates…) must visit every match
    /// anyway, so the total comes with the page from one pass (`COUNT(*) OVER ()`) rather than a
    /// second query repeating the work.
    func page(_ query: DocumentQuery, reading chosen: SearchReading? = nil) async throws -> (items: [Document], total: Int) {
        let reading = if let chosen { chosen } else { try await self.reading(for: query) }
        if let cursor = query.cursor { return try await page(query, after: cursor, reading: reading) }
        if reading != .wordsPick { return try await checkedPage(query, reading: reading) }
        let filter = Self.filter(query)
        // Sort column and direction come from enums; id breaks ties so pages never overlap.
        let direction = query.order == .asc ? "ASC" : "DESC"
        let countable = Self.isCountable(query)
        let order = "ORDER BY \(query.sort.rawValue) \(direction), id \(direction)"
        // Other filters sort only (id, sort column) pairs, counted by the window, then join the page's
        // full rows (the page first, by primary key: no join order to weigh); those come back in
        // `position` order without a second sort of wide rows, which cost MariaDB a temporary table
        // (a third of a search's time).
        let total = Self.countedTotal(query)
        let sql = countable
            ? "SELECT \(Self.columns), (\(total.sql)) AS matching FROM documents \(Self.indexHint(query)) \(filter.sql) \(order) LIMIT ? OFFSET ?"
            : """
              SELECT STRAIGHT_JOIN \(Self.columns), page.matching, page.position
              FROM (SELECT id, COUNT(*) OVER () AS matching, ROW_NUMBER() OVER (\(order)) AS position
                    FROM documents \(Self.indexHint(query)) \(filter.sql) \(order) LIMIT ? OFFSET ?) page
              JOIN documents FORCE INDEX (PRIMARY) USING (id)
              """
        var rows = try await connection.query(
            sql, (countable ? total.binds : []) + filter.binds + [query.page.perPage, query.page.offset])
        if !countable {
            rows = try rows.map { (position: try $0.decode("position", as: Int64.self), row: $0) }
                .sorted { $0.position < $1.position }.map(\.row)
        }
        let items = try rows.map(Self.document)
        if query.page.page == 1 && items.count < query.page.perPage {
            return (items, items.count)
        }
        if let first = rows.first {
            return (items, try first.decode("matching"))
        }
        return (items, try await count(query, reading: reading))
    }

    /// A page of a search whose documents are checked for its words, and how many match.
    private func checkedPage(_ query: DocumentQuery, reading: SearchReading) async throws -> (items: [Document], total: Int) {
        let filter = Self.filter(query, words: .checked)
        let direction = query.order == .asc ? "ASC" : "DESC"
        let rows = try await connection.query(Self.checking("""
            SELECT \(Self.columns) FROM documents \(Self.indexHint(reading)) \(filter.sql)
            ORDER BY \(query.sort.rawValue) \(direction), id \(direction) LIMIT ? OFFSET ?
            """), filter.binds + [query.page.perPage, query.page.offset])
        let items = try rows.map(Self.document)
        if query.page.page == 1 && items.count < query.page.perPage { return (items, items.count) }
        return (items, try await count(query, reading: reading))
    }

    /// `sql` with each document's check for the search's words kept a check: left to itself
    /// MariaDB turns each `EXISTS` into a semi-join that reads every match first.
    private static func checking(_ sql: String) -> String {
        "SET STATEMENT optimizer_switch = 'exists_to_in=off' FOR \(sql)"
    }

    /// The page after `cursor`: the rows past the cursor's in the list's order, read from the index
    /// with no `OFFSET`, and how many match in all.
    private func page(_ query: DocumentQuery, after cursor: DocumentCursor, reading: SearchReading) async throws -> (items: [Document], total: Int) {
        let checked = reading != .wordsPick
        let filter = Self.filter(query, words: checked ? .checked : .picked)
        let column = query.sort.rawValue
        let ascending = query.order == .asc
        let (after, direction) = ascending ? (">", "ASC") : ("<", "DESC")
        // NULLs sort first ascending and last descending, as MariaDB orders them.
        let keyset: String
        var binds: [any SQLBindable]
        switch (cursor.value, ascending) {
        case (let value?, true):
            keyset = "(\(column) > ? OR (\(column) = ? AND id > ?))"
            binds = [value, value, cursor.id]
        case (let value?, false):
            keyset = "(\(column) < ? OR (\(column) = ? AND id < ?) OR \(column) IS NULL)"
            binds = [value, value, cursor.id]
        case (nil, true):
            keyset = "((\(column) IS NULL AND id > ?) OR \(column) IS NOT NULL)"
            binds = [cursor.id]
        case (nil, false):
            keyset = "(\(column) IS NULL AND id \(after) ?)"
            binds = [cursor.id]
        }
        let sql = "SELECT \(Self.columns) FROM documents \(checked ? Self.indexHint(reading) : Self.indexHint(query)) \(filter.sql) AND \(keyset) ORDER BY \(column) \(direction), id \(direction) LIMIT ?"
        let rows = try await connection.query(checked ? Self.checking(sql) : sql, filter.binds + binds + [query.page.perPage])
        return (try rows.map(Self.document), try await count(query, reading: reading))
    }

    /// Up to `limit` documents matching `query`'s filters with an id above `after`, in id order (exports).
    func batch(_ query: DocumentQuery, after: Int64, limit: Int) async throws -> [Document] {
        let filter = Self.filter(query)
        return try await connection.query(
            "SELECT \(Self.columns) FROM documents \(filter.sql) AND id > ? ORDER BY id LIMIT ?",
            filter.binds + [after, limit]
        ).map(Self.document)
    }

    /// How many documents match `query`'s filters.
    func count(_ query: DocumentQuery) async throws -> Int {
        try await count(query, reading: try await reading(for: query))
    }

    /// How many documents match `query`'s filters, a search read as `reading` says.
    ///
    /// Filters on status, type and source alone are answered from `document_counts` (a few rows
    /// kept by triggers) instead of counting index entries, which on a large table costs far more
    /// than reading the page itself. A search with no other filter is counted from its word rows,
    /// fewer than the documents of its status.
    private func count(_ query: DocumentQuery, reading: SearchReading) async throws -> Int {
        if Self.isCountable(query) {
            let total = Self.countedTotal(query)
            return try await connection.queryFirst("SELECT (\(total.sql)) AS total", total.binds)?.decode("total") ?? 0
        }
        let words = SearchText.words(of: query.search ?? "")
        if reading != .wordsPick, !Self.hasOtherFilters(query) {
            if words.count == 1 {
                // Its rows carry their document's status and liveness, so they alone count it.
                let rows = Self.wordRows(words[0], query)
                let total: Int64 = try await connection.queryFirst("SELECT COUNT(DISTINCT document_id) AS total \(rows.sql)", rows.binds)?.decode("total") ?? 0
                return Int(total)
            }
            return try await count(query, reading: .wordsPick)
        }
        let checked = reading != .wordsPick
        let filter = Self.filter(query, words: checked ? .checked : .picked)
        let index = checked ? "FORCE INDEX (\(Self.filterIndex(query).name))" : Self.indexHint(query)
        let sql = "SELECT COUNT(*) AS total FROM documents \(index) \(filter.sql)"
        return try await connection.queryFirst(checked ? Self.checking(sql) : sql, filter.binds)?.decode("total") ?? 0
    }

    /// The statement summing `document_counts` for a countable query's filters.
    static func countedTotal(_ query: DocumentQuery) -> (sql: String, binds: [any SQLBindable]) {
        var sql = "SELECT CAST(IFNULL(SUM(documents), 0) AS SIGNED) FROM document_counts WHERE live = ?"
        var binds: [any SQLBindable] = [!query.deleted]
        if let status = query.status { sql += " AND status = ?"; binds.append(status.rawValue) }
        if let type = query.documentType { sql += " AND document_type = ?"; binds.append(type.rawValue) }
        if let source = query.externalSource { sql += " AND external_source = ?"; binds.append(source.rawValue) }
        return (sql, binds)
    }

    /// Per status, type and currency: counts, amounts and how far the documents got (for stats).
    func statsRows(_ query: DocumentQuery) async throws -> [DocumentStats.Row] {
        let filter = Self.filter(query)
        return try await connection.query("""
            SELECT status, document_type, currency, COUNT(*) AS documents,
                CAST(IFNULL(SUM(total_amount), 0) AS DECIMAL(17,2)) AS amount,
                CAST(SUM(first_viewed_at IS NOT NULL) AS SIGNED) AS viewed,
                CAST(SUM(downloaded_at IS NOT NULL) AS SIGNED) AS downloaded,
                CAST(SUM(sent_at IS NOT NULL) AS SIGNED) AS sent,
                CAST(SUM(accepted_at IS NOT NULL) AS SIGNED) AS accepted,
                CAST(SUM(signed_at IS NOT NULL) AS SIGNED) AS signed
            FROM documents \(filter.sql)
            GROUP BY status, document_type, currency
            """, filter.binds
        ).map { row in
            DocumentStats.Row(
                status: DocumentStatus(rawValue: try row.decode("status")) ?? .draft,
                type: DocumentType(rawValue: try row.decode("document_type")) ?? .custom,
                currency: try row.decode("currency"), documents: try row.decode("documents"),
                amount: try row.decode("amount"), viewed: try row.decode("viewed"),
                downloaded: try row.decode("downloaded"), sent: try row.decode("sent"),
                accepted: try row.decode("accepted"), signed: try row.decode("signed"))
        }
    }

    /// The newest documents of a contact or organization, live only.
    func recent(contactID: Int64? = nil, organizationID: Int64? = nil, limit: Int) async throws -> [Document] {
        var query = DocumentQuery()
        query.contactID = contactID
        query.organizationID = organizationID
        let filter = Self.filter(query)
        return try await connection.query(
            "SELECT \(Self.columns) FROM documents \(filter.sql) ORDER BY created_at DESC, id DESC LIMIT ?",
            filter.binds + [limit]
        ).map(Self.document)
    }

    /// True when `document_counts` holds the total of `query`'s filters.
    static func isCountable(_ query: DocumentQuery) -> Bool {
        query.contactID == nil && query.organizationID == nil && query.dateFrom == nil
            && query.dateTo == nil && query.viewed == nil && query.search == nil
    }

    /// The index MariaDB is told to use for `query`, or "" to let it choose.
    ///
    /// A search's word rows pick its documents, which are then read by primary key: named, MariaDB
    /// skips weighing every status and date index, which took longer than the search (0.18 of 0.33 ms).
    /// One filter with its sort has an index holding exactly its matches in order: MariaDB otherwise
    /// walks the live documents in sort order and reads ten times the rows to keep a status's twenty
    /// (it cannot tell how rare the status is within the first pages).
    private static func indexHint(_ query: DocumentQuery) -> String {
        if let search = query.search, !SearchText.words(of: search).isEmpty { return "FORCE INDEX (PRIMARY)" }
        // Deleted documents are ordered by deletion first in these indexes; other filters have their own.
        let filters = [query.status != nil, query.documentType != nil, query.externalSource != nil].filter { $0 }.count
        guard filters == 1, !query.deleted, isCountable(query) else { return "" }
        let index: String? = switch query.sort {
        case .dueDate: query.status != nil ? "documents_status_due" : nil
        case .createdAt:
            query.status != nil ? "documents_status_created"
                : query.documentType != nil ? "documents_type_created" : "documents_source_created"
        default: nil
        }
        return index.map { "FORCE INDEX (\($0))" } ?? ""
    }

    /// The index MariaDB is told to use for a search `reading` whose documents are checked.
    private static func indexHint(_ reading: SearchReading) -> String {
        switch reading {
        case .inOrder(let index?), .sortedMatches(let index): "FORCE INDEX (\(index))"
        case .inOrder(nil), .wordsPick: ""
        }
    }

    /// How a filter treats the search's words.
    enum Words { case picked, checked, ignored }

    /// The WHERE clause of `query`'s filters and its bound values. The search's words pick their
    /// documents, or each document is checked for them (`SearchReading`), or they are left out.
    static func filter(_ query: DocumentQuery, words treatment: Words = .picked) -> (sql: String, binds: [any SQLBindable]) {
        var clauses = [query.deleted ? "deleted_at IS NOT NULL" : "deleted_at IS NULL"]
        var binds: [any SQLBindable] = []
        func add(_ clause: String, _ values: any SQLBindable...) {
            clauses.append(clause)
            binds.append(contentsOf: values)
        }
        if let status = query.status { add("status = ?", status.rawValue) }
        if let type = query.documentType { add("document_type = ?", type.rawValue) }
        if let source = query.externalSource { add("external_source = ?", source.rawValue) }
        if let contact = query.contactID { add("contact_id = ?", contact) }
        if let organization = query.organizationID { add("organization_id = ?", organization) }
        if let from = query.dateFrom { add("created_at >= ?", from.startOfDay) }
        if let to = query.dateTo { add("created_at < ?", to.startOfDay.addingTimeInterval(86_400)) }
        if let viewed = query.viewed { add(viewed ? "first_viewed_at IS NOT NULL" : "first_viewed_at IS NULL") }
        if let search = query.search, treatment != .ignored {
            let words = SearchText.words(of: search)
            // Word rows carry their document's status and live flag, so these narrow in the index alone
            // (named indexes, for the reason `indexHint` gives); a dense search checks its documents' rows.
            for word in words {
                if treatment == .checked {
                    add("EXISTS (SELECT 1 FROM document_words FORCE INDEX (document_words_document) WHERE document_id = documents.id AND word LIKE ?)",
                        SearchText.prefixPattern(word))
                } else {
                    let rows = wordRows(word, query)
                    clauses.append("id IN (SELECT document_id \(rows.sql))")
                    binds += rows.binds
                }
            }
            if words.isEmpty {
                // Only punctuation was typed: look for it as it is.
                let pattern = SearchText.containsPattern(search)
                add("(document_number LIKE ? OR title LIKE ? OR external_id LIKE ?)", pattern, pattern, pattern)
            }
        }
        return ("WHERE " + clauses.joined(separator: " AND "), binds)
    }

    /// `FROM … WHERE …` of the word rows starting with `word`, in `query`'s status and liveness.
    static func wordRows(_ word: String, _ query: DocumentQuery) -> (sql: String, binds: [any SQLBindable]) {
        let pattern = SearchText.prefixPattern(word)
        if let status = query.status {
            return ("FROM document_words FORCE INDEX (document_words_status) WHERE live = ? AND status = ? AND word LIKE ?",
                    [!query.deleted, status.rawValue, pattern])
        }
        return ("FROM document_words FORCE INDEX (PRIMARY) WHERE word LIKE ? AND live = ?", [pattern, !query.deleted])
    }

    private static func document(_ row: SQLRow) throws -> Document {
        let pdfPath: String? = try row.decode("pdf_path")
        let pdf = try pdfPath.map { path in
            Document.StoredPDF(
                path: path, filename: try row.decode("pdf_filename") ?? "document.pdf",
                size: try row.decode("pdf_size") ?? 0, sha256: try row.decode("pdf_sha256") ?? "")
        }
        let dueDate: Date? = try row.decode("due_date")
        return Document(
            id: try row.decode("id"),
            documentNumber: try row.decode("document_number") ?? "",
            documentType: DocumentType(rawValue: try row.decode("document_type")) ?? .custom,
            externalID: try row.decode("external_id"),
            externalSource: try row.decode("external_source", as: String?.self).flatMap(ExternalSource.init(rawValue:)),
            externalURL: try row.decode("external_url"),
            title: try row.decode("title"),
            description: try row.decode("description"),
            customMessage: try row.decode("custom_message"),
            status: DocumentStatus(rawValue: try row.decode("status")) ?? .draft,
            recipientEmail: try row.decode("recipient_email"),
            recipientName: try row.decode("recipient_name"),
            recipientCompany: try row.decode("recipient_company"),
            contactID: try row.decode("contact_id"),
            organizationID: try row.decode("organization_id"),
            totalAmount: try row.decode("total_amount"),
            currency: try row.decode("currency"),
            dueDate: dueDate.map(CalendarDate.init),
            expiresAt: try row.decode("expires_at"),
            pdfURL: try row.decode("pdf_url"),
            paymentURL: try row.decode("payment_url"),
            pdf: pdf,
            metadata: try row.decodeJSON("metadata"),
            prefillData: try row.decodeJSON("prefill_data"),
            viewCount: try row.decode("view_count"),
            firstViewedAt: try row.decode("first_viewed_at"),
            lastViewedAt: try row.decode("last_viewed_at"),
            sentAt: try row.decode("sent_at"),
            downloadedAt: try row.decode("downloaded_at"),
            acceptedAt: try row.decode("accepted_at"),
            signedAt: try row.decode("signed_at"),
            paidAt: try row.decode("paid_at"),
            rejectedAt: try row.decode("rejected_at"),
            expiredAt: try row.decode("expired_at"),
            cancelledAt: try row.decode("cancelled_at"),
            registeredAt: try row.decode("registered_at"),
            remindersEnabled: try row.decode("reminders_enabled"),
            linkActions: try row.decodeJSON("link_actions", as: [String].self)?.compactMap(RecipientAction.init(rawValue:)),
            createdBy: try row.decode("created_by"),
            createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"),
            deletedAt: try row.decode("deleted_at"))
    }
}

/// Document numbers: `DOC-` and the id on at least six digits.
enum DocumentNumber {
    static func format(_ id: Int64) -> String {
        let digits = String(id)
        return "DOC-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
