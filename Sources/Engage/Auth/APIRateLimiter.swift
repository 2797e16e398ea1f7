import Foundation

/// Where a caller stands against the API rate limit, for the `X-RateLimit-*` headers.
public struct RateLimitStatus: Sendable, Equatable {
    /// Requests allowed per window.
    public let limit: Int
    /// Requests left in this window.
    public let remaining: Int
    /// When the window ends (Unix seconds).
    public let resetAt: Int
}

/// Limits API requests per caller (user or API key) per minute, with counts shared through MariaDB.
public struct APIRateLimiter: Sendable {
    private let database: Database
    /// Requests allowed per caller per minute.
    public let limit: Int
    private let now: @Sendable () -> Date

    /// A limiter allowing `limit` requests a minute.
    public init(database: Database, limit: Int, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.limit = limit
        self.now = now
    }

    /// Counts a request of `principal` ("user:12", "key:3"); throws `RateLimitExceeded` past the limit.
    public func hit(_ principal: String) async throws -> RateLimitStatus {
        let now = now().timeIntervalSince1970
        let windowStart = (now / 60).rounded(.down) * 60
        let hits = try await database.statements { tx in
            let counters = tx.rateCounters
            let hits = try await counters.hit(principal: principal, window: Date(timeIntervalSince1970: windowStart))
            // The first hit of a window tidies up windows that are over, once a minute per caller.
            if hits == 1 { try await counters.deleteOlder(than: Date(timeIntervalSince1970: windowStart)) }
            return hits
        }
        let resetAt = Int(windowStart) + 60
        let status = RateLimitStatus(limit: limit, remaining: max(0, limit - hits), resetAt: resetAt)
        guard hits <= limit else {
            throw RateLimitExceeded(retryAfter: max(1, resetAt - Int(now.rounded(.down))), status: status)
        }
        return status
    }
}
