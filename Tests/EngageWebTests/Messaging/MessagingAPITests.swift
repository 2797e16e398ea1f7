import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

/// Sending through the API and the portal, the tracked link, and SMS through a stand-in of the Twilio API.
@Suite("Messaging over HTTP")
struct MessagingAPITests {
    private let path = "/api/v1/document-engagements"

    @Test("a send without token_options makes a link a quote can be decided on and an invoice read: the API and the portal's form alike")
    func defaultActions() async throws {
        try await APIHarness.run { api in
            for (type, expected) in [("pennylane_quote", ["view", "download", "accept", "sign", "decline"]), ("project_approval", ["view", "download", "accept", "sign", "decline"]), ("pennylane_invoice", ["view", "download"])] {
                let id = try await api.createDocument(#"{"document_type": "\#(type)", "title": "Default actions", "recipient_email": "paul@example.com"}"#)
                let sent = try await api.call(.post, "\(path)/\(id)/send", json: "{}")
                let token = try #require(sent.data["token"] as? [String: Any])
                #expect(token["allowed_actions"] as? [String] == expected, "\(type)")
                var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
                let form = String(buffer: try await staff.get(api.client, "/documents/\(id)/send").body)
                for action in ["view", "download", "accept", "sign", "decline"] {
                    let checked = form.range(of: #"name="action_\#(action)"[^>]*checked"#, options: .regularExpression) != nil
                    #expect(checked == expected.contains(action), "\(type) form: \(action)")
                }
            }
        }
    }

    @Test("send answers 202 with the queued message and the new link; bulk send answers per document; the outbox lists and retries")
    func sendAPI() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Invoice 114", "total_amount": 1280, "recipient_email": "paul@example.com"}"#)
            let sent = try await api.call(.post, "\(path)/\(id)/send", json: #"{"cc": ["books@example.com"], "token_options": {"allowed_actions": ["view"]}}"#)
            #expect(sent.status == .accepted)
            #expect(sent.data["document_status"] as? String == "sent")
            let message = try #require(sent.data["message"] as? [String: Any])
            #expect(message["status"] as? String == "queued")
            #expect(message["template"] as? String == "invoice_notification")
            #expect(message["cc"] as? [String] == ["books@example.com"])
            let token = try #require(sent.data["token"] as? [String: Any])
            #expect((token["token"] as? String)?.count == 43)
            #expect(try await api.call(.post, "\(path)/\(id)/send", as: .viewer, json: "{}").status == .forbidden)
            let invalid = try await api.call(.post, "\(path)/\(id)/send", json: #"{"channel": "fax", "recipient_email": "x", "message": 5}"#)
            #expect(invalid.status == .badRequest)
            #expect(invalid.errorFields == ["channel", "recipient_email", "message"])
            #expect(try await api.call(.post, "\(path)/999/send", json: "{}").status == .notFound)

            let noAddress = try await api.createDocument(#"{"document_type": "custom", "title": "No address"}"#)
            let bulk = try await api.call(.post, "\(path)/bulk/send", json: #"{"document_ids": [\#(id), \#(noAddress), 999], "language": "fr"}"#)
            #expect(bulk.status == .ok)
            #expect(bulk.data["queued"] as? Int == 1)
            #expect(bulk.data["failed"] as? Int == 2)
            let results = try #require(bulk.data["results"] as? [[String: Any]])
            #expect(results.map { $0["success"] as? Bool } == [true, false, false])
            #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "VALIDATION_REQUIRED_FIELD")
            #expect((results[2]["error"] as? [String: Any])?["code"] as? String == "RESOURCE_NOT_FOUND")
            #expect(try await api.call(.post, "\(path)/bulk/send", json: #"{"document_ids": []}"#).errorFields == ["document_ids"])

            let listed = try await api.call(.get, "/api/v1/outbox?status=queued&per_page=1")
            #expect(listed.meta["total"] == 2)
            #expect(listed.items.count == 1)
            #expect(listed.headers[HTTPField.Name("Link")!]?.contains("rel=\"next\"") == true)
            #expect(try await api.call(.get, "/api/v1/outbox?status=lost").errorFields == ["status"])
            let messageID = try #require(message["id"] as? Int)
            #expect(try await api.call(.post, "/api/v1/outbox/\(messageID)/retry").status == .badRequest)  // queued, not failed
            try await api.sql("UPDATE outbox_messages SET status = 'dead', attempts = 8 WHERE id = ?", [messageID])
            let retried = try await api.call(.post, "/api/v1/outbox/\(messageID)/retry")
            #expect(retried.data["status"] as? String == "queued")
            #expect(retried.data["attempts"] as? Int == 0)

            let off = try await api.call(.put, "\(path)/\(id)/reminders", json: #"{"enabled": false}"#)
            #expect(off.data["reminders_enabled"] as? Bool == false)
            #expect(try await api.call(.put, "\(path)/\(id)/reminders", json: "{}").errorFields == ["enabled"])
            // JSON says true or false; null, text and objects were read as "off" before.
            for wrong in ["null", #""AAA""#, #""true""#, "{}", "1"] {
                #expect(try await api.call(.put, "\(path)/\(id)/reminders", json: #"{"enabled": \#(wrong)}"#).errorFields == ["enabled"], "\(wrong)")
            }
            let shown = try await api.call(.get, "\(path)/\(id)")
            #expect((shown.data["messages"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("the tracked link records link_clicked and redirects to the recipient page; anything else in it is refused")
    func trackedLink() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Proof", "recipient_email": "ann@example.com"}"#)
            let sent = try await api.call(.post, "\(path)/\(id)/send", json: "{}")
            let secret = try #require((sent.data["token"] as? [String: Any])?["token"] as? String)
            let tracking = try await api.database.pool.withConnection {
                try await $0.queryFirst("SELECT tracking_id FROM outbox_messages")?.decode("tracking_id", as: String.self)
            }
            let clicked = try await api.visit(.get, "/r/\(try #require(tracking))/\(secret)")
            #expect(clicked.status == .seeOther)
            #expect(clicked.headers[.location] == "/p/\(secret)")
            #expect(clicked.headers[.referrerPolicy] == "no-referrer")
            #expect(try await api.visit(.get, "/r/\(tracking!)/a.b").status == .notFound)
            let events = try await api.call(.get, "\(path)/\(id)/events?event_type=link_clicked")
            #expect(events.items.count == 1)
            #expect((events.items.first?["details"] as? [String: Any])?["outbox_message_id"] as? Int != nil)
        }
    }

    @Test("the portal sends from the Send page (mistakes kept, then fixed), previews in a sandboxed frame and lists the outbox")
    func portalSend() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Kitchen", "total_amount": 900, "recipient_email": "ann@example.com"}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let form = String(buffer: try await staff.get(api.client, "/documents/\(id)/send").body)
            #expect(form.contains(#"value="ann@example.com""#))
            #expect(form.contains(#"<iframe name="preview""#))
            let preview = try await staff.get(api.client, "/documents/\(id)/send/preview?template=quote_notification&language=fr&message=Bonjour+%3Cb%3E")
            #expect(preview.headers[.contentSecurityPolicy]?.contains("sandbox") == true)
            #expect(preview.headers[.xFrameOptions] == "SAMEORIGIN")
            let previewHTML = String(buffer: preview.body)
            #expect(previewHTML.contains("Ouvrir le document"))
            #expect(previewHTML.contains("Bonjour &lt;b&gt;"))

            let refused = try await staff.post(api.client, "/documents/\(id)/send", [
                "channel": "email", "recipient_email": "not-an-address", "cc": "ok@example.com, nope", "link": "new", "expires_in_days": "0",
                "message": "Kept as typed",
            ])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.components(separatedBy: #"class="field-error""#).count - 1 == 4)  // address, cc, actions, expiry
            #expect(refusedPage.contains("Kept as typed"))
            let done = try await staff.post(api.client, "/documents/\(id)/send", [
                "channel": "email", "recipient_email": "ann@example.com", "link": "new", "action_view": "on", "template": "quote_notification", "language": "en",
            ])
            #expect(done.headers[.location] == "/documents/\(id)?done=email-queued")
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)?done=email-queued").body)
            #expect(page.contains("Email queued"))
            #expect(page.contains("email queued"))
            let outbox = String(buffer: try await staff.get(api.client, "/outbox?status=queued").body)
            #expect(outbox.contains("ann@example.com"))
            let messageID = try #require(try await api.call(.get, "/api/v1/outbox").ids.first)
            let shown = String(buffer: try await staff.get(api.client, "/outbox/\(messageID)").body)
            #expect(shown.contains("[recipient link]"))
            #expect(!shown.contains("/r/"))
            let framed = String(buffer: try await staff.get(api.client, "/outbox/\(messageID)/preview").body)
            #expect(!framed.contains("/t/"), "opening a preview must not count as an open")
            #expect(framed.contains("#recipient-link"))
        }
    }

    @Test("staff edit a template (an unknown placeholder refused), new messages use it, and reset brings the default back")
    func templates() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let list = String(buffer: try await staff.get(api.client, "/templates").body)
            #expect(list.contains("/templates/email/quote_notification/fr"))
            let refused = try await staff.post(api.client, "/templates/email/quote_notification/en", ["subject": "", "body": "Hi {{nom}}"])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Unknown placeholder {{nom}}"))
            let saved = try await staff.post(api.client, "/templates/email/quote_notification/en", [
                "subject": "Quote {{document_title}} inside", "body": "Dear {{recipient_name}}, see <{{link}}>",
            ])
            #expect(saved.headers[.location] == "/templates?done=saved")
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Roof", "recipient_email": "ann@example.com", "recipient_name": "Ann"}"#)
            let sent = try await api.call(.post, "\(path)/\(id)/send", json: "{}")
            #expect((sent.data["message"] as? [String: Any])?["subject"] as? String == "Quote Roof inside")
            _ = try await staff.post(api.client, "/templates/email/quote_notification/en/reset", [:])
            let again = try await api.call(.post, "\(path)/\(id)/send", json: "{}")
            #expect((again.data["message"] as? [String: Any])?["subject"] as? String == "Your quote: Roof")
            let preview = String(buffer: try await staff.get(api.client, "/templates/sms/reminder/fr/preview?body=Rappel+%7B%7Bdocument_title%7D%7D").body)
            #expect(preview.contains("Rappel Devis rénovation cuisine"))
        }
    }

    @Test("templates over the API: list, every problem at once with nothing saved, save, preview, use in a send, reset")
    func templatesAPI() async throws {
        try await APIHarness.run { api in
            let templates = "/api/v1/message-templates"
            let all = try await api.call(.get, templates, as: .viewer)
            #expect(all.status == .ok)
            #expect(all.items.count == 24)  // 2 channels × 6 purposes × 2 languages
            #expect(all.items.allSatisfy { $0["customized"] as? Bool == false })
            let one = "\(templates)/email/invoice_notification/fr"
            let shipped = try await api.call(.get, one)
            #expect(shipped.data["subject"] as? String == "Facture {{document_title}} de {{sender_name}}")

            let refused = try await api.call(.put, one, json: #"{"body": "Bonjour {{client}}, {{link}}"}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "VALIDATION_FAILED")
            #expect(refused.errorFields == ["subject", "body"])
            #expect(refused.details.last?["message"] as? String == "Unknown placeholder {{client}}; use {{recipient_name}}, {{document_title}}, {{amount}}, {{due_date}}, {{link}}, {{sender_name}}, {{message}}, {{code}}.")
            #expect(try await api.call(.get, one).data["customized"] as? Bool == false)
            #expect(try await api.call(.put, one, as: .viewer, json: #"{"subject": "x", "body": "y"}"#).status == .forbidden)
            #expect(try await api.call(.get, "\(templates)/email/invoice_notification/de").status == .notFound)

            let edited = #"{"subject": "Facture {{document_title}} à régler", "body": "Bonjour {{recipient_name}},\n\n**{{amount}}** avant le {{due_date}} : {{link}}"}"#
            let preview = try await api.call(.post, one + "/preview", json: edited)
            #expect(preview.status == .ok)
            #expect(preview.data["subject"] as? String == "Facture Devis rénovation cuisine à régler")
            #expect((preview.data["html"] as? String)?.contains("<strong>4") == true)
            #expect(try await api.call(.get, one).data["customized"] as? Bool == false)  // a preview saves nothing

            let saved = try await api.call(.put, one, json: edited)
            #expect(saved.status == .ok)
            #expect(saved.data["customized"] as? Bool == true)
            #expect(saved.data["updated_at"] is String)
            let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Facture 42", "total_amount": 80, "recipient_email": "paul@example.com"}"#)
            let sent = try await api.call(.post, "\(path)/\(id)/send", json: #"{"language": "fr"}"#)
            #expect((sent.data["message"] as? [String: Any])?["subject"] as? String == "Facture Facture 42 à régler")

            let reset = try await api.call(.delete, one)
            #expect(reset.status == .ok)
            #expect(reset.data["customized"] as? Bool == false)
            #expect(reset.data["subject"] as? String == "Facture {{document_title}} de {{sender_name}}")
        }
    }

    @Test("SMS go to a Twilio-compatible API as a form with basic auth; 4xx fail at once, 5xx retry, the sid is kept")
    func smsThroughStandIn() async throws {
        let received = ReceivedRequests()
        let router = Router()
        router.post("/2010-04-01/Accounts/:account/Messages.json") { request, context -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 65_536))
            let form = FormData(urlEncoded: body)
            await received.append(account: context.parameters.get("account") ?? "", authorization: request.headers[.authorization] ?? "", form: form.values)
            let (status, json): (HTTPResponse.Status, String) = switch form["To"] {
            case "+33600000000": (.badRequest, #"{"code": 21211, "message": "The 'To' number +33600000000 is not a valid phone number.", "status": 400}"#)
            case "+33611111111": (.serviceUnavailable, #"{"code": 20503, "message": "Service unavailable", "status": 503}"#)
            default: (.created, #"{"sid": "SM\#(UUID().uuidString.prefix(8))", "status": "queued"}"#)
            }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let port = try #require(client.port)
            try await APIHarness.run { api in
                let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Invoice 7", "total_amount": 80, "due_date": "2026-12-01"}"#)
                for phone in ["+33612345678", "+33600000000", "+33611111111"] {
                    let sent = try await api.call(.post, "\(path)/\(id)/send", json: #"{"channel": "sms", "recipient_phone": "\#(phone)", "language": "fr"}"#)
                    #expect(sent.status == .accepted, "\(sent.text)")
                }
                let transport = TwilioSMSTransport(settings: .init(
                    url: URL(string: "http://127.0.0.1:\(port)")!, account: "AC123", token: "secret-token", from: "+33700000000"))
                let worker = OutboxWorker(
                    database: api.database, transports: [.sms: transport],
                    settings: OutboxSettings(maxAttempts: 3, retryBase: .seconds(60), connections: 1),
                    seal: SecretSeal(key: EngageConfiguration.testSecretKey), logger: Logger(label: "test.sms"))
                #expect(try await worker.deliverBatch() == 3)

                let requests = await received.all
                #expect(requests.count == 3)
                let first = try #require(requests.first { $0.form["To"] == "+33612345678" })
                #expect(first.account == "AC123")
                #expect(first.authorization == "Basic " + Data("AC123:secret-token".utf8).base64EncodedString())
                #expect(first.form["From"] == "+33700000000")
                #expect(first.form["Body"]?.contains("facture « Invoice 7 »") == true)
                #expect(first.form["Body"]?.contains("/r/") == true)

                let messages = try await api.call(.get, "/api/v1/outbox?per_page=10").items
                let byPhone = Dictionary(uniqueKeysWithValues: messages.map { ($0["recipient"] as? String ?? "", $0) })
                #expect(byPhone["+33612345678"]?["status"] as? String == "sent")
                #expect((byPhone["+33612345678"]?["provider_id"] as? String)?.hasPrefix("SM") == true)
                #expect(byPhone["+33600000000"]?["status"] as? String == "failed")
                #expect((byPhone["+33600000000"]?["last_error"] as? String)?.contains("21211") == true)
                #expect(byPhone["+33611111111"]?["status"] as? String == "queued")
                #expect(byPhone["+33611111111"]?["attempts"] as? Int == 1)
                let failures = try await api.call(.get, "\(path)/\(id)/events?event_type=sms_failed")
                #expect(failures.items.count == 1)
            }
        }
    }
}

/// What the Twilio stand-in received.
actor ReceivedRequests {
    struct Entry: Sendable {
        let account: String
        let authorization: String
        let form: [String: String]
    }

    private(set) var all: [Entry] = []

    func append(account: String, authorization: String, form: [String: String]) {
        all.append(Entry(account: account, authorization: authorization, form: form))
    }
}
