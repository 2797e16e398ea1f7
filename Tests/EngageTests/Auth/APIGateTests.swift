import Engage
import Foundation
import TestSupport
import Testing

/// Admitting API calls: the caller found by its key or token, and counted against the rate limit,
/// calls that arrive together sharing one transaction without losing a count.
@Suite("API gate and rate limit")
struct APIGateTests {
    /// A clock just past the start of a minute, so each test stays in one window until it moves on.
    private static func clockAtMinuteStart() -> ManualClock {
        ManualClock(start: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 1))
    }

    /// A gate over a fresh database with two API keys.
    private func withGate(
        limit: Int, _ body: (_ gate: @escaping @Sendable () async -> APIGate, _ keys: [String], _ apiKeys: APIKeyService, ManualClock) async throws -> Void
    ) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            let admin = try await users.create(email: "admin@example.com", name: "Admin", role: "admin", password: "correct horse battery")
            let apiKeys = APIKeyService(database: database)
            let keys = [
                try await apiKeys.create(name: "one", role: "staff", by: admin).secret,
                try await apiKeys.create(name: "two", role: "viewer", by: admin).secret,
            ]
            let clock = Self.clockAtMinuteStart()
            let signIn = SignInService(database: database, users: users)
            let tokens = await APITokenService(database: database, signIn: signIn, secret: EngageConfiguration.testJWTSecret)
            try await body({ APIGate(database: database, tokens: tokens, limit: limit, now: { clock.now }) }, keys, apiKeys, clock)
        }
    }

    @Test("counts per caller per minute, refuses past the limit, and starts again the next minute")
    func limit() async throws {
        try await withGate(limit: 3) { makeGate, keys, _, clock in
            let gate = await makeGate()
            var remaining: [Int] = []
            for _ in 0..<3 { remaining.append(try await gate.admit(apiKey: keys[0]).status?.remaining ?? -1) }
            #expect(remaining == [2, 1, 0])
            let refused = await #expect(throws: RateLimitExceeded.self) { try await gate.admit(apiKey: keys[0]) }
            #expect(refused?.retryAfter == 59)
            #expect(refused?.status?.remaining == 0)
            #expect(refused?.status?.resetAt == Int(clock.now.timeIntervalSince1970) + 59)
            #expect(try await gate.admit(apiKey: keys[1]).status?.remaining == 2, "each caller has its own count")

            clock.advance(60)
            #expect(try await gate.admit(apiKey: keys[0]).status?.remaining == 2)
        }
    }

    @Test("gates sharing the database share the counts")
    func shared() async throws {
        try await withGate(limit: 2) { makeGate, keys, _, _ in
            let one = await makeGate()
            let two = await makeGate()
            _ = try await one.admit(apiKey: keys[0])
            _ = try await two.admit(apiKey: keys[0])
            await #expect(throws: RateLimitExceeded.self) { try await one.admit(apiKey: keys[0]) }
        }
    }

    @Test("calls arriving together each get their own place in the count; a bad key in the batch is refused alone")
    func together() async throws {
        try await withGate(limit: 30) { makeGate, keys, apiKeys, _ in
            let gate = await makeGate()
            let revoked = keys[1]
            let revokedID = try #require(try await apiKeys.list().first { revoked.hasPrefix($0.prefix) }?.id)
            try await apiKeys.revoke(id: revokedID)
            let outcomes = await withTaskGroup(of: (String, Int?).self) { group in
                for index in 0..<40 {
                    let secret = index % 10 == 9 ? (index % 20 == 9 ? revoked : "ek_unknown") : keys[0]
                    group.addTask { (secret, try? await gate.admit(apiKey: secret).status?.remaining) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let admitted = outcomes.filter { $0.0 == keys[0] }.compactMap(\.1)
            #expect(admitted.sorted() == Array(0..<30).reversed().sorted(), "36 calls, 30 admitted, each with its own remaining count")
            #expect(outcomes.filter { $0.0 != keys[0] }.allSatisfy { $0.1 == nil }, "the revoked and unknown keys are refused")
        }
    }
}
