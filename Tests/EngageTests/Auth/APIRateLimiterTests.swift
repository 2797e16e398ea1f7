import Engage
import Foundation
import TestSupport
import Testing

@Suite("API rate limit")
struct APIRateLimiterTests {
    /// A clock just past the start of a minute, so each test stays in one window until it moves on.
    private static func clockAtMinuteStart() -> ManualClock {
        ManualClock(start: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 1))
    }

    @Test("counts per caller per minute, refuses past the limit, and starts again the next minute")
    func limit() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let clock = Self.clockAtMinuteStart()
            let limiter = APIRateLimiter(database: Database(pool: pool), limit: 3, now: { clock.now })
            var remaining: [Int] = []
            for _ in 0..<3 { remaining.append(try await limiter.hit("user:1").remaining) }
            #expect(remaining == [2, 1, 0])
            let refused = await #expect(throws: RateLimitExceeded.self) { try await limiter.hit("user:1") }
            #expect(refused?.retryAfter == 59)
            #expect(refused?.status?.remaining == 0)
            #expect(refused?.status?.resetAt == Int(clock.now.timeIntervalSince1970) + 59)
            #expect(try await limiter.hit("key:7").remaining == 2)

            clock.advance(60)
            #expect(try await limiter.hit("user:1").remaining == 2)
        }
    }

    @Test("instances sharing the database share the counts")
    func shared() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let clock = Self.clockAtMinuteStart()
            let one = APIRateLimiter(database: Database(pool: pool), limit: 2, now: { clock.now })
            let two = APIRateLimiter(database: Database(pool: pool), limit: 2, now: { clock.now })
            _ = try await one.hit("user:5")
            _ = try await two.hit("user:5")
            await #expect(throws: RateLimitExceeded.self) { try await one.hit("user:5") }
        }
    }
}
