import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("API keys")
struct APIKeysTests {
    private static let password = "correct horse battery"

    private func withApp(_ test: @Sendable (any TestClientProtocol, Database) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            _ = try await users.create(email: "admin@example.com", name: "Admin", role: "admin", password: Self.password)
            _ = try await users.create(email: "staff@example.com", name: "Staff", role: "staff", password: Self.password)
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: database)
            try await Application(router: router).test(.router) { try await test($0, database) }
        }
    }

    /// Creates a key through the admin page and returns it as shown once.
    private func createKey(_ client: any TestClientProtocol, _ admin: inout Browser, name: String) async throws -> String {
        let response = try await admin.post(client, "/api-keys", ["name": name, "role": "viewer"])
        #expect(response.status == .ok)
        let html = String(buffer: response.body)
        let marker = try #require(html.range(of: #"<code class="new-key">"#))
        return String(html[marker.upperBound...].prefix { $0 != "<" })
    }

    private func me(_ client: any TestClientProtocol, key: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(key)"])
    }

    @Test("an admin creates a key shown once; it authenticates API calls with its own role; the list shows only its prefix")
    func createAndUse() async throws {
        try await withApp { client, database in
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let key = try await createKey(client, &admin, name: "CRM sync")
            #expect(key.hasPrefix("ek_") && key.count > 40)

            let response = try await me(client, key: key)
            #expect(response.status == .ok)
            let body = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            #expect(data["type"] as? String == "api_key")
            #expect(data["name"] as? String == "CRM sync")
            #expect(data["role"] as? String == "viewer")
            #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "600")

            let list = String(buffer: try await admin.get(client, "/api-keys").body)
            #expect(list.contains(String(key.prefix(11))))
            #expect(!list.contains(key))
            #expect(!list.contains(">never<"))  // last used is recorded

            let stored = try await database.pool.withConnection { try await $0.query("SELECT key_hash FROM api_keys") }
            #expect(try stored.map { try $0.decode("key_hash", as: Data.self) } == [SecretToken.hash(key)])
        }
    }

    @Test("a revoked or unknown key gets 401 AUTH_INVALID_CREDENTIALS")
    func revoke() async throws {
        try await withApp { client, database in
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let key = try await createKey(client, &admin, name: "Old integration")
            let id: Int64 = try await database.pool.withConnection { try #require(try await $0.queryFirst("SELECT id FROM api_keys")).decode("id") }
            #expect(try await admin.post(client, "/api-keys/\(id)/revoke", [:]).status == .seeOther)
            #expect(try await me(client, key: key).status == .unauthorized)
            #expect(try await me(client, key: "ek_" + String(repeating: "x", count: 43)).status == .unauthorized)
            #expect(try await admin.post(client, "/api-keys/424242/revoke", [:]).status == .notFound)
        }
    }

    @Test("only admins manage keys; a form without a name says so")
    func access() async throws {
        try await withApp { client, _ in
            var staff = try await Browser.signedIn(client, email: "staff@example.com", password: Self.password)
            #expect(try await staff.get(client, "/api-keys").status == .forbidden)
            #expect(try await staff.post(client, "/api-keys", ["name": "x", "role": "admin"]).status == .forbidden)

            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let invalid = try await admin.post(client, "/api-keys", ["name": " ", "role": "root"])
            #expect(invalid.status == .unprocessableContent)
            let html = String(buffer: invalid.body)
            #expect(html.contains("Name is required."))
            #expect(html.contains("Role must be admin, staff or viewer."))
        }
    }

    /// A fresh database with an admin, for tests of the key service itself.
    private func withAdmin(_ body: (Database, UserService, User) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let users = UserService(database: database, hasher: PasswordHasher(cost: 4))
            try await body(database, users, try await users.create(email: "admin@example.com", name: "Admin", role: "admin", password: Self.password))
        }
    }

    @Test("a key may expire: it works until then and is refused after, and the list says so; a bad expiry is a field error")
    func expiry() async throws {
        try await withAdmin { database, _, admin in
            let clock = ManualClock()
            let keys = APIKeyService(database: database, now: { clock.now })
            let created = try await keys.create(name: "Nightly export", role: "viewer", expiresInDays: "1", by: admin)
            #expect(abs((created.key.expiresAt ?? .distantPast).timeIntervalSince(clock.now.addingTimeInterval(86_400))) < 0.001)
            #expect(try await admitted(created.secret, database, now: { clock.now }).id == created.key.id)
            clock.advance(86_401)
            await #expect(throws: AuthenticationError.invalidCredentials) { try await admitted(created.secret, database, now: { clock.now }) }
            for bad in ["0", "3651", "soon"] {
                let refused = await #expect(throws: ValidationError.self) {
                    try await keys.create(name: "Bad", role: "viewer", expiresInDays: bad, by: admin)
                }
                #expect(refused?.fields.map(\.field) == ["expires_in_days"])
            }
        }
        try await withApp { client, _ in
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            _ = try await admin.get(client, "/api-keys")
            let response = try await admin.post(client, "/api-keys", ["name": "Short-lived", "role": "viewer", "expires_in_days": "30"])
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            #expect(html.contains("<th>Expires</th>"))
            #expect(!html.contains("no expiry"), "the new key shows its expiry")
        }
    }

    @Test("a key keeps working when the admin who made it is deactivated (documented decision): keys belong to the organisation")
    func creatorDeactivated() async throws {
        try await withAdmin { database, users, first in
            let leaving = try await users.create(email: "leaving@example.com", name: "Leaving", role: "admin", password: Self.password)
            let keys = APIKeyService(database: database)
            let created = try await keys.create(name: "CRM sync", role: "staff", by: leaving)
            try await users.setActive(false, for: leaving.id, by: first)
            #expect(try await admitted(created.secret, database).id == created.key.id)
        }
    }

    /// The key a secret admits, through the gate as the API's middleware does.
    private func admitted(_ secret: String, _ database: Database, now: @escaping @Sendable () -> Date = Date.init) async throws -> APIKey {
        let signIn = SignInService(database: database, users: UserService(database: database, hasher: PasswordHasher(cost: 4)))
        let tokens = await APITokenService(database: database, signIn: signIn, secret: EngageConfiguration.testJWTSecret)
        guard case .apiKey(let key) = try await APIGate(database: database, tokens: tokens, limit: 100, now: now).admit(apiKey: secret).caller
        else { throw AuthenticationError.invalidCredentials }
        return key
    }
}
