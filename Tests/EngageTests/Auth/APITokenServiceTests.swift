import Engage
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("API tokens: JWT access tokens and rotating refresh tokens")
struct APITokenServiceTests {
    private let secret = EngageConfiguration.testJWTSecret
    private let password = "correct horse battery"


    private func withTokens(
        _ body: (APITokenService, User, Database, ManualClock) async throws -> Void
    ) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            let user = try await users.create(email: "api@example.com", name: "API", role: "staff", password: password)
            let clock = ManualClock()
            let signIn = SignInService(database: database, users: users)
            let tokens = await APITokenService(database: database, signIn: signIn, secret: secret, now: { clock.now })
            try await body(tokens, user, database, clock)
        }
    }

    /// The user an access token admits, through the gate as the API's middleware does.
    private func admitted(_ tokens: APITokenService, _ database: Database, _ token: String) async throws -> User {
        let gate = APIGate(database: database, tokens: tokens, limit: 1_000)
        guard case .user(let user) = try await gate.admit(accessToken: token).caller else { throw AuthenticationError.invalidCredentials }
        return user
    }

    @Test("signing in gives a one-hour HS256 JWT and an opaque refresh token stored only as a hash")
    func issue() async throws {
        try await withTokens { tokens, user, database, clock in
            let pair = try await tokens.issue(email: "API@example.com", password: password, address: "192.0.2.1")
            #expect(pair.token.split(separator: ".").count == 3)
            #expect(abs(pair.expiresAt.timeIntervalSince(clock.now) - 3600) < 1.5)
            #expect(pair.refreshToken.hasPrefix("rt_") && pair.refreshToken.count > 40)
            #expect(try await admitted(tokens, database, pair.token).id == user.id)
            let stored = try await database.pool.withConnection {
                try await $0.query("SELECT token_hash FROM refresh_tokens WHERE user_id = ?", [user.id])
            }
            #expect(stored.count == 1)
            #expect(try stored[0].decode("token_hash", as: Data.self) == SecretToken.hash(pair.refreshToken))
        }
    }

    @Test("wrong passwords and unknown emails are the same error")
    func badCredentials() async throws {
        try await withTokens { tokens, _, _, _ in
            await #expect(throws: AuthenticationError.invalidCredentials) {
                try await tokens.issue(email: "api@example.com", password: "wrong password here", address: "192.0.2.1")
            }
            await #expect(throws: AuthenticationError.invalidCredentials) {
                try await tokens.issue(email: "ghost@example.com", password: password, address: "192.0.2.1")
            }
        }
    }

    @Test("an access token is refused as expired after an hour, and as invalid when forged")
    func expiryAndTampering() async throws {
        try await withTokens { tokens, _, database, clock in
            let pair = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            clock.advance(3599)
            _ = try await admitted(tokens, database, pair.token)
            clock.advance(2)
            await #expect(throws: AuthenticationError.tokenExpired) { try await admitted(tokens, database, pair.token) }

            // Another user's id under the original signature, and a signature with its first character changed.
            let parts = pair.token.split(separator: ".").map(String.init)
            let forgedClaims = Data(#"{"sub":"999","exp":4102444800,"iat":0,"iss":"oui-engage"}"#.utf8).base64EncodedString()
                .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            let signature = parts[2]
            let flipped = (signature.first == "A" ? "B" : "A") + signature.dropFirst()
            for forged in [[parts[0], forgedClaims, parts[2]], [parts[0], parts[1], flipped]] {
                await #expect(throws: AuthenticationError.invalidCredentials) {
                    try await admitted(tokens, database, forged.joined(separator: "."))
                }
            }
            await #expect(throws: AuthenticationError.invalidCredentials) { try await admitted(tokens, database, "not.a.jwt") }
        }
    }

    @Test("a refresh token works once; the new pair works")
    func rotation() async throws {
        try await withTokens { tokens, user, database, _ in
            let first = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            let second = try await tokens.refresh(first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(try await admitted(tokens, database, second.token).id == user.id)
            let third = try await tokens.refresh(second.refreshToken)
            #expect(third.refreshToken != second.refreshToken)
        }
    }

    @Test("re-using a spent refresh token revokes its whole family")
    func reuseDetection() async throws {
        try await withTokens { tokens, _, _, _ in
            let first = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            let second = try await tokens.refresh(first.refreshToken)
            // An attacker replays the first token: refused, and the legitimate second one dies with it.
            await #expect(throws: AuthenticationError.invalidCredentials) { try await tokens.refresh(first.refreshToken) }
            await #expect(throws: AuthenticationError.invalidCredentials) { try await tokens.refresh(second.refreshToken) }
            // Another sign-in starts a new family that works.
            let fresh = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            _ = try await tokens.refresh(fresh.refreshToken)
        }
    }

    @Test("refresh tokens expire after 30 days; unknown ones are refused")
    func refreshExpiry() async throws {
        try await withTokens { tokens, _, _, clock in
            let pair = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            clock.advance(30 * 86400 + 1)
            await #expect(throws: AuthenticationError.invalidCredentials) { try await tokens.refresh(pair.refreshToken) }
            await #expect(throws: AuthenticationError.invalidCredentials) { try await tokens.refresh("rt_unknown") }
        }
    }

    @Test("a deactivated user's tokens stop working")
    func deactivated() async throws {
        try await withTokens { tokens, user, database, _ in
            let pair = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            try await database.pool.withConnection { try await $0.execute("UPDATE users SET active = 0 WHERE id = ?", [user.id]) }
            await #expect(throws: AuthenticationError.invalidCredentials) { try await admitted(tokens, database, pair.token) }
            await #expect(throws: AuthenticationError.invalidCredentials) { try await tokens.refresh(pair.refreshToken) }
        }
    }

    @Test("a password change, or a deactivation then reactivation, ends the access tokens issued before it; new ones work")
    func credentialsChange() async throws {
        try await withTokens { tokens, user, database, _ in
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            let before = try await tokens.issue(email: "api@example.com", password: password, address: "192.0.2.1")
            #expect(try await admitted(tokens, database, before.token).id == user.id)
            try await users.changePassword(
                of: user, current: password, new: "another good passphrase", confirmation: "another good passphrase", keepingSession: nil)
            await #expect(throws: AuthenticationError.invalidCredentials) { try await admitted(tokens, database, before.token) }
            let after = try await tokens.issue(email: "api@example.com", password: "another good passphrase", address: "192.0.2.1")
            #expect(try await admitted(tokens, database, after.token).id == user.id)

            let admin = try await users.create(email: "root@example.com", name: "Root", role: "admin", password: password)
            try await users.setActive(false, for: user.id, by: admin)
            try await users.setActive(true, for: user.id, by: admin)
            await #expect(throws: AuthenticationError.invalidCredentials) { try await admitted(tokens, database, after.token) }
            let again = try await tokens.issue(email: "api@example.com", password: "another good passphrase", address: "192.0.2.1")
            #expect(try await admitted(tokens, database, again.token).id == user.id)
        }
    }
}
