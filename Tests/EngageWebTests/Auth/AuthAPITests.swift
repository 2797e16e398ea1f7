import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import MariaDB
import TestSupport
import Testing

@Suite("API authentication endpoints")
struct AuthAPITests {
    private let password = "correct horse battery"

    /// The application on a migrated database with one staff user.
    private func withApp(
        apiRateLimit: Int = 600, _ test: @Sendable (any TestClientProtocol, Database) async throws -> Void
    ) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            _ = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "api@example.com", name: "API User", role: "staff", password: password)
            var configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            configuration.apiRateLimit = apiRateLimit
            let router = try await buildRouter(configuration: configuration, database: database)
            try await Application(router: router).test(.router) { client in try await test(client, database) }
        }
    }

    private static func json(_ body: [String: String]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: body))
    }

    private static func decode(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    private func signIn(_ client: any TestClientProtocol) async throws -> [String: Any] {
        try await client.execute(
            uri: "/api/v1/auth/token", method: .post,
            body: Self.json(["email": "api@example.com", "password": password])
        ) { response in
            #expect(response.status == .ok)
            let body = try Self.decode(response)
            #expect(body["success"] as? Bool == true)
            return try #require(body["data"] as? [String: Any])
        }
    }

    /// The envelope's error code; nil when the body is not an error envelope.
    private func errorCode(_ response: TestResponse) -> String? {
        ((try? Self.decode(response))?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("POST /auth/token returns the spec's token, expires_at and refresh_token; /auth/me accepts the token")
    func signInAndCallAPI() async throws {
        try await withApp { client, _ in
            let data = try await signIn(client)
            let token = try #require(data["token"] as? String)
            #expect((data["refresh_token"] as? String)?.hasPrefix("rt_") == true)
            let expiresAt = try #require(data["expires_at"] as? String)
            let expiry = try #require(ISO8601DateFormatter().date(from: expiresAt))
            #expect(abs(expiry.timeIntervalSinceNow - 3600) < 60)

            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let me = try #require((try Self.decode(response))["data"] as? [String: Any])
                #expect(me["email"] as? String == "api@example.com")
                #expect(me["role"] as? String == "staff")
            }
        }
    }

    @Test("wrong password and unknown email get the same 401 AUTH_INVALID_CREDENTIALS body")
    func invalidCredentials() async throws {
        try await withApp { client, _ in
            var bodies: [String] = []
            for (email, secret) in [("api@example.com", "wrong password!!"), ("ghost@example.com", password)] {
                try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, body: Self.json(["email": email, "password": secret])
                ) { response in
                    #expect(response.status == .unauthorized)
                    #expect(errorCode(response) == "AUTH_INVALID_CREDENTIALS")
                    bodies.append(String(buffer: response.body))
                }
            }
            #expect(bodies[0] == bodies[1])
        }
    }

    @Test("missing fields are all listed as VALIDATION_REQUIRED_FIELD")
    func missingFields() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/v1/auth/token", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                let error = try #require((try Self.decode(response))["error"] as? [String: Any])
                #expect(error["code"] as? String == "VALIDATION_REQUIRED_FIELD")
                let details = try #require(error["details"] as? [[String: String]])
                #expect(details.map { $0["field"] } == ["email", "password"])
            }
        }
    }

    @Test("protected routes refuse a missing, malformed or foreign token, and an expired one as AUTH_TOKEN_EXPIRED")
    func protectedRoutes() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/v1/auth/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(errorCode(response) == "AUTH_INVALID_CREDENTIALS")
            }
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer nonsense"]) {
                #expect(errorCode($0) == "AUTH_INVALID_CREDENTIALS")
            }
            let foreign = try await Self.token(secret: String(repeating: "x", count: 40), expiresIn: 600)
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(foreign)"]) {
                #expect(errorCode($0) == "AUTH_INVALID_CREDENTIALS")
            }
            let expired = try await Self.token(secret: EngageConfiguration.testJWTSecret, expiresIn: -10)
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(expired)"]) { response in
                #expect(response.status == .unauthorized)
                #expect(errorCode(response) == "AUTH_TOKEN_EXPIRED")
            }
        }
    }

    @Test("POST /auth/refresh rotates; replaying a used refresh token is refused and revokes the family")
    func refresh() async throws {
        try await withApp { client, _ in
            let first = try #require(try await signIn(client)["refresh_token"] as? String)
            let second: String = try await client.execute(
                uri: "/api/v1/auth/refresh", method: .post, body: Self.json(["refresh_token": first])
            ) { response in
                #expect(response.status == .ok)
                let data = try #require((try Self.decode(response))["data"] as? [String: Any])
                #expect(data["token"] is String)
                return try #require(data["refresh_token"] as? String)
            }
            for replayed in [first, second] {
                try await client.execute(uri: "/api/v1/auth/refresh", method: .post, body: Self.json(["refresh_token": replayed])) {
                    #expect($0.status == .unauthorized)
                    #expect(errorCode($0) == "AUTH_INVALID_CREDENTIALS")
                }
            }
        }
    }

    @Test("after five failures the account gets 429 RATE_LIMIT_EXCEEDED with Retry-After")
    func rateLimited() async throws {
        try await withApp { client, _ in
            for _ in 0..<5 {
                try await client.execute(
                    uri: "/api/v1/auth/token", method: .post, body: Self.json(["email": "api@example.com", "password": "wrong password!!"])
                ) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(
                uri: "/api/v1/auth/token", method: .post, body: Self.json(["email": "api@example.com", "password": password])
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(errorCode(response) == "RATE_LIMIT_EXCEEDED")
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 800)
            }
        }
    }

    @Test("API calls carry X-RateLimit headers and get 429 past the per-minute limit")
    func apiRateLimit() async throws {
        try await withApp(apiRateLimit: 2) { client, _ in
            let token = try #require(try await signIn(client)["token"] as? String)
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            for expected in ["1", "0"] {
                try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "2")
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == expected)
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Reset")!] != nil)
                }
            }
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers) { response in
                #expect(response.status == .tooManyRequests)
                #expect(errorCode(response) == "RATE_LIMIT_EXCEEDED")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "0")
                #expect((1...60).contains(Int(response.headers[.retryAfter] ?? "") ?? 0))
            }
        }
    }

    /// A token for user 1 signed with `secret`, as another issuer or an old session would hold.
    private static func token(secret: String, expiresIn: TimeInterval) async throws -> String {
        struct Claims: JWTPayload {
            var sub: SubjectClaim
            var exp: ExpirationClaim
            var iat: IssuedAtClaim
            var iss: IssuerClaim
            func verify(using algorithm: some JWTAlgorithm) throws {}
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(Claims(
            sub: "1", exp: .init(value: Date(timeIntervalSinceNow: expiresIn)), iat: .init(value: Date()), iss: "oui-engage"))
    }
}
