import Engage
import Foundation
import TestSupport
import Testing

@Suite("API rate limit")
struct APIRateLimiterTests {
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        // The start of a minute, so the whole test stays in one window until it moves on.
        private var current = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 1)
        var now: Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    }

    @Test("counts per caller per minute, refuses past the limit, and starts again the next minute")
    func limit() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let clock = TestClock()
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
            let clock = TestClock()
            let one = APIRateLimiter(database: Database(pool: pool), limit: 2, now: { clock.now })
            let two = APIRateLimiter(database: Database(pool: pool), limit: 2, now: { clock.now })
            _ = try await one.hit("user:5")
            _ = try await two.hit("user:5")
            await #expect(throws: RateLimitExceeded.self) { try await one.hit("user:5") }
        }
    }
}
