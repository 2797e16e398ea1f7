@testable import Engage
import Crypto
import Foundation
import Testing

@Suite("Webhook rules")
struct WebhookRulesTests {
    @Test("signatures match the Standard Webhooks specification's own example")
    func specificationExample() {
        let body = Data(#"{"test": 2432232314}"#.utf8)
        let header = WebhookSignature.header(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body,
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        // Two active secrets: two signatures, space-separated, in order.
        let second = WebhookSignature.newSecret()
        let both = WebhookSignature.header(id: "msg_1", timestamp: 1, body: body, secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", second])
        #expect(both.split(separator: " ").count == 2)
        #expect(second.hasPrefix("whsec_") && Data(base64Encoded: String(second.dropFirst(6)))?.count == 32)
    }

    @Test("loopback, private, link-local, CGNAT, multicast and IPv4-mapped addresses are out of reach; public ones are not", arguments: [
        ("127.0.0.1", true), ("10.0.0.1", true), ("::1", true), ("169.254.169.254", true), ("::ffff:127.0.0.1", true),
        ("172.16.5.4", true), ("192.168.1.1", true), ("100.64.0.1", true), ("224.0.0.1", true), ("fd00::1", true), ("fe80::1", true),
        ("0.0.0.0", true), ("93.184.216.34", false), ("2606:2800:220:1:248:1893:25c8:1946", false), ("8.8.8.8", false),
        ("64:ff9b::7f00:1", true), ("64:ff9b::a9fe:a9fe", true), ("2002:a00:1::1", true), ("64:ff9b::808:808", false), ("2002:808:808::1", false),
    ])
    func forbiddenAddresses(address: String, forbidden: Bool) {
        #expect(AddressGuard.isForbidden(address) == forbidden)
    }

    @Test("a host name that resolves to a private address is refused, unless private addresses are allowed")
    func resolvedNames() async throws {
        await #expect(throws: AddressGuard.Refusal.self) { _ = try await AddressGuard(allowPrivate: false).check(host: "localhost") }
        await #expect(throws: AddressGuard.Refusal.self) { _ = try await AddressGuard(allowPrivate: false).check(host: "[::ffff:127.0.0.1]") }
        #expect(try await AddressGuard(allowPrivate: true).check(host: "localhost").contains { $0 == "127.0.0.1" || $0 == "::1" })
        #expect(try await AddressGuard(allowPrivate: false).check(host: "93.184.216.34") == ["93.184.216.34"])
    }

    @Test("retries follow the schedule with jitter, honour a longer Retry-After, and end after the last attempt")
    func retries() {
        let settings = WebhookSettings()
        #expect(settings.maxAttempts == 10)
        let first = try! #require(settings.retryDelay(afterAttempt: 1, retryAfter: nil))
        #expect(first >= .milliseconds(4500) && first <= .milliseconds(5500))
        let asked = try! #require(settings.retryDelay(afterAttempt: 1, retryAfter: .seconds(120)))
        #expect(asked == .seconds(120))
        #expect(settings.retryDelay(afterAttempt: 10, retryAfter: nil) == nil)
        #expect(RetryAfter.parse(headers: "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\n\r\n") == .seconds(120))
        #expect(RetryAfter.parse(headers: "HTTP/1.1 503 x\r\nContent-Type: text/plain\r\n") == nil)
    }

    @Test("recorded lifecycle events announce the document events integrators subscribe to")
    func announcements() {
        #expect(WebhookEventType.announcing(.signed, status: .signed) == .documentSigned)
        #expect(WebhookEventType.announcing(.statusChanged, status: .paid) == .documentPaid)
        #expect(WebhookEventType.announcing(.statusChanged, status: .pending) == nil)
        #expect(WebhookEventType.announcing(.emailOpened, status: .viewed) == nil)
        #expect(WebhookEventType.documentSigned.isWanted(by: ["*"]))
        #expect(!WebhookEventType.documentSigned.isWanted(by: ["document.viewed"]))
    }
}

@Suite("Callback signatures")
struct CallbackSignatureTests {
    static let secret = "pl-secret"
    static let body = Data(#"{"id": 1, "event": "quote.accepted"}"#.utf8)

    static func hex(_ text: Data) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: text, using: SymmetricKey(data: Data(secret.utf8)))).hexString
    }

    @Test("t=…,v1=… over \"t.body\" within five minutes, or a bare hex HMAC of the body; anything else is refused")
    func verdicts() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let signed = Self.hex(Data("1800000000.".utf8) + Self.body)
        #expect(CallbackSignature.verify(header: "t=1800000000,v1=\(signed)", body: Self.body, secret: Self.secret, now: now) == .verified)
        #expect(CallbackSignature.verify(header: "t=1800000000,v1=00,v1=\(signed)", body: Self.body, secret: Self.secret, now: now) == .verified)
        #expect(CallbackSignature.verify(header: Self.hex(Self.body), body: Self.body, secret: Self.secret, now: now) == .verified)
        #expect(CallbackSignature.verify(header: Self.hex(Self.body).uppercased(), body: Self.body, secret: Self.secret, now: now) == .verified)
        #expect(CallbackSignature.verify(
            header: "t=1800000000,v1=\(signed)", body: Self.body, secret: Self.secret, now: now.addingTimeInterval(301)) == .staleTimestamp)
        #expect(CallbackSignature.verify(header: "t=1800000000,v1=\(signed)", body: Data("{}".utf8), secret: Self.secret, now: now) == .invalidSignature)
        #expect(CallbackSignature.verify(header: "t=1800000000,v1=\(signed)", body: Self.body, secret: "other", now: now) == .invalidSignature)
        #expect(CallbackSignature.verify(header: nil, body: Self.body, secret: Self.secret, now: now) == .missingSignature)
        #expect(CallbackSignature.verify(header: Self.hex(Self.body), body: Self.body, secret: nil, now: now) == .notConfigured)
    }
}
