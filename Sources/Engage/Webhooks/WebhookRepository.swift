import Foundation

/// SQL for webhook endpoints, the events they are sent, the deliveries that carry them and each
/// attempt of those. Deliveries are claimed and leased like `outbox_messages`.
struct WebhookRepository {
    let connection: SQLConnection

    private static let endpointColumns = """
        id, url, description, events, enabled, disabled_reason, disabled_at, failing_since, last_success_at,
        previous_secret_until, created_at, updated_at
        """
    private static let deliveryColumns = """
        d.id, d.endpoint_id, e.message_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
        d.last_error, d.created_at, d.delivered_at
        """

    // MARK: Endpoints

    func insertEndpoint(url: String, description: String?, events: [String], sealedSecret: Data, createdBy: Int64?, at time: Date) async throws -> Int64 {
        let result = try await connection.execute("""
            INSERT INTO webhook_endpoints (url, description, events, secret, created_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [url, description, try SQLJSON.encode(events), sealedSecret, createdBy, time, time] as [any SQLBindable])
        return Int64(result.lastInsertID)
    }

    func endpoint(id: Int64) async throws -> WebhookEndpoint? {
        try await connection.queryFirst("SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE id = ?", [id]).map(Self.endpoint)
    }

    /// Every endpoint, oldest first.
    func endpoints() async throws -> [WebhookEndpoint] {
        try await connection.query("SELECT \(Self.endpointColumns) FROM webhook_endpoints ORDER BY id").map(Self.endpoint)
    }

    /// The enabled endpoints and what they subscribed to: read by every change that announces an event.
    func subscribers() async throws -> [(id: Int64, events: [String])] {
        try await connection.query("SELECT id, events FROM webhook_endpoints WHERE enabled = 1").map {
            (try $0.decode("id"), try $0.decodeJSON("events", as: [String].self) ?? [])
        }
    }

    func updateEndpoint(id: Int64, url: String, description: String?, events: [String], enabled: Bool, at time: Date) async throws {
        try await connection.execute("""
            UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, updated_at = ?,
                disabled_reason = IF(?, NULL, COALESCE(disabled_reason, 'Disabled by staff.')),
                disabled_at = IF(?, NULL, COALESCE(disabled_at, ?)),
                failing_since = IF(? AND NOT enabled, NULL, failing_since), enabled = ?
            WHERE id = ?
            """, [url, description, try SQLJSON.encode(events), time, enabled, enabled, time, enabled, enabled, id] as [any SQLBindable])
    }

    func deleteEndpoint(id: Int64) async throws -> Bool {
        try await connection.execute("DELETE FROM webhook_endpoints WHERE id = ?", [id]).affectedRows == 1
    }

    /// The sealed secrets that sign for an endpoint now: the current one, and the previous one
    /// while its overlap lasts.
    func sealedSecrets(id: Int64, at time: Date) async throws -> [Data] {
        guard let row = try await connection.queryFirst(
            "SELECT secret, previous_secret, previous_secret_until FROM webhook_endpoints WHERE id = ?", [id])
        else { return [] }
        var secrets: [Data] = [try row.decode("secret")]
        if let previous: Data = try row.decode("previous_secret"), let until: Date = try row.decode("previous_secret_until"), until > time {
            secrets.append(previous)
        }
        return secrets
    }

    /// Replaces the secret; the one it replaces keeps signing until `previousUntil`.
    func rotateSecret(id: Int64, sealedSecret: Data, previousUntil: Date, at time: Date) async throws {
        try await connection.execute("""
            UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ? WHERE id = ?
            """, [previousUntil, sealedSecret, time, id] as [any SQLBindable])
    }

    /// Deliveries of the endpoints by status, retries told apart from first tries.
    func statistics(ids: [Int64]) async throws -> [Int64: WebhookEndpoint.Statistics] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT endpoint_id, status, attempts > 0 AS tried, COUNT(*) AS n FROM webhook_deliveries
            WHERE endpoint_id IN (\(SQLList.placeholders(ids.count))) GROUP BY endpoint_id, status, tried
            """, ids)
        var statistics: [Int64: WebhookEndpoint.Statistics] = [:]
        for row in rows {
            let id: Int64 = try row.decode("endpoint_id")
            let count = Int(try row.decode("n", as: Int64.self))
            let tried: Int64 = try row.decode("tried")
            switch try WebhookDelivery.Status(rawValue: row.decode("status")) {
            case .delivered?: statistics[id, default: .init()].delivered += count
            case .failed?: statistics[id, default: .init()].failed += count
            case .queued? where tried == 1, .sending?: statistics[id, default: .init()].retrying += count
            default: statistics[id, default: .init()].queued += count
            }
        }
        return statistics
    }

    // MARK: Events and deliveries

    /// Stores an event and a queued delivery of it to each of `endpointIDs`, due now.
    func enqueue(messageID: String, type: String, body: String, endpointIDs: [Int64], at time: Date) async throws {
        let event = try await connection.execute(
            "INSERT INTO webhook_events (message_id, type, body, created_at) VALUES (?, ?, ?, ?)",
            [messageID, type, body, time] as [any SQLBindable])
        let rows = Array(repeating: "(?, ?, 'queued', ?, ?, ?)", count: endpointIDs.count).joined(separator: ", ")
        let binds: [any SQLBindable] = endpointIDs.flatMap { [$0, Int64(event.lastInsertID), time, time, time] as [any SQLBindable] }
        try await connection.execute(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, next_attempt_at, created_at, updated_at) VALUES \(rows)", binds)
    }

    /// A delivery as a worker sends it.
    struct Claimed: Sendable {
        let id: Int64
        let endpointID: Int64
        let url: String
        let attempt: Int
        let messageID: String
        let body: String
    }

    /// Leases due deliveries to `owner` until `leaseEnd`, counting an attempt for each, in the order
    /// their events happened. Must run inside a transaction.
    func claim(limit: Int, owner: String, leaseEnd: Date, now: Date) async throws -> [Claimed] {
        let ids = try await LeaseQueue(connection: connection, table: "webhook_deliveries").claim(limit: limit, owner: owner, leaseEnd: leaseEnd, now: now)
        guard !ids.isEmpty else { return [] }
        let list = SQLList.placeholders(ids.count)
        return try await connection.query("""
            SELECT d.id, d.endpoint_id, w.url, d.attempts, e.message_id, e.body
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
            WHERE d.id IN (\(list)) ORDER BY d.id
            """, ids).map {
            Claimed(id: try $0.decode("id"), endpointID: try $0.decode("endpoint_id"), url: try $0.decode("url"),
                    attempt: Int(try $0.decode("attempts", as: Int64.self)), messageID: try $0.decode("message_id"), body: try $0.decode("body"))
        }
    }

    /// Ends a delivery `owner` holds: delivered, queued again for `retryAt`, or failed for good.
    @discardableResult
    func finish(id: Int64, owner: String, status: WebhookDelivery.Status, statusCode: Int?, error: String?, retryAt: Date?, at time: Date) async throws -> Bool {
        try await connection.execute("""
            UPDATE webhook_deliveries SET status = ?, last_status_code = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                delivered_at = IF(? = 'delivered', ?, delivered_at), locked_by = NULL, locked_until = NULL, updated_at = ?
            WHERE id = ? AND locked_by = ? AND status = 'sending'
            """, [status.rawValue, statusCode, error.map { String($0.prefix(1000)) }, retryAt, status.rawValue, time, time, id, owner]
            as [any SQLBindable]).affectedRows == 1
    }

    /// Gives back deliveries `owner` claimed but did not try: queued again, due at `dueAt`, their
    /// claimed attempt not counted.
    func release(ids: [Int64], owner: String, dueAt: Date, at time: Date) async throws {
        guard !ids.isEmpty else { return }
        try await connection.execute("""
            UPDATE webhook_deliveries SET status = 'queued', attempts = attempts - 1, next_attempt_at = ?, locked_by = NULL,
                locked_until = NULL, updated_at = ? WHERE id IN (\(SQLList.placeholders(ids.count))) AND locked_by = ? AND status = 'sending'
            """, [dueAt, time] + ids + [owner])
    }

    func recordAttempt(deliveryID: Int64, _ attempt: WebhookAttempt) async throws {
        try await connection.execute("""
            INSERT INTO webhook_attempts (delivery_id, attempt, sent_at, duration_ms, signed_timestamp, signature, status_code,
                response_headers, response_body, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [deliveryID, attempt.attempt, attempt.sentAt, attempt.durationMilliseconds, attempt.signedTimestamp,
                  String(attempt.signature.prefix(255)), attempt.statusCode, attempt.responseHeaders.map { String($0.prefix(2000)) },
                  attempt.responseBody.map { String($0.prefix(2000)) }, attempt.error.map { String($0.prefix(1000)) }] as [any SQLBindable])
    }

    /// Notes that an endpoint answered: it is failing no more.
    func noteSuccess(endpointID: Int64, at time: Date) async throws {
        try await connection.execute(
            "UPDATE webhook_endpoints SET failing_since = NULL, last_success_at = ? WHERE id = ?", [time, endpointID] as [any SQLBindable])
    }

    /// Notes that an endpoint failed; returns since when it has been failing.
    func noteFailure(endpointID: Int64, at time: Date) async throws -> Date {
        try await connection.execute(
            "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?", [time, endpointID] as [any SQLBindable])
        return try await connection.queryFirst("SELECT failing_since FROM webhook_endpoints WHERE id = ?", [endpointID])?.decode("failing_since") ?? time
    }

    /// Disables an endpoint and fails its waiting deliveries; false when it already was.
    func disable(endpointID: Int64, reason: String, at time: Date) async throws -> Bool {
        let changed = try await connection.execute("""
            UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ? AND enabled = 1
            """, [reason, time, time, endpointID] as [any SQLBindable]).affectedRows == 1
        try await connection.execute("""
            UPDATE webhook_deliveries SET status = 'failed', last_error = ?, updated_at = ? WHERE endpoint_id = ? AND status = 'queued'
            """, ["Endpoint disabled: " + reason, time, endpointID] as [any SQLBindable])
        return changed
    }

    /// A page of an endpoint's deliveries, newest first, and how many it has.
    func deliveries(endpointID: Int64, limit: Int, offset: Int) async throws -> (items: [WebhookDelivery], total: Int) {
        let rows = try await connection.query("""
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.endpoint_id = ? ORDER BY d.id DESC LIMIT ? OFFSET ?
            """, [endpointID, limit, offset] as [any SQLBindable])
        let total: Int64 = try await connection.queryFirst(
            "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?", [endpointID])?.decode("n") ?? 0
        return (try rows.map(Self.delivery), Int(total))
    }

    func delivery(id: Int64, endpointID: Int64) async throws -> WebhookDelivery? {
        try await connection.queryFirst("""
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.id = ? AND d.endpoint_id = ?
            """, [id, endpointID]).map(Self.delivery)
    }

    /// The body a delivery carries.
    func body(deliveryID: Int64) async throws -> String? {
        try await connection.queryFirst(
            "SELECT e.body FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.id = ?", [deliveryID]
        )?.decode("body")
    }

    func attempts(deliveryID: Int64) async throws -> [WebhookAttempt] {
        try await connection.query("""
            SELECT attempt, sent_at, duration_ms, signed_timestamp, signature, status_code, response_headers, response_body, error
            FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt
            """, [deliveryID]).map {
            WebhookAttempt(
                attempt: Int(try $0.decode("attempt", as: Int64.self)), sentAt: try $0.decode("sent_at"),
                durationMilliseconds: Int(try $0.decode("duration_ms", as: Int64.self)), signedTimestamp: try $0.decode("signed_timestamp"),
                signature: try $0.decode("signature"), statusCode: try ($0.decode("status_code") as Int64?).map(Int.init),
                responseHeaders: try $0.decode("response_headers"), responseBody: try $0.decode("response_body"), error: try $0.decode("error"))
        }
    }

    /// Queues again, due now, every delivery that failed since the endpoint last answered (all of
    /// them when it never did): what a disabled endpoint missed. Returns how many.
    func replayMissed(endpointID: Int64, at time: Date) async throws -> Int {
        Int(try await connection.execute("""
            UPDATE webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
            SET d.status = 'queued', d.attempts = 0, d.next_attempt_at = ?, d.last_error = NULL, d.updated_at = ?
            WHERE d.endpoint_id = ? AND d.status = 'failed' AND (w.last_success_at IS NULL OR d.created_at >= w.last_success_at)
            """, [time, time, endpointID] as [any SQLBindable]).affectedRows)
    }

    /// Deletes up to `limit` events older than `cutoff` whose deliveries have all ended, with those
    /// deliveries and their attempts; returns how many events.
    func purge(before cutoff: Date, limit: Int) async throws -> Int {
        Int(try await connection.execute("""
            DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status IN ('queued', 'sending'))
            LIMIT ?
            """, [cutoff, limit] as [any SQLBindable]).affectedRows)
    }

    /// Queues a finished delivery again, due now, with a fresh count of attempts.
    func replay(id: Int64, at time: Date) async throws -> Bool {
        try await connection.execute("""
            UPDATE webhook_deliveries SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL, updated_at = ?
            WHERE id = ? AND status IN ('delivered', 'failed')
            """, [time, time, id] as [any SQLBindable]).affectedRows == 1
    }

    private static func endpoint(_ row: SQLRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode("id"), url: try row.decode("url"), description: try row.decode("description"),
            events: try row.decodeJSON("events", as: [String].self) ?? [], enabled: try row.decode("enabled"),
            disabledReason: try row.decode("disabled_reason"), disabledAt: try row.decode("disabled_at"),
            failingSince: try row.decode("failing_since"), lastSuccessAt: try row.decode("last_success_at"),
            previousSecretUntil: try row.decode("previous_secret_until"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"))
    }

    private static func delivery(_ row: SQLRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.decode("id"), endpointID: try row.decode("endpoint_id"), messageID: try row.decode("message_id"),
            eventType: try row.decode("type"), status: WebhookDelivery.Status(rawValue: try row.decode("status")) ?? .queued,
            attempts: Int(try row.decode("attempts", as: Int64.self)), nextAttemptAt: try row.decode("next_attempt_at"),
            lastStatusCode: try (row.decode("last_status_code") as Int64?).map(Int.init), lastError: try row.decode("last_error"),
            createdAt: try row.decode("created_at"), deliveredAt: try row.decode("delivered_at"))
    }
}
