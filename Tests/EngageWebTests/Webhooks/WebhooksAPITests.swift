@testable import Engage
@testable import EngageWeb
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

/// Webhooks over the API, delivered by a real worker to a real receiver on loopback.
@Suite("Webhooks")
struct WebhooksAPITests {
    static let path = "/api/v1/webhooks"

    @Test("a URL that reaches the server's own network is refused with the reason; only admins manage webhooks")
    func refusals() async throws {
        try await APIHarness.run { api in
            for url in ["http://127.0.0.1/hook", "http://10.0.0.1/hook", "http://[::1]/hook", "http://169.254.169.254/latest/meta-data",
                        "http://[::ffff:127.0.0.1]/hook", "http://localhost:8080/hook"] {
                let refused = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "\#(url)"}"#)
                #expect(refused.status == .badRequest, "\(url)")
                #expect(refused.details.first?["code"] as? String == "VALIDATION_INVALID_VALUE", "\(url)")
                #expect((refused.details.first?["message"] as? String)?.contains("may not reach") == true, "\(url): \(refused.text)")
            }
            let wrong = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "ftp://93.184.216.34/", "events": ["document.exploded"]}"#)
            #expect(Set(wrong.errorFields) == ["url", "events"])
            #expect(try await api.call(.post, Self.path, as: .staff, json: #"{"url": "https://93.184.216.34/hook"}"#).status == .forbidden)
            #expect(try await api.call(.get, Self.path, as: .staff).status == .forbidden)

            let created = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "https://93.184.216.34/hook", "events": ["document.signed"]}"#)
            #expect(created.status == .created)
            #expect((created.data["secret"] as? String)?.hasPrefix("whsec_") == true)
            let listed = try await api.call(.get, Self.path, as: .admin)
            #expect(listed.items.count == 1)
            #expect(listed.items.first?["secret"] == nil, "the secret is shown once")
            let catalogue = (listed.json["meta"] as? [String: Any])?["available_events"] as? [String] ?? []
            #expect(catalogue.contains("document.signed") && catalogue.contains("*") && !catalogue.contains("webhook.test"))
        }
    }

    @Test("an event is signed as Standard Webhooks says, retried after a failure, replayed with the same id, and signed twice during a rotation")
    func delivery() async throws {
        let receiver = Receiver()
        try await receiver.serve { port in
            try await APIHarness.run(configure: { $0.webhooks.allowPrivate = true }) { api in
                let ok = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "http://127.0.0.1:\#(port)/ok", "events": ["document.created"]}"#)
                let flaky = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "http://127.0.0.1:\#(port)/flaky", "events": ["*"]}"#)
                let okID = try #require(ok.data["id"] as? Int)
                let flakyID = try #require(flaky.data["id"] as? Int)
                let secret = try #require(ok.data["secret"] as? String)
                let worker = Self.worker(api)

                let documentID = try await api.createDocument(#"{"document_type": "custom", "title": "Announced"}"#)
                #expect(try await worker.deliverBatch() == 2)
                let first = try #require(await receiver.requests(at: "/ok").first)
                #expect(first.id.hasPrefix("msg_"))
                #expect(abs(Double(first.timestamp) - Date().timeIntervalSince1970) < 60)
                #expect(first.signature == WebhookSignature.header(id: first.id, timestamp: first.timestamp, body: first.body, secrets: [secret]))
                let body = try #require(try JSONSerialization.jsonObject(with: first.body) as? [String: Any])
                #expect(body["type"] as? String == "document.created")
                #expect((body["data"] as? [String: Any])?["id"] as? Int == Int(documentID))

                // /flaky answered 500 the first time: queued again, delivered on the next try with the same id.
                var deliveries = try await api.call(.get, "\(Self.path)/\(flakyID)/deliveries", as: .admin).items
                #expect(deliveries.first?["status"] as? String == "queued")
                #expect(deliveries.first?["last_status_code"] as? Int == 500)
                #expect(try await worker.deliverBatch() == 1)
                let flakyRequests = await receiver.requests(at: "/flaky")
                #expect(flakyRequests.count == 2)
                #expect(Set(flakyRequests.map(\.id)).count == 1, "a retry keeps its webhook-id")
                deliveries = try await api.call(.get, "\(Self.path)/\(flakyID)/deliveries", as: .admin).items
                #expect(deliveries.first?["status"] as? String == "delivered")
                #expect(deliveries.first?["attempts"] as? Int == 2)
                let deliveryID = try #require(deliveries.first?["id"] as? Int)
                let details = try await api.call(.get, "\(Self.path)/\(flakyID)/deliveries/\(deliveryID)", as: .admin).data
                #expect((details["attempts"] as? [[String: Any]])?.map { $0["status_code"] as? Int } == [500, 200])

                // Replay: sent again, same id.
                let replayed = try await api.call(.post, "\(Self.path)/\(flakyID)/deliveries/\(deliveryID)/replay", as: .admin)
                #expect(replayed.status == .accepted)
                #expect(try await worker.deliverBatch() == 1)
                #expect(await receiver.requests(at: "/flaky").map(\.id) == Array(repeating: flakyRequests[0].id, count: 3))

                // Rotation: both secrets sign during the overlap.
                let rotated = try await api.call(.post, "\(Self.path)/\(okID)/rotate-secret", as: .admin)
                let newSecret = try #require(rotated.data["secret"] as? String)
                #expect(newSecret != secret)
                _ = try await api.call(.post, "\(Self.path)/\(okID)/test", as: .admin)
                #expect(try await worker.deliverBatch() == 1)
                let test = try #require(await receiver.requests(at: "/ok").last)
                let signatures = test.signature.split(separator: " ").map(String.init)
                #expect(signatures.count == 2)
                #expect(signatures.contains(try #require(WebhookSignature.sign(id: test.id, timestamp: test.timestamp, body: test.body, secret: newSecret))))
                #expect(signatures.contains(try #require(WebhookSignature.sign(id: test.id, timestamp: test.timestamp, body: test.body, secret: secret))))

                let listed = try await api.call(.get, Self.path, as: .admin).items
                let stats = listed.first { $0["id"] as? Int == flakyID }?["statistics"] as? [String: Any]
                #expect(stats?["delivered"] as? Int == 1)

                // Past the retention, ended deliveries go with their events and attempts; a waiting one stays.
                _ = try await api.call(.post, "\(Self.path)/\(okID)/test", as: .admin)
                try await api.sql("UPDATE webhook_events SET created_at = created_at - INTERVAL 31 DAY")
                #expect(try await worker.purgeExpired() == 2, "document.created and the first test")
                #expect(try await api.call(.get, "\(Self.path)/\(okID)/deliveries", as: .admin).items.map { $0["status"] as? String } == ["queued"])
            }
        }
    }

    @Test("410 Gone disables an endpoint at once; Retry-After sets the next try; a refusal does not hold up the others; ten failures end a delivery; a day of failures disables")
    func failures() async throws {
        let receiver = Receiver()
        try await receiver.serve { port in
            try await APIHarness.run(configure: { $0.webhooks.allowPrivate = true }) { api in
                var ids: [String: Int] = [:]
                for name in ["gone", "busy", "down"] {
                    let created = try await api.call(.post, Self.path, as: .admin, json: #"{"url": "http://127.0.0.1:\#(port)/\#(name)", "events": ["contact.created"]}"#)
                    ids[name] = created.data["id"] as? Int
                }
                _ = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Ann Lee", "email": "ann@example.com"}"#)
                _ = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Bo Li", "email": "bo@example.com"}"#)
                let worker = Self.worker(api, disableAfter: .seconds(3600))
                #expect(try await worker.deliverBatch() == 6)
                // A refusal does not hold up the rest of the share; 410 (the endpoint is gone) does.
                #expect(await receiver.requests(at: "/busy").count == 2)
                #expect(await receiver.requests(at: "/gone").count == 1)

                let gone = try await api.call(.get, "\(Self.path)/\(ids["gone"]!)", as: .admin).data
                #expect(gone["enabled"] as? Bool == false)
                #expect((gone["disabled_reason"] as? String)?.contains("410") == true)
                // Every active admin is told by email, in the transaction that disabled the endpoint.
                let notices = try await api.call(.get, "/api/v1/outbox?per_page=100").items.filter { $0["template"] as? String == "staff_notice" }
                #expect(notices.map { $0["recipient"] as? String } == ["admin@example.com"])
                #expect((notices.first?["subject"] as? String)?.contains("/gone") == true)
                let busy = try await api.call(.get, "\(Self.path)/\(ids["busy"]!)/deliveries", as: .admin).items.first
                let due = try #require((busy?["next_attempt_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
                #expect(due.timeIntervalSinceNow > 100, "Retry-After: 120 was honoured")

                // /down keeps failing: every retry is due at once here, and the tenth attempt ends the delivery.
                for _ in 0..<9 { try await worker.deliverBatch() }
                let down = try await api.call(.get, "\(Self.path)/\(ids["down"]!)/deliveries", as: .admin).items
                #expect(down.map { $0["status"] as? String } == ["failed", "failed"])
                #expect(down.map { $0["attempts"] as? Int } == [10, 10])
                #expect(await receiver.requests(at: "/down").count == 20)

                // Failing for longer than disableAfter disables the endpoint.
                try await api.sql("UPDATE webhook_endpoints SET failing_since = UTC_TIMESTAMP(6) - INTERVAL 2 HOUR WHERE id = ?", [Int64(ids["down"]!)])
                _ = try await api.call(.post, "\(Self.path)/\(ids["down"]!)/test", as: .admin)
                try await worker.deliverBatch()
                let disabled = try await api.call(.get, "\(Self.path)/\(ids["down"]!)", as: .admin).data
                #expect(disabled["enabled"] as? Bool == false)
                #expect((disabled["disabled_reason"] as? String)?.contains("failed for 1 hours") == true)
            }
        }
    }

    /// A worker whose retries are all due at once.
    static func worker(_ api: APIHarness, disableAfter: Duration = .seconds(86_400)) -> WebhookWorker {
        WebhookWorker(
            database: api.database,
            settings: WebhookSettings(allowPrivate: true, timeout: .seconds(5), connections: 4, retrySchedule: Array(repeating: .zero, count: 9), disableAfter: disableAfter),
            seal: SecretSeal(key: EngageConfiguration.testSecretKey), logger: Logger(label: "test.webhooks"))
    }
}

/// A webhook receiver on loopback: `/ok` answers 200, `/flaky` 500 then 200, `/gone` 410, `/busy`
/// 503 with `Retry-After: 120`, `/down` 500; it keeps every request with its Standard Webhooks headers.
actor Receiver {
    struct Request: Sendable {
        let path: String
        let id: String
        let timestamp: Int64
        let signature: String
        let body: Data
    }

    private var received: [Request] = []

    func requests(at path: String) -> [Request] {
        received.filter { $0.path == path }
    }

    private func keep(_ request: Request) -> Int {
        received.append(request)
        return received.filter { $0.path == request.path }.count
    }

    /// Runs `body` with the receiver listening on a free port.
    nonisolated func serve(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/:name") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            let seen = await self.keep(Request(
                path: "/" + name, id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                timestamp: Int64(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0,
                signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "", body: body))
            switch name {
            case "flaky" where seen == 1, "down": return Response(status: .internalServerError)
            case "gone": return Response(status: .gone)
            case "busy": return Response(status: .serviceUnavailable, headers: [.retryAfter: "120"])
            default: return Response(status: .ok)
            }
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            try await body(try #require(client.port))
        }
    }
}

/// Partners' callbacks over HTTP, then processed into their document.
@Suite("Incoming webhooks")
struct CallbacksTests {
    static let secret = "pl-test-secret"

    static func signature(_ body: String, at time: Int64 = Int64(Date().timeIntervalSince1970)) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(time).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(time),v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    static func post(_ api: APIHarness, _ body: String, signature: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let signature { headers[HTTPField.Name("X-Pennylane-Signature")!] = signature }
        let response = try await api.client.execute(uri: "/webhooks/pennylane", method: .post, headers: headers, body: ByteBuffer(string: body))
        return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
    }

    @Test("a signed callback is kept once per event id and marks its invoice paid once; bad, stale, missing signatures are 401; bad JSON 400")
    func pennylane() async throws {
        try await APIHarness.run(configure: { $0.callbackSecrets = [.pennylane: Self.secret] }) { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Invoice 42", "external_source": "pennylane", "external_id": "inv-42"}"#)
            _ = try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "sent"}"#)
            let body = #"{"id": 9001, "event": "customer_invoice.paid", "created": 1800000000, "data": {"object": {"id": "inv-42", "paid": true}}}"#

            let (status, json) = try await Self.post(api, body, signature: Self.signature(body))
            #expect(status == .ok)
            #expect((json["data"] as? [String: Any])?["duplicate"] as? Bool == false)
            let (again, repeated) = try await Self.post(api, body, signature: Self.signature(body))
            #expect(again == .ok)
            #expect((repeated["data"] as? [String: Any])?["duplicate"] as? Bool == true)

            for (signature, verdict) in [(Self.signature(body, at: 1_000), "stale"), ("t=1,v1=00", "invalid"), (nil as String?, "missing")] {
                let (refused, error) = try await Self.post(api, body, signature: signature)
                #expect(refused == .unauthorized, "\(verdict)")
                #expect((error["error"] as? [String: Any])?["code"] as? String == "AUTH_INVALID_SIGNATURE")
            }
            let broken = "{not json"
            #expect(try await Self.post(api, broken, signature: Self.signature(broken)).0 == .badRequest)

            let callbacks = IncomingWebhookService(database: api.database, secret: { $0 == .pennylane ? Self.secret : nil })
            #expect(try await callbacks.processReceived() == 1)
            #expect(try await callbacks.processReceived() == 0, "processed once")
            let document = try await api.call(.get, "/api/v1/document-engagements/\(id)").data
            #expect(document["status"] as? String == "paid")
            let recent = try await callbacks.recent(by: Actor(user: api.admin))
            #expect(recent.map(\.status) == [.refused, .refused, .refused, .processed])
            #expect(recent.last?.outcome == "Document \(id) is paid.")

            // Another partner without a secret configured: refused, whatever the signature.
            let response = try await api.client.execute(
                uri: "/webhooks/projectflow", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
            #expect(response.status == .unauthorized)
        }
    }
}
