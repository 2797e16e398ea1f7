import Foundation

/// SQL for `exports` and `export_chunks`.
struct ExportRepository {
    let connection: SQLConnection

    private static let columns = "id, format, status, documents, size, error, created_at, expires_at"

    /// Records an export of `documents` documents; `building` leases it to the caller until
    /// `leaseEnd` (built at once), otherwise it waits for a worker.
    func insert(
        tokenHash: Data, format: ExportFormat, selection: ExportSelection, documents: Int, building: (owner: String, leaseEnd: Date)?,
        by userID: Int64?, at now: Date, expiresAt: Date
    ) async throws -> Int64 {
        try await connection.execute("""
            INSERT INTO exports (token_hash, format, selection, documents, status, attempts, next_attempt_at, locked_by, locked_until,
                created_by, created_at, updated_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                tokenHash, format.rawValue, try SQLJSON.encode(selection), documents, building == nil ? "queued" : "sending",
                building == nil ? 0 : 1, building?.leaseEnd ?? now, building?.owner, building?.leaseEnd, userID, now, now, expiresAt,
            ] as [any SQLBindable]).lastInsertID
    }

    func find(tokenHash: Data) async throws -> DocumentExport? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM exports WHERE token_hash = ?", [tokenHash]).map(Self.export)
    }

    /// An export and what it selects, for the one building it.
    func job(id: Int64) async throws -> (export: DocumentExport, selection: ExportSelection)? {
        guard let row = try await connection.queryFirst("SELECT \(Self.columns), selection FROM exports WHERE id = ?", [id]),
              let selection = try row.decodeJSON("selection", as: ExportSelection.self) else { return nil }
        return (try Self.export(row), selection)
    }

    /// True when an export waits for a worker (a plain read, so that idle workers take no locks).
    func hasDue(now: Date) async throws -> Bool {
        try await connection.queryFirst(
            "SELECT 1 AS due FROM exports WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? LIMIT 1", [now]) != nil
    }

    /// Leases the oldest due export to `owner`.
    func claim(owner: String, leaseEnd: Date, now: Date) async throws -> Int64? {
        try await LeaseQueue(connection: connection, table: "exports").claim(limit: 1, owner: owner, leaseEnd: leaseEnd, now: now).first
    }

    /// Appends one chunk of the file, if `owner` still holds the export.
    func appendChunk(exportID: Int64, position: Int, data: Data, owner: String) async throws -> Bool {
        try await connection.execute("""
            INSERT INTO export_chunks (export_id, position, data)
            SELECT id, ?, ? FROM exports WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [position, data, exportID, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// Extends `owner`'s claim to `leaseEnd`; false when another worker has taken the export over.
    func renew(id: Int64, owner: String, leaseEnd: Date, at now: Date) async throws -> Bool {
        try await connection.execute("""
            UPDATE exports SET locked_until = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [leaseEnd, leaseEnd, now, id, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// Removes the chunks of an earlier, interrupted build.
    func clearChunks(exportID: Int64) async throws {
        try await connection.execute("DELETE FROM export_chunks WHERE export_id = ?", [exportID])
    }

    /// Ends `owner`'s build: ready with the file's size, or failed with the reason.
    func finish(id: Int64, owner: String, size: Int64?, error: String?, at now: Date) async throws -> Bool {
        try await connection.execute("""
            UPDATE exports SET status = ?, size = ?, error = ?, locked_by = NULL, locked_until = NULL, updated_at = ?
            WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [error == nil ? "ready" : "failed", size, error, now, id, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// The chunk at `position` of an export's file, nil past the end.
    func chunk(exportID: Int64, position: Int) async throws -> Data? {
        try await connection.queryFirst(
            "SELECT data FROM export_chunks WHERE export_id = ? AND position = ?", [exportID, position] as [any SQLBindable]
        )?.decode("data")
    }

    /// Drops the files of expired exports (their rows stay a day, to answer 410), then the rows.
    func purge(now: Date) async throws -> Int {
        let files = try await connection.execute("""
            DELETE c FROM export_chunks c JOIN exports e ON e.id = c.export_id WHERE e.expires_at < ?
            """, [now]).affectedRows
        let rows = try await connection.execute(
            "DELETE FROM exports WHERE expires_at < ?", [now.addingTimeInterval(-86_400)]).affectedRows
        return files + rows
    }

    private static func export(_ row: SQLRow) throws -> DocumentExport {
        DocumentExport(
            id: try row.decode("id"), format: ExportFormat(rawValue: try row.decode("format")) ?? .csv,
            status: DocumentExport.Status(rawValue: try row.decode("status")) ?? .failed, documents: Int(try row.decode("documents", as: Int64.self)),
            size: try row.decode("size"), error: try row.decode("error"), createdAt: try row.decode("created_at"),
            expiresAt: try row.decode("expires_at"))
    }
}
