import Crypto
import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// API keys that require every request to be signed.
@Suite("Signed requests")
struct SignedRequestsTests {
    static func sign(_ method: String, _ target: String, _ time: Int64, _ body: String, secret: String) -> String {
        let digest = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        let canonical = "\(method)\n\(target)\n\(time)\n\(digest)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(canonical.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    @Test("a key that requires signatures accepts a request signed over method, path and query, time and body; refuses a missing, wrong, tampered or stale one")
    func signatures() async throws {
        try await APIHarness.run { api in
            let keys = APIKeyService(database: api.database, seal: SecretSeal(key: EngageConfiguration.testSecretKey))
            let created = try await keys.create(name: "Signed CRM", role: "staff", requireSignature: true, by: api.admin)
            let secret = try #require(created.signingSecret)
            #expect(created.key.requiresSignature)

            func call(_ method: HTTPRequest.Method, _ target: String, body: String = "", time: Int64? = nil, signature: String? = nil) async throws -> APIReply {
                let now = time ?? Int64(Date().timeIntervalSince1970)
                var headers: HTTPFields = [.authorization: "Bearer \(created.secret)", .contentType: "application/json"]
                headers[HTTPField.Name("X-Engage-Time")!] = String(now)
                headers[HTTPField.Name("X-Engage-Signature")!] = signature ?? Self.sign(method.rawValue, target, now, body, secret: secret)
                return APIReply(try await api.client.execute(uri: target, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(string: body)))
            }

            #expect(try await call(.get, "/api/v1/auth/me").status == .ok)
            #expect(try await call(.get, "/api/v1/contacts?per_page=5&page=1").status == .ok, "the query is signed too")
            let body = #"{"fullname": "Ann Lee", "email": "ann@example.com"}"#
            #expect(try await call(.post, "/api/v1/contacts", body: body).status == .created)

            let tampered = try await call(
                .post, "/api/v1/contacts", body: #"{"fullname": "Eve", "email": "eve@example.com"}"#,
                signature: Self.sign("POST", "/api/v1/contacts", Int64(Date().timeIntervalSince1970), body, secret: secret))
            #expect(tampered.status == .unauthorized)
            #expect(tampered.errorCode == "AUTH_INVALID_SIGNATURE")
            let stale = Int64(Date().timeIntervalSince1970) - 600
            #expect(try await call(.get, "/api/v1/auth/me", time: stale).errorCode == "AUTH_INVALID_SIGNATURE")
            #expect(try await call(.get, "/api/v1/auth/me", signature: String(repeating: "0", count: 64)).errorCode == "AUTH_INVALID_SIGNATURE")
            let unsigned = try await api.client.execute(
                uri: "/api/v1/auth/me", method: .get, headers: [.authorization: "Bearer \(created.secret)"])
            #expect(APIReply(unsigned).errorCode == "AUTH_INVALID_SIGNATURE")
            #expect(try await api.call(.get, "/api/v1/contacts").items.count == 1, "only the signed creation happened")
            // Keys that do not require signatures are unaffected.
            #expect(try await api.call(.get, "/api/v1/auth/me").status == .ok)
        }
    }
}
