@testable import Engage
@testable import EngageWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

/// A link that asks for a one-time code before accepting, signing or declining: codes through the
/// outbox to a real SMTP server and to a Twilio stand-in, the limits, the pass and the evidence.
@Suite("Signer identity")
struct VerificationTests {
    private static let path = "/api/v1/document-engagements"
    private static let json: HTTPFields = [.accept: "application/json", .contentType: "application/json"]

    /// A document with a link that asks for a code by `verify`, its secret, and an SMTP sink the outbox delivers to.
    struct Setup {
        let api: APIHarness
        let sink: SMTPSink
        let id: Int64
        let secret: String

        func act(_ action: String, _ body: String = "{}", pass: String? = nil, secret: String? = nil) async throws -> APIReply {
            var headers = VerificationTests.json
            if let pass { headers[VerificationPass.header] = pass }
            return try await api.visit(.post, "/p/\(secret ?? self.secret)/\(action)", headers: headers, body: body)
        }

        /// Delivers the queued emails; returns the code in the last one to `address`.
        func emailedCode(to address: String) async throws -> String {
            let transport = SMTPTransport(
                settings: .init(url: sink.url, requireTLS: false, timeout: .seconds(5)),
                sender: MailSender(address: "quotes@example.com", name: "Atelier"), heloName: "engage.test")
            let worker = OutboxWorker(
                database: api.database, transports: [.email: transport], settings: OutboxSettings(maxAttempts: 1, retryBase: .seconds(60), connections: 1),
                seal: SecretSeal(key: EngageConfiguration.testSecretKey), logger: Logger(label: "test.verification"))
            _ = try await worker.deliverBatch()
            let mail = try #require(try sink.messages().last { $0.envelopeRecipients == [address] })
            return try #require(VerificationTests.code(in: mail.text), "no code in: \(mail.text)")
        }

        func events(_ type: String) async throws -> [[String: Any]] {
            try await api.call(.get, "\(VerificationTests.path)/\(id)/events?event_type=\(type)").items
        }
    }

    static func run(link options: String = #"{"allowed_actions": ["view", "accept", "sign", "decline"], "verify": "email", "recipient_email": "jane@acme.example"}"#,
                    _ test: @Sendable (Setup) async throws -> Void) async throws {
        try await APIHarness.run { api in
            let sink = SMTPSink()
            try await sink.start()
            defer { sink.destroy() }
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Roof repair", "total_amount": 1200}"#)
            let created = try await api.call(.post, "\(path)/\(id)/tokens", json: options)
            guard created.status == .created, let secret = created.data["token"] as? String else { throw TestSetupError("link refused: \(created.text)") }
            try await test(Setup(api: api, sink: sink, id: id, secret: secret))
        }
    }

    static func code(in text: String) -> String? {
        text.range(of: #"\b[0-9]{6}\b"#, options: .regularExpression).map { String(text[$0]) }
    }

    @Test("a code by email arrives at the SMTP server (the outbox never shows it), unlocks signing, and the signature names it; the chain verifies")
    func emailCodeUnlocksSigning() async throws {
        try await Self.run { setup in
            let refused = try await setup.act("sign", #"{"full_name": "Jane Doe", "consent": true}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "VERIFICATION_REQUIRED")
            #expect(refused.details.first?["message"] as? String == "j•••@acme.example")
            let page = try await setup.api.visit(.get, "/p/\(setup.secret)")
            #expect(page.text.contains("j•••@acme.example"))
            #expect(!page.text.contains(#"id="sign-form""#), "no signing form before the code")
            #expect(page.text.contains(#"action="/p/\#(setup.secret)/verify/resend""#))

            let sent = try await setup.act("verify/resend")
            #expect(sent.status == .accepted, "\(sent.text)")
            #expect(sent.data["destination"] as? String == "j•••@acme.example")
            #expect(sent.data["channel"] as? String == "email")
            let queued = try await setup.api.call(.get, "/api/v1/outbox?per_page=5").items
            #expect(queued.count == 1)
            #expect(queued.first?["template"] as? String == "verification_code")
            let stored = try await setup.api.database.pool.withConnection {
                try await $0.queryFirst("SELECT text_body, link_secret FROM outbox_messages")
            }
            let body = try #require(try stored?.decode("text_body", as: String.self))
            #expect(Self.code(in: body) == nil, "the stored body holds a placeholder, not the code")

            let code = try await setup.emailedCode(to: "jane@acme.example")
            let wrong = try await setup.act("verify", #"{"code": "\#(code == "000000" ? "111111" : "000000")"}"#)
            #expect(wrong.status == .badRequest)
            #expect(wrong.errorCode == "VERIFICATION_INVALID")
            #expect(wrong.details.first { $0["field"] as? String == "attempts_left" }?["code"] as? String == "4")
            let passed = try await setup.act("verify", #"{"code": "\#(code.prefix(3)) \#(code.suffix(3))"}"#)
            #expect(passed.status == .ok, "\(passed.text)")
            let cookie = try #require(passed.headers[.setCookie])
            #expect(cookie.contains("Path=/p/\(setup.secret)") && cookie.contains("HttpOnly") && cookie.contains("Max-Age=1800"))
            let pass = try #require(passed.data["verification_token"] as? String)
            #expect(cookie.hasPrefix("engage_verified=\(pass)"))

            // The pass opens this link only: another link of the same document still asks for its own code.
            let other = try await setup.api.call(.post, "\(Self.path)/\(setup.id)/tokens", json: #"{"allowed_actions": ["view", "sign"], "verify": "email", "recipient_email": "jane@acme.example"}"#)
            let otherSecret = try #require(other.data["token"] as? String)
            let borrowed = try await setup.act("sign", #"{"full_name": "Jane Doe", "consent": true}"#, pass: pass, secret: otherSecret)
            #expect(borrowed.errorCode == "VERIFICATION_REQUIRED")
            let borrowedCookie = try await setup.api.visit(.post, "/p/\(otherSecret)/sign", headers: [
                .accept: "application/json", .contentType: "application/json", .cookie: "engage_verified=\(pass)",
            ], body: #"{"full_name": "Jane Doe", "consent": true}"#)
            #expect(borrowedCookie.errorCode == "VERIFICATION_REQUIRED", "the cookie does not unlock another link")
            let forged = try await setup.act("sign", #"{"full_name": "Jane Doe", "consent": true}"#, pass: pass.dropLast() + (pass.last == "A" ? "B" : "A"))
            #expect(forged.errorCode == "VERIFICATION_REQUIRED")

            let signed = try await setup.api.visit(.post, "/p/\(setup.secret)/sign", headers: [
                .accept: "application/json", .contentType: "application/json", .cookie: "engage_verified=\(pass)",
            ], body: #"{"full_name": "Jane Doe", "consent": true}"#)
            #expect(signed.status == .ok, "\(signed.text)")
            let sentEvent = try #require(try await setup.events("verification_sent").first)
            let verifiedEvent = try #require(try await setup.events("identity_verified").first)
            let signature = try #require(try await setup.events("signed").first)
            let verificationID = (verifiedEvent["details"] as? [String: Any])?["verification_id"] as? Int
            #expect(verificationID != nil && (sentEvent["details"] as? [String: Any])?["verification_id"] as? Int == verificationID)
            #expect((verifiedEvent["details"] as? [String: Any])?["destination"] as? String == "j•••@acme.example")
            #expect(verifiedEvent["ip_address"] != nil && verifiedEvent["user_agent"] != nil)
            let evidence = (signature["details"] as? [String: Any])?["verification"] as? [String: Any]
            #expect(evidence?["id"] as? Int == verificationID)
            #expect(evidence?["channel"] as? String == "email")
            #expect(evidence?["verified_at"] is String)
            let trail = try await setup.api.call(.get, "\(Self.path)/\(setup.id)/audit-trail")
            #expect(trail.data["verified"] as? Bool == true)
            #expect((trail.data["events"] as? [[String: Any]])?.compactMap { $0["event_type"] as? String }.contains("identity_verified") == true)
            var staff = try await Browser.signedIn(setup.api.client, email: "staff@example.com", password: APIHarness.password)
            let trailPage = String(buffer: try await staff.get(setup.api.client, "/documents/\(setup.id)/audit-trail").body)
            #expect(trailPage.contains("identity verified by email code to j•••@acme.example"))
        }
    }

    @Test("a code by SMS goes through the Twilio stand-in to the link's phone (masked on the page) and unlocks accepting")
    func smsCodeUnlocksAccepting() async throws {
        let received = ReceivedRequests()
        let router = Router()
        router.post("/2010-04-01/Accounts/:account/Messages.json") { request, context -> Response in
            let form = FormData(urlEncoded: String(buffer: try await request.body.collect(upTo: 65_536)))
            await received.append(account: context.parameters.get("account") ?? "", authorization: request.headers[.authorization] ?? "", form: form.values)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"sid": "SM1", "status": "queued"}"#)))
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let port = try #require(client.port)
            try await Self.run(link: #"{"allowed_actions": ["view", "accept"], "verify": "sms", "recipient_phone": "+33612345678"}"#) { setup in
                let page = try await setup.api.visit(.get, "/p/\(setup.secret)?lang=fr")
                #expect(page.text.contains("+33 6 •• •• •• 78"))
                #expect(try await setup.act("verify/resend").status == .accepted)
                let worker = OutboxWorker(
                    database: setup.api.database,
                    transports: [.sms: TwilioSMSTransport(settings: .init(
                        url: URL(string: "http://127.0.0.1:\(port)")!, account: "AC1", token: "t", from: "+33700000000"))],
                    settings: OutboxSettings(maxAttempts: 1, retryBase: .seconds(60), connections: 1),
                    seal: SecretSeal(key: EngageConfiguration.testSecretKey), logger: Logger(label: "test.sms"))
                #expect(try await worker.deliverBatch() == 1)
                let sms = try #require(await received.all.first)
                #expect(sms.form["To"] == "+33612345678")
                let code = try #require(Self.code(in: sms.form["Body"] ?? ""), "\(sms.form)")
                let passed = try await setup.act("verify", #"{"code": "\#(code)"}"#)
                #expect(passed.status == .ok, "\(passed.text)")
                let accepted = try await setup.act("accept", pass: passed.data["verification_token"] as? String)
                #expect(accepted.status == .ok, "\(accepted.text)")
                let evidence = (try await setup.events("accepted").first?["details"] as? [String: Any])?["verification"] as? [String: Any]
                #expect(evidence?["channel"] as? String == "sms")
                #expect(evidence?["destination"] as? String == "+33 6 •• •• •• 78")
            }
        }
    }

    @Test("five wrong codes lock the code even for the right one; an expired code is refused; a new code waits 60 s, and five an hour is the most")
    func limits() async throws {
        try await Self.run { setup in
            #expect(try await setup.act("verify", #"{"code": "123456"}"#).errorCode == "VERIFICATION_INVALID", "no code sent yet")
            let malformed = try await setup.act("verify", #"{"code": "12ab", "extra": 1}"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorFields == ["code", "extra"])
            #expect(try await setup.act("verify/resend").status == .accepted)
            let soon = try await setup.act("verify/resend")
            #expect(soon.status == .tooManyRequests)
            #expect(soon.errorCode == "VERIFICATION_LOCKED")
            let wait = Int(soon.headers[.retryAfter] ?? "") ?? 0
            #expect((55...60).contains(wait), "\(wait)")

            let code = try await setup.emailedCode(to: "jane@acme.example")
            let wrong = code == "000000" ? "111111" : "000000"
            for left in [4, 3, 2, 1] {
                let reply = try await setup.act("verify", #"{"code": "\#(wrong)"}"#)
                #expect(reply.details.first { $0["field"] as? String == "attempts_left" }?["code"] as? String == String(left))
            }
            let fifth = try await setup.act("verify", #"{"code": "\#(wrong)"}"#)
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.errorCode == "VERIFICATION_LOCKED")
            #expect(fifth.headers[.retryAfter] != nil)
            #expect(try await setup.act("verify", #"{"code": "\#(code)"}"#).errorCode == "VERIFICATION_LOCKED", "locked, even for the right code")

            // A minute later a new code may be sent; this one expires before it is typed.
            try await setup.api.sql("UPDATE link_verifications SET sent_at = sent_at - INTERVAL 61 SECOND")
            #expect(try await setup.act("verify/resend").status == .accepted)
            let second = try await setup.emailedCode(to: "jane@acme.example")
            try await setup.api.sql("UPDATE link_verifications SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE verified_at IS NULL")
            let expired = try await setup.act("verify", #"{"code": "\#(second)"}"#)
            #expect(expired.errorCode == "VERIFICATION_INVALID")
            #expect(expired.errorMessage?.contains("expired") == true)

            for _ in 0..<3 {
                try await setup.api.sql("UPDATE link_verifications SET sent_at = sent_at - INTERVAL 61 SECOND")
                #expect(try await setup.act("verify/resend").status == .accepted)
            }
            try await setup.api.sql("UPDATE link_verifications SET sent_at = sent_at - INTERVAL 61 SECOND")
            let sixth = try await setup.act("verify/resend")
            #expect(sixth.errorCode == "VERIFICATION_LOCKED", "five codes in the hour")
            #expect((Int(sixth.headers[.retryAfter] ?? "") ?? 0) > 3000)
            #expect(try await setup.events("verification_sent").count == 5)
            #expect(try await setup.events("identity_verified").isEmpty)
        }
    }

    @Test("link options: a code needs its address, every problem at once; a send defaults the SMS phone; a party passes its check to its link")
    func options() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Options"}"#)
            let refused = try await api.call(.post, "\(Self.path)/\(id)/tokens", json: #"{"verify": "sms", "recipient_phone": "0612", "max_uses": 0}"#)
            #expect(refused.errorFields == ["max_uses", "recipient_phone"])
            let noEmail = try await api.call(.post, "\(Self.path)/\(id)/tokens", json: #"{"verify": "email"}"#)
            #expect(noEmail.errorFields == ["recipient_email"])
            #expect(try await api.call(.post, "\(Self.path)/\(id)/tokens", json: #"{"verify": "fax"}"#).errorFields == ["verify"])
            let plain = try await api.call(.post, "\(Self.path)/\(id)/tokens", json: "{}")
            #expect(plain.data["verify"] as? String == "none")

            let sent = try await api.call(.post, "\(Self.path)/\(id)/send", json: #"{"channel": "sms", "recipient_phone": "+33612345678", "token_options": {"verify": "sms"}}"#)
            #expect(sent.status == .accepted, "\(sent.text)")
            let token = sent.data["token"] as? [String: Any]
            #expect(token?["verify"] as? String == "sms")
            #expect(token?["recipient_phone"] as? String == "+33612345678")
            let emailOnly = try await api.call(.post, "\(Self.path)/\(id)/send", json: #"{"recipient_email": "a@example.com", "token_options": {"verify": "sms"}}"#)
            #expect(emailOnly.errorFields == ["token_options.recipient_phone"])
        }
    }

    @Test("a party's check: refused without its phone, its link asks for the code, and the completion certificate names the check")
    func partyCheck() async throws {
        try await Self.run { setup in
            let api = setup.api
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Parties"}"#)
            let parties = try await api.call(.put, "\(Self.path)/\(id)/parties", json: #"{"parties": [{"name": "Ann", "email": "ann@example.com", "role": "signer", "verify": "sms"}]}"#)
            #expect(parties.errorFields == ["parties[0].phone"])
            let set = try await api.call(.put, "\(Self.path)/\(id)/parties", json: #"{"parties": [{"name": "Ann", "email": "ann@example.com", "role": "signer", "verify": "email"}]}"#)
            #expect(set.items.first?["verify"] as? String == "email", "\(set.text)")
            let started = try await api.call(.post, "\(Self.path)/\(id)/parties/send", json: "{}")
            let secret = String(try #require((started.items.first?["url"] as? String)?.split(separator: "/").last))
            let sign = #"{"full_name": "Ann Martin", "consent": true}"#
            #expect(try await setup.act("sign", sign, secret: secret).errorCode == "VERIFICATION_REQUIRED")
            #expect(try await setup.act("verify/resend", secret: secret).status == .accepted)
            let code = try await setup.emailedCode(to: "ann@example.com")
            let passed = try await setup.act("verify", #"{"code": "\#(code)"}"#, secret: secret)
            let signed = try await setup.act("sign", sign, pass: passed.data["verification_token"] as? String, secret: secret)
            #expect(signed.status == .ok, "\(signed.text)")
            let certificate = try await api.call(.get, "\(Self.path)/\(id)/snapshot?format=json")
            let party = ((certificate.data["certificate"] as? [String: Any])?["parties"] as? [[String: Any]])?.first
            let check = party?["identity_check"] as? [String: Any]
            #expect(check?["destination"] as? String == "a•••@example.com", "\(certificate.text.prefix(600))")
            #expect(check?["channel"] as? String == "email")
        }
    }

    @Test("without JavaScript: the page's forms ask for a code, take it, keep the pass in the link's cookie and then offer signing")
    func formsWithoutJavaScript() async throws {
        try await Self.run { setup in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let asked = try await setup.api.visit(.post, "/p/\(setup.secret)/verify/resend", headers: form, body: "lang=en")
            #expect(asked.status == .ok)
            #expect(asked.text.contains("We sent a code to j•••@acme.example"))
            #expect(asked.text.contains(#"autocomplete="one-time-code""#))
            let code = try await setup.emailedCode(to: "jane@acme.example")
            let wrong = try await setup.api.visit(.post, "/p/\(setup.secret)/verify", headers: form, body: "lang=en&code=\(code == "000000" ? "111111" : "000000")")
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("This is not the code we sent. 4 attempts left."))
            let passed = try await setup.api.visit(.post, "/p/\(setup.secret)/verify", headers: form, body: "lang=en&code=\(code)")
            #expect(passed.status == .ok)
            #expect(passed.text.contains(#"id="sign-form""#))
            let cookie = try #require(passed.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let page = try await setup.api.visit(.get, "/p/\(setup.secret)", headers: [.cookie: cookie])
            #expect(page.text.contains(#"id="sign-form""#), "the pass holds for the next page")
            #expect(!page.text.contains(#"id="verify""#))
            let signed = try await setup.api.visit(.post, "/p/\(setup.secret)/sign", headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie], body: "lang=en&full_name=Jane+Doe&consent=on")
            #expect(signed.status == .ok)
            #expect(signed.text.contains("Thank you"))
            let noPass = try await setup.api.visit(.post, "/p/\(setup.secret)/decline", headers: form, body: "lang=en")
            #expect(noPass.status != .ok)
        }
    }
}
