import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// A real socket on loopback, so the peer is 127.0.0.1, with or without that peer trusted as a proxy.
@Suite("Behind a reverse proxy")
struct ProxyTests {
    private static let password = "correct horse battery"

    private func withLiveClient(trusting proxies: [String], _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            _ = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "staff@example.com", name: "Staff", role: "staff", password: Self.password)
            var configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            configuration.trustedProxies = proxies.compactMap(IPNetwork.init)
            let router = try await buildRouter(configuration: configuration, database: database)
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live, test)
        }
    }

    private func signIn(_ client: any TestClientProtocol, password: String, forwardedFor: String?) async throws -> HTTPResponse.Status {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let forwardedFor { headers[.xForwardedFor] = forwardedFor }
        let body = #"{"email": "staff@example.com", "password": "\#(password)"}"#
        return try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: headers, body: ByteBuffer(string: body)).status
    }

    @Test("a trusted proxy's X-Forwarded-For names the client: one address's failures lock that address only, and a prepended address is ignored")
    func trustedForwardedFor() async throws {
        try await withLiveClient(trusting: ["127.0.0.1/32"]) { client in
            for attempt in 0..<SignInService.addressLimit {
                // Other accounts, so that only the address limit is reached.
                let headers: HTTPFields = [.contentType: "application/json", .xForwardedFor: "203.0.113.5"]
                let body = #"{"email": "nobody\#(attempt)@example.com", "password": "wrong password!"}"#
                let status = try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: headers, body: ByteBuffer(string: body)).status
                #expect(status == .unauthorized)
            }
            #expect(try await signIn(client, password: Self.password, forwardedFor: "203.0.113.5") == .tooManyRequests)
            #expect(try await signIn(client, password: Self.password, forwardedFor: "198.51.100.7, 203.0.113.5") == .tooManyRequests,
                    "what the client wrote before the proxy's address does not count")
            #expect(try await signIn(client, password: Self.password, forwardedFor: "203.0.113.6") == .ok, "another client is not locked out")
        }
    }

    @Test("an untrusted peer's X-Forwarded-For is ignored: its failures count against the peer whatever it claims")
    func untrustedForwardedFor() async throws {
        try await withLiveClient(trusting: []) { client in
            for attempt in 0..<SignInService.addressLimit {
                let headers: HTTPFields = [.contentType: "application/json", .xForwardedFor: "203.0.113.\(attempt)"]
                let body = #"{"email": "nobody\#(attempt)@example.com", "password": "wrong password!"}"#
                _ = try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await signIn(client, password: Self.password, forwardedFor: "203.0.113.99") == .tooManyRequests)
        }
    }

    @Test("X-Forwarded-Proto: https from a trusted proxy brings HSTS and the __Host- Secure cookie; from anyone else it changes nothing")
    func forwardedProto() async throws {
        try await withLiveClient(trusting: ["127.0.0.0/8"]) { client in
            let response = try await client.execute(uri: "/login", method: .get, headers: [.xForwardedProto: "https"])
            #expect(response.headers[.strictTransportSecurity] != nil)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-engage_session=") && cookie.contains("Secure"))
        }
        try await withLiveClient(trusting: []) { client in
            let response = try await client.execute(uri: "/login", method: .get, headers: [.xForwardedProto: "https"])
            #expect(response.headers[.strictTransportSecurity] == nil)
            #expect(response.headers[.setCookie]?.hasPrefix("engage_session=") == true)
        }
    }
}
