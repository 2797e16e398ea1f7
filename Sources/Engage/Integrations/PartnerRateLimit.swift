import Foundation

/// How many requests a partner token may make, shared by every worker through the database: at
/// most `limit` requests in any `window` (a sliding window, stricter than a bucket that refills
/// at the average rate, which would allow twice the limit across a window's edge), plus a pause
/// the partner asked for with 429 `Retry-After`.
public struct PartnerRateLimit: Sendable {
    /// Requests per window; 0 for no limit.
    public var limit: Int
    public var window: Duration
    /// Added to the window, so that requests that leave close together but arrive apart (network
    /// delay differs) still fit in the partner's window.
    public var margin: Duration

    public init(limit: Int, window: Duration = .seconds(5), margin: Duration = .milliseconds(250)) {
        self.limit = limit
        self.window = window
        self.margin = margin
    }

    /// Takes one request from `bucket`; returns nil when it may go now, else how long to wait
    /// before asking again.
    func take(_ bucket: String, in tx: Transaction, at now: Date = Date()) async throws -> Duration? {
        guard limit > 0 else { return nil }
        let state = try await tx.rateLimits.lock(bucket)
        if let paused = state.pausedUntil, paused > now { return .seconds(paused.timeIntervalSince(now)) }
        let span = (window + margin).seconds
        var sent = state.sent.filter { now.timeIntervalSince1970 - $0 < span }.sorted()
        if sent.count >= limit {
            return .seconds(max(0.001, sent[sent.count - limit] + span - now.timeIntervalSince1970))
        }
        sent.append(now.timeIntervalSince1970)
        try await tx.rateLimits.save(bucket, sent: sent)
        return nil
    }
}

/// SQL for `partner_rate_limits`.
struct PartnerRateLimitRepository {
    let connection: SQLConnection

    struct State {
        /// Unix times of the latest requests.
        let sent: [Double]
        let pausedUntil: Date?
    }

    /// The bucket's row, locked until the transaction ends (created empty the first time).
    func lock(_ bucket: String) async throws -> State {
        try await connection.execute("INSERT IGNORE INTO partner_rate_limits (bucket, sent) VALUES (?, '[]')", [bucket])
        guard let row = try await connection.queryFirst(
            "SELECT sent, paused_until FROM partner_rate_limits WHERE bucket = ? FOR UPDATE", [bucket])
        else { return State(sent: [], pausedUntil: nil) }
        return State(sent: try row.decodeJSON("sent", as: [Double].self) ?? [], pausedUntil: try row.decode("paused_until"))
    }

    func save(_ bucket: String, sent: [Double]) async throws {
        try await connection.execute("UPDATE partner_rate_limits SET sent = ? WHERE bucket = ?", [try SQLJSON.encode(sent), bucket])
    }

    /// Makes every worker wait until `until` (the partner answered 429).
    func pause(_ bucket: String, until: Date) async throws {
        try await connection.execute("""
            INSERT INTO partner_rate_limits (bucket, sent, paused_until) VALUES (?, '[]', ?)
            ON DUPLICATE KEY UPDATE paused_until = GREATEST(COALESCE(paused_until, VALUES(paused_until)), VALUES(paused_until))
            """, [bucket, until] as [any SQLBindable])
    }
}
