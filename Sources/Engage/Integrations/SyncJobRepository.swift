import Foundation

/// SQL for `sync_jobs` and `sync_errors`.
struct SyncJobRepository {
    let connection: SQLConnection

    private static let columns = """
        id, source, full_sync, origin, status, since, stage, pages, total, documents_processed, documents_created,
        documents_updated, error_count, failure, claims, requested_by, created_at, started_at, finished_at, updated_at
        """

    /// Queues a job; nil when the source already has one queued or running.
    func insert(source: Partner, full: Bool, origin: SyncJob.Origin, since: Date?, requestedBy: Int64?, at time: Date) async throws -> Int64? {
        do {
            return try await connection.execute("""
                INSERT INTO sync_jobs (source, full_sync, origin, status, since, requested_by, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)
                """, [source.rawValue, full, origin.rawValue, since, requestedBy, time, time] as [any SQLBindable]).lastInsertID
        } catch let error where SQLFailure.isDuplicateKey(error) {
            return nil
        }
    }

    func find(id: Int64) async throws -> SyncJob? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM sync_jobs WHERE id = ?", [id]).map(Self.job)
    }

    /// The source's queued or running job.
    func active(source: Partner) async throws -> SyncJob? {
        try await connection.queryFirst("SELECT \(Self.columns) FROM sync_jobs WHERE active_source = ?", [source.rawValue]).map(Self.job)
    }

    /// The source's newest job, and its newest completed one.
    func latest(source: Partner, status: SyncJob.Status? = nil) async throws -> SyncJob? {
        var sql = "SELECT \(Self.columns) FROM sync_jobs WHERE source = ?"
        var binds: [any SQLBindable] = [source.rawValue]
        if let status { sql += " AND status = ?"; binds.append(status.rawValue) }
        return try await connection.queryFirst(sql + " ORDER BY id DESC LIMIT 1", binds).map(Self.job)
    }

    /// A page of jobs, newest first.
    func page(source: Partner?, status: SyncJob.Status?, page: PageRequest) async throws -> (items: [SyncJob], total: Int) {
        var clauses: [String] = []
        var binds: [any SQLBindable] = []
        if let source { clauses.append("source = ?"); binds.append(source.rawValue) }
        if let status { clauses.append("status = ?"); binds.append(status.rawValue) }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let total: Int64 = try await connection.queryFirst("SELECT COUNT(*) AS n FROM sync_jobs \(filter)", binds)?.decode("n") ?? 0
        let rows = try await connection.query(
            "SELECT \(Self.columns) FROM sync_jobs \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
            binds + [page.perPage, page.offset] as [any SQLBindable])
        return (try rows.map(Self.job), Int(total))
    }

    /// Where a running job stands: its checkpoint.
    struct Checkpoint: Sendable, Equatable {
        var stage: String?
        var cursor: String?
    }

    /// Takes the oldest job that is queued, or running under a lease that ended (its worker
    /// stopped), for `owner` until `leaseEnd`; returns it with its checkpoint. Must run in a transaction.
    func claim(owner: String, leaseEnd: Date, now: Date) async throws -> (job: SyncJob, checkpoint: Checkpoint)? {
        guard let row = try await connection.queryFirst("""
            SELECT id FROM sync_jobs WHERE status = 'queued' OR (status = 'running' AND locked_until < ?)
            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
            """, [now]) else { return nil }
        let id: Int64 = try row.decode("id")
        try await connection.execute("""
            UPDATE sync_jobs SET status = 'running', claims = claims + 1, locked_by = ?, locked_until = ?,
                started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?
            """, [owner, leaseEnd, now, now, id] as [any SQLBindable])
        guard let checkpoint = try await connection.queryFirst("SELECT stage, cursor_value FROM sync_jobs WHERE id = ?", [id]),
              let job = try await find(id: id)
        else { return nil }
        return (job, Checkpoint(stage: try checkpoint.decode("stage"), cursor: try checkpoint.decode("cursor_value")))
    }

    /// Locks the job while `owner` still holds it and extends the lease; false when it lost it
    /// (another worker took it over), and then nothing may be written for it.
    func hold(id: Int64, owner: String, leaseEnd: Date, at time: Date) async throws -> Bool {
        try await connection.execute("""
            UPDATE sync_jobs SET locked_until = ?, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'running'
            """, [leaseEnd, time, id, owner] as [any SQLBindable]).affectedRows == 1
    }

    /// What one imported page adds, with the checkpoint after it.
    struct Progress: Sendable {
        var processed = 0
        var created = 0
        var updated = 0
        var errors = 0
    }

    func advance(id: Int64, to checkpoint: Checkpoint, by progress: Progress, total: Int?, at time: Date) async throws {
        try await connection.execute("""
            UPDATE sync_jobs SET stage = ?, cursor_value = ?, pages = pages + 1, total = COALESCE(?, total),
                documents_processed = documents_processed + ?, documents_created = documents_created + ?,
                documents_updated = documents_updated + ?, error_count = error_count + ?, updated_at = ?
            WHERE id = ?
            """, [checkpoint.stage, checkpoint.cursor, total.map(Int64.init), progress.processed, progress.created,
                  progress.updated, progress.errors, time, id] as [any SQLBindable])
    }

    /// Ends a job; `failure` says why it failed.
    func finish(id: Int64, owner: String?, status: SyncJob.Status, failure: String?, at time: Date) async throws {
        var sql = """
            UPDATE sync_jobs SET status = ?, failure = ?, locked_by = NULL, locked_until = NULL, finished_at = ?, updated_at = ?
            WHERE id = ? AND status IN ('queued', 'running')
            """
        var binds: [any SQLBindable] = [status.rawValue, failure.map { String($0.prefix(1000)) }, time, time, id]
        if let owner { sql += " AND locked_by = ?"; binds.append(owner) }
        try await connection.execute(sql, binds)
    }

    func insertErrors(jobID: Int64, _ problems: [ItemProblem], at time: Date) async throws {
        guard !problems.isEmpty else { return }
        let rows = Array(repeating: "(?, ?, ?, ?)", count: problems.count).joined(separator: ", ")
        try await connection.execute(
            "INSERT INTO sync_errors (job_id, external_id, message, created_at) VALUES \(rows)",
            problems.flatMap { [jobID, $0.externalID, String($0.message.prefix(1000)), time] as [any SQLBindable] })
    }

    /// A page of a job's errors, oldest first.
    func errors(jobID: Int64, limit: Int, offset: Int) async throws -> [SyncError] {
        try await connection.query("""
            SELECT external_id, message, created_at FROM sync_errors WHERE job_id = ? ORDER BY id LIMIT ? OFFSET ?
            """, [jobID, limit, offset] as [any SQLBindable]).map {
            SyncError(externalID: try $0.decode("external_id"), message: try $0.decode("message"), createdAt: try $0.decode("created_at"))
        }
    }

    /// A job's errors after `afterID` (in id order), for downloads.
    func errorBatch(jobID: Int64, after afterID: Int64, limit: Int) async throws -> [(id: Int64, error: SyncError)] {
        try await connection.query("""
            SELECT id, external_id, message, created_at FROM sync_errors WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [jobID, afterID, limit] as [any SQLBindable]).map {
            (try $0.decode("id"), SyncError(
                externalID: try $0.decode("external_id"), message: try $0.decode("message"), createdAt: try $0.decode("created_at")))
        }
    }

    private static func job(_ row: SQLRow) throws -> SyncJob {
        let total: Int64? = try row.decode("total")
        return SyncJob(
            id: try row.decode("id"), source: Partner(rawValue: try row.decode("source")) ?? .pennylane,
            full: try row.decode("full_sync"), origin: SyncJob.Origin(rawValue: try row.decode("origin")) ?? .manual,
            status: SyncJob.Status(rawValue: try row.decode("status")) ?? .failed, since: try row.decode("since"),
            stage: try row.decode("stage"), pages: Int(try row.decode("pages", as: Int64.self)), total: total.map(Int.init),
            processed: Int(try row.decode("documents_processed", as: Int64.self)),
            created: Int(try row.decode("documents_created", as: Int64.self)),
            updated: Int(try row.decode("documents_updated", as: Int64.self)),
            errorCount: Int(try row.decode("error_count", as: Int64.self)), failure: try row.decode("failure"),
            claims: Int(try row.decode("claims", as: Int64.self)), requestedBy: try row.decode("requested_by"),
            createdAt: try row.decode("created_at"), startedAt: try row.decode("started_at"), finishedAt: try row.decode("finished_at"),
            updatedAt: try row.decode("updated_at"))
    }
}
