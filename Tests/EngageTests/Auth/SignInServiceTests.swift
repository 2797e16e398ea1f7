import Engage
import Foundation
import TestSupport
import Testing

@Suite("Sign-in limits")
struct SignInServiceTests {
    private let password = "correct horse battery"


    private func withSignIn(_ body: (SignInService, Database, ManualClock) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            for name in ["ana", "bob"] {
                _ = try await users.create(email: "\(name)@example.com", name: name, role: "staff", password: password)
            }
            let clock = ManualClock()
            try await body(SignInService(database: database, users: users, now: { clock.now }), database, clock)
        }
    }

    private func fail(_ service: SignInService, _ email: String, from address: String, times: Int) async throws {
        for _ in 0..<times {
            await #expect(throws: AuthenticationError.invalidCredentials) {
                try await service.signIn(email: email, password: "wrong password!", address: address)
            }
        }
    }

    @Test("five failures lock the account for 15 minutes, even for the right password; others are unaffected")
    func accountLock() async throws {
        try await withSignIn { service, _, clock in
            try await fail(service, "ana@example.com", from: "198.51.100.1", times: 5)
            let limited = await #expect(throws: RateLimitExceeded.self) {
                try await service.signIn(email: "ANA@example.com", password: password, address: "198.51.100.2")
            }
            // 15 minutes, rounded up from the stored microseconds.
            #expect((899...901).contains(limited?.retryAfter ?? 0))
            _ = try await service.signIn(email: "bob@example.com", password: password, address: "198.51.100.3")

            clock.advance(15 * 60 + 1)
            _ = try await service.signIn(email: "ana@example.com", password: password, address: "198.51.100.2")
        }
    }

    @Test("a successful sign-in clears the account's failures")
    func successClears() async throws {
        try await withSignIn { service, _, _ in
            try await fail(service, "ana@example.com", from: "198.51.100.1", times: 4)
            _ = try await service.signIn(email: "ana@example.com", password: password, address: "198.51.100.1")
            try await fail(service, "ana@example.com", from: "198.51.100.1", times: 4)
            _ = try await service.signIn(email: "ana@example.com", password: password, address: "198.51.100.1")
        }
    }

    @Test("twenty failures from one address block it for every account; other addresses still sign in")
    func addressLimit() async throws {
        try await withSignIn { service, _, _ in
            for attempt in 0..<20 {
                try await fail(service, "nobody\(attempt)@example.com", from: "203.0.113.9", times: 1)
            }
            await #expect(throws: RateLimitExceeded.self) {
                try await service.signIn(email: "bob@example.com", password: password, address: "203.0.113.9")
            }
            _ = try await service.signIn(email: "bob@example.com", password: password, address: "203.0.113.10")
        }
    }

    @Test("app instances sharing the database share the counts")
    func sharedAcrossInstances() async throws {
        try await withSignIn { first, database, _ in
            let second = SignInService(database: database, users: UserService(database: database, hasher: PasswordHasher(cost: 4)))
            try await fail(first, "ana@example.com", from: "198.51.100.1", times: 3)
            try await fail(second, "ana@example.com", from: "198.51.100.1", times: 2)
            await #expect(throws: RateLimitExceeded.self) {
                try await first.signIn(email: "ana@example.com", password: password, address: "198.51.100.1")
            }
        }
    }

    @Test("fifty wrong passwords at once for one account: at most five reach the password check, the rest are limited")
    func parallelBurst() async throws {
        try await withSignIn { service, _, _ in
            let outcomes = await withTaskGroup(of: String.self) { group in
                for attempt in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await service.signIn(email: "ana@example.com", password: "wrong password!", address: "198.51.100.\(attempt)")
                            return "signed in"
                        } catch AuthenticationError.invalidCredentials {
                            return "checked"
                        } catch is RateLimitExceeded {
                            return "limited"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["checked": SignInService.accountLimit, "limited": 50 - SignInService.accountLimit])
            await #expect(throws: RateLimitExceeded.self) {
                try await service.signIn(email: "ana@example.com", password: password, address: "198.51.100.200")
            }
        }
    }

    @Test("an over-long, malformed or invisible-character email is wrong credentials, never a server error, and counts against the address")
    func oddEmails() async throws {
        try await withSignIn { service, _, _ in
            let odd = [
                String(repeating: "a", count: 300) + "@example.com", "ana@example.com\u{0}", "ana\u{200B}@example.com",
                "ana@exam\nple.com", "not an email", "", "ana@example.com\u{202E}",
            ]
            for email in odd {
                await #expect(throws: AuthenticationError.invalidCredentials, "\(email.debugDescription)") {
                    try await service.signIn(email: email, password: password, address: "203.0.113.7")
                }
            }
            // Case and surrounding spaces do not make another account.
            try await fail(service, " ANA@Example.com ", from: "203.0.113.8", times: 5)
            await #expect(throws: RateLimitExceeded.self) {
                try await service.signIn(email: "ana@example.com", password: password, address: "203.0.113.9")
            }
            for _ in odd.count..<SignInService.addressLimit {
                await #expect(throws: AuthenticationError.invalidCredentials) {
                    try await service.signIn(email: "x\u{0}", password: password, address: "203.0.113.7")
                }
            }
            await #expect(throws: RateLimitExceeded.self) {
                try await service.signIn(email: "bob@example.com", password: password, address: "203.0.113.7")
            }
        }
    }
}
