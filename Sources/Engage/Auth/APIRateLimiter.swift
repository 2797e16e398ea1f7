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

/// The API rate limit: requests per caller (user or API key) per minute, with counts shared
/// through MariaDB. `APIGate` counts the calls of a batch together: one statement per caller and
/// window adds them all, so a busy caller's counter row is locked once per batch, not once per call.
public struct APIRateLimiter: Sendable {
    /// Requests allowed per caller per minute.
    public let limit: Int

    /// One call of a caller in a window.
    struct Hit: Sendable, Hashable {
        let principal: String
        let window: Date
    }

    /// A limiter allowing `limit` requests a minute.
    public init(limit: Int) {
        self.limit = limit
    }

    /// The start of the minute `now` is in.
    static func window(of now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    /// Where a call that is the window's `hits`-th stands; throws `RateLimitExceeded` past the limit.
    func status(hits: Int, window: Date, now: Date) throws -> RateLimitStatus {
        let resetAt = Int(window.timeIntervalSince1970) + 60
        let status = RateLimitStatus(limit: limit, remaining: max(0, limit - hits), resetAt: resetAt)
        guard hits <= limit else {
            throw RateLimitExceeded(retryAfter: max(1, resetAt - Int(now.timeIntervalSince1970.rounded(.down))), status: status)
        }
        return status
    }

    /// Adds each caller's hits (in a fixed order, so batches never deadlock); each hit's count is
    /// its place in the window. The first hit of a window tidies up windows that are over.
    static func count(_ hits: [Hit], in tx: Transaction) async throws -> [Int] {
        var added: [Hit: Int] = [:]
        for hit in hits { added[hit, default: 0] += 1 }
        var totals: [Hit: Int] = [:]
        for (hit, count) in added.sorted(by: { ($0.key.principal, $0.key.window) < ($1.key.principal, $1.key.window) }) {
            let total = try await tx.rateCounters.hit(principal: hit.principal, window: hit.window, count: count)
            if total == count { try await tx.rateCounters.deleteOlder(than: hit.window) }
            totals[hit] = total - count
        }
        return hits.map { hit in
            totals[hit, default: 0] += 1
            return totals[hit]!
        }
    }
}
