@testable import Engage
import Crypto
@testable import EngageWeb
import Foundation
import HTTPTypes
import Logging
import TestSupport
import Testing

/// A document's parties through their steps, against a real MariaDB and a real SMTP server on
/// loopback: who is notified when, what each link may do, how the document ends, renotify and transfer.
@Suite("Party flow")
struct PartyFlowTests {
    private static let json: HTTPFields = [.accept: "application/json", .contentType: "application/json"]

    /// A document with `parties`, the API and an SMTP sink the outbox delivers to.
    struct Flow {
        let api: APIHarness
        let sink: SMTPSink
        let id: Int64

        var path: String { "/api/v1/document-engagements/\(id)" }

        /// Delivers what the outbox holds; returns the addressees of the mails received since `seen`.
        func deliver(after seen: Int) async throws -> [String] {
            let transport = SMTPTransport(
                settings: .init(url: sink.url, requireTLS: false, timeout: .seconds(5)),
                sender: MailSender(address: "quotes@example.com", name: "Atelier"), heloName: "engage.test")
            let worker = OutboxWorker(
                database: api.database, transports: [.email: transport],
                settings: OutboxSettings(maxAttempts: 1, retryBase: .seconds(60), connections: 1),
                seal: SecretSeal(key: EngageConfiguration.testSecretKey),
                certificates: try MessageServices(configuration: api.configuration, database: api.database).certificates,
                logger: Logger(label: "test.parties"))
            _ = try await worker.deliverBatch()
            return try sink.messages().dropFirst(seen).flatMap(\.envelopeRecipients).sorted()
        }

        /// The parties' secrets from a send's answer, by name.
        static func secrets(_ reply: APIReply) -> [String: String] {
            var secrets: [String: String] = [:]
            if reply.items.isEmpty { Issue.record("no parties sent: \(reply.text)") }
            for item in reply.items {
                guard let party = item["party"] as? [String: Any], let name = party["name"] as? String,
                      let url = item["url"] as? String, let secret = url.split(separator: "/").last else { continue }
                secrets[name] = String(secret)
            }
            return secrets
        }

        func act(_ secret: String, _ action: String, _ body: String = "{}") async throws -> APIReply {
            try await api.visit(.post, "/p/\(secret)/\(action)", headers: PartyFlowTests.json, body: body)
        }

        func sign(_ secret: String, as name: String) async throws -> APIReply {
            try await act(secret, "sign", #"{"full_name": "\#(name)", "consent": true}"#)
        }

        func parties() async throws -> [String: [String: Any]] {
            let status = try await api.call(.get, "\(path)/status")
            let list = status.data["parties"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
        }

        func documentStatus() async throws -> String? {
            try await api.call(.get, path).data["status"] as? String
        }

        func events(_ type: String) async throws -> [[String: Any]] {
            try await api.call(.get, "\(path)/events?event_type=\(type)").items
        }
    }

    static func run(parties: String, _ test: @Sendable (Flow) async throws -> Void) async throws {
        try await APIHarness.run { api in
            let sink = SMTPSink()
            try await sink.start()
            defer { sink.destroy() }
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Partnership agreement"}"#)
            let set = try await api.call(.put, "/api/v1/document-engagements/\(id)/parties", json: #"{"parties": \#(parties)}"#)
            guard set.status == .ok else { throw TestSetupError("parties refused: \(set.text)") }
            try await test(Flow(api: api, sink: sink, id: id))
        }
    }

    private static let sequential = """
        [{"name": "Anne", "email": "anne@example.com", "role": "signer", "order": 1},
         {"name": "Bruno", "email": "bruno@example.com", "role": "signer", "order": 2},
         {"name": "Chloé", "email": "chloe@example.com", "role": "cc", "order": 3}]
        """

    @Test("in sequence: the second signer is notified only once the first signs, may look but not sign before; the last signature signs the document and every party gets a copy")
    func sequentialFlow() async throws {
        try await Self.run(parties: Self.sequential) { flow in
            let sent = try await flow.api.call(.post, "\(flow.path)/parties/send", json: #"{"message": "Please sign."}"#)
            #expect(sent.status == .ok, "\(sent.text)")
            let secrets = Flow.secrets(sent)
            #expect(secrets.count == 3, "every party gets its own link at once")
            #expect(sent.items.filter { $0["message_id"] is Int }.count == 1, "only the first step is notified")
            #expect(try await flow.deliver(after: 0) == ["anne@example.com"])
            #expect(try await flow.documentStatus() == "sent")

            let early = try await flow.sign(try #require(secrets["Bruno"]), as: "Bruno Roux")
            #expect(early.status == .conflict)
            #expect(early.errorCode == "PARTY_NOT_YOUR_TURN")
            let page = try await flow.api.visit(.get, "/p/\(try #require(secrets["Bruno"]))")
            #expect(page.text.contains("Your turn has not come yet"))
            #expect(!page.text.contains(#"id="sign-form""#), "no signing form before its turn")
            let onlyViews = try await flow.act(try #require(secrets["Chloé"]), "sign", #"{"full_name": "Chloé", "consent": true}"#)
            #expect(onlyViews.status == .forbidden, "a copy's link only views")

            let first = try await flow.sign(try #require(secrets["Anne"]), as: "Anne Martin")
            #expect(first.status == .ok, "\(first.text)")
            #expect(try await flow.documentStatus() != "signed", "one of two signatures")
            var parties = try await flow.parties()
            #expect(parties["Anne"]?["status"] as? String == "completed")
            let evidence = parties["Anne"]?["evidence"] as? [String: Any]
            #expect(evidence?["signer_name"] as? String == "Anne Martin")
            #expect(evidence?["at"] is String)
            #expect(evidence?.keys.contains("ip") == true && evidence?.keys.contains("host") == true && evidence?.keys.contains("user_agent") == true)
            #expect(parties["Bruno"]?["notified_at"] is String, "the next step is notified in the same transaction, though it looked early")
            #expect(try await flow.events("party_completed").count == 1)
            #expect(try await flow.deliver(after: 1) == ["bruno@example.com"])
            let again = try await flow.sign(try #require(secrets["Anne"]), as: "Anne Martin")
            #expect(again.errorCode == "DOCUMENT_ALREADY_SIGNED", "a party signs once")

            let second = try await flow.sign(try #require(secrets["Bruno"]), as: "Bruno Roux")
            #expect(second.status == .ok, "\(second.text)")
            #expect(try await flow.documentStatus() == "signed")
            parties = try await flow.parties()
            #expect(parties.values.filter { $0["status"] as? String == "completed" }.count == 2)
            #expect(try await flow.events("signed").count == 1, "the document is signed once")
            #expect(try await flow.deliver(after: 2) == ["anne@example.com", "bruno@example.com", "chloe@example.com"], "a copy for every party")
            let copy = try #require(try flow.sink.messages().last)
            #expect(copy.headers["content-type"]?.hasPrefix("multipart/mixed") == true)
            #expect(copy.parts["application/pdf"]?.hasPrefix("%PDF-") == true, "the completed PDF attached")
            let status = try await flow.api.call(.get, "\(flow.path)/status?party=bruno@example.com")
            #expect((status.data["parties"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Bruno"])
            #expect(status.data["status"] as? String == "signed")
            #expect(status.data["current_step"] is NSNull)
            let unknown = try await flow.api.call(.get, "\(flow.path)/status?party=nobody")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "PARTY_NOT_FOUND")
        }
    }

    @Test("in parallel: both signers are notified at once and the document waits for both; approvers alone make it accepted")
    func parallelFlow() async throws {
        try await Self.run(parties: """
            [{"name": "Anne", "email": "anne@example.com", "role": "signer"}, {"name": "Bruno", "email": "bruno@example.com", "role": "signer"}]
            """) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            #expect(try await flow.deliver(after: 0) == ["anne@example.com", "bruno@example.com"])
            #expect(try await flow.sign(try #require(secrets["Bruno"]), as: "Bruno Roux").status == .ok)
            #expect(try await flow.documentStatus() != "signed")
            #expect(try await flow.sign(try #require(secrets["Anne"]), as: "Anne Martin").status == .ok)
            #expect(try await flow.documentStatus() == "signed")
        }
        try await Self.run(parties: """
            [{"name": "Dana", "email": "dana@example.com", "role": "approver"}, {"name": "Eli", "phone": "+33612345678", "role": "approver", "order": 2}]
            """) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            #expect(try await flow.act(try #require(secrets["Dana"]), "sign", #"{"full_name": "Dana", "consent": true}"#).status == .forbidden, "an approver approves")
            #expect(try await flow.act(try #require(secrets["Dana"]), "accept").status == .ok)
            #expect(try await flow.api.call(.get, "/api/v1/outbox?per_page=10").items.contains { $0["recipient"] as? String == "+33612345678" },
                    "a party without email is notified by SMS")
            #expect(try await flow.act(try #require(secrets["Eli"]), "accept").status == .ok)
            #expect(try await flow.documentStatus() == "accepted")
        }
    }

    @Test("a decline midway stops the flow, keeps the reason and tells the owner; later steps are never notified")
    func declineMidway() async throws {
        try await Self.run(parties: """
            [{"name": "Anne", "email": "anne@example.com", "role": "signer"}, {"name": "Bruno", "email": "bruno@example.com", "role": "signer", "order": 2},
             {"name": "Chloé", "email": "chloe@example.com", "role": "signer", "order": 3}]
            """) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            #expect(try await flow.sign(try #require(secrets["Anne"]), as: "Anne Martin").status == .ok)
            let declined = try await flow.act(try #require(secrets["Bruno"]), "decline", #"{"reason": "Clause 4 is wrong."}"#)
            #expect(declined.status == .ok, "\(declined.text)")
            #expect(try await flow.documentStatus() == "rejected")
            let parties = try await flow.parties()
            #expect(parties["Bruno"]?["status"] as? String == "declined")
            #expect(parties["Bruno"]?["decline_reason"] as? String == "Clause 4 is wrong.")
            #expect(parties["Chloé"]?["status"] as? String == "pending")
            #expect(try await flow.sign(try #require(secrets["Chloé"]), as: "Chloé").status != .ok)
            let mails = try await flow.deliver(after: 0)
            // Made with an API key, the document has no owner: every active admin is told.
            #expect(mails == ["admin@example.com", "anne@example.com", "bruno@example.com"], "the owner is told; Chloé never is")
            let notice = try #require(try flow.sink.messages().first { $0.envelopeRecipients == ["admin@example.com"] })
            #expect(notice.subject == "Declined by Bruno: \(try await flow.api.call(.get, flow.path).data["document_number"] as? String ?? "")")
            #expect(notice.text.contains("Clause 4 is wrong."))
        }
    }

    @Test("renotify sends the same link again to the party named, or to every party notified and not completed; refusals per the seed")
    func renotify() async throws {
        try await Self.run(parties: """
            [{"name": "Anne", "email": "anne@example.com", "role": "signer"}, {"name": "Bruno", "email": "bruno@example.com", "role": "signer"},
             {"name": "Chloé", "email": "chloe@example.com", "role": "signer", "order": 2}, {"name": "Félix", "role": "viewer"}]
            """) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            #expect(try await flow.deliver(after: 0) == ["anne@example.com", "bruno@example.com"])
            #expect(try await flow.sign(try #require(secrets["Anne"]), as: "Anne Martin").status == .ok)

            let all = try await flow.api.call(.post, "\(flow.path)/parties/renotify")
            #expect(all.status == .ok, "\(all.text)")
            #expect(try await flow.deliver(after: 2) == ["bruno@example.com"], "not Anne, who completed; not Chloé, whose turn has not come")
            let mail = try #require(try flow.sink.messages().last)
            #expect(mail.text.contains(try #require(secrets["Bruno"])), "the party's own link, every time")

            let named = try await flow.api.call(.post, "\(flow.path)/parties/anne@example.com/renotify", json: #"{"message": "Your copy"}"#)
            #expect(named.status == .ok, "a completed party may be notified again")
            #expect(try await flow.deliver(after: 3) == ["anne@example.com"])
            let pending = try await flow.api.call(.post, "\(flow.path)/parties/Chlo%C3%A9/renotify")
            #expect(pending.status == .conflict)
            #expect(pending.errorCode == "PARTY_NOT_ACTIVE")
            let unreachable = try await flow.api.call(.post, "\(flow.path)/parties/F%C3%A9lix/renotify")
            #expect(unreachable.errorCode == "PARTY_UNREACHABLE")
            #expect(try await flow.api.call(.post, "\(flow.path)/parties/nobody/renotify").errorCode == "PARTY_NOT_FOUND")
            #expect(try await flow.api.call(.post, "\(flow.path)/parties/renotify", as: .viewer).status == .forbidden)
            let single = try await flow.api.call(.post, "\(flow.path)/send", json: #"{"recipient_email": "x@example.com"}"#)
            #expect(single.errorCode == "DOCUMENT_HAS_PARTIES")
        }
    }

    @Test("transfer revokes the party's link at once and sends a new one to the new person, with events; same email or a party not active: nothing happens")
    func transfer() async throws {
        try await Self.run(parties: Self.sequential) { flow in
            let sentReply = try await flow.api.call(.post, "\(flow.path)/parties/send")
            let secrets = Flow.secrets(sentReply)
            let same = try await flow.api.call(.post, "\(flow.path)/parties/Anne/transfer", json: #"{"email": "ANNE@example.com"}"#)
            #expect(same.status == .ok)
            #expect(same.data["transferred"] as? Bool == false)
            let notActive = try await flow.api.call(.post, "\(flow.path)/parties/Bruno/transfer", json: #"{"email": "other@example.com"}"#)
            #expect(notActive.data["transferred"] as? Bool == false, "Bruno's turn has not come")
            let bad = try await flow.api.call(.post, "\(flow.path)/parties/Anne/transfer", json: #"{"email": "nope", "name": 5, "extra": 1}"#)
            #expect(Set(bad.errorFields) == ["email", "name", "extra"], "\(bad.text)")
            let taken = try await flow.api.call(.post, "\(flow.path)/parties/Anne/transfer", json: #"{"email": "bruno@example.com"}"#)
            #expect(taken.errorFields == ["email"])

            let moved = try await flow.api.call(.post, "\(flow.path)/parties/Anne/transfer", json: #"{"email": "gaelle@example.com", "name": "Gaëlle"}"#)
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(moved.data["transferred"] as? Bool == true)
            let newSecret = try #require((moved.data["url"] as? String)?.split(separator: "/").last.map(String.init))
            #expect(try await flow.api.visit(.get, "/p/\(try #require(secrets["Anne"]))", headers: Self.json).status == .unauthorized, "the old link is revoked at once")
            #expect(try await flow.sign(newSecret, as: "Gaëlle Petit").status == .ok)
            #expect(try await flow.parties()["Gaëlle"]?["status"] as? String == "completed")
            #expect(try await flow.events("party_transferred").first?["details"].flatMap { ($0 as? [String: Any])?["to"] as? String } == "gaelle@example.com")
            #expect(try await flow.events("token_revoked").count == 1)
            #expect(try await flow.deliver(after: 0) == ["anne@example.com", "bruno@example.com", "gaelle@example.com"])
        }
    }

    @Test("a party removed or given another role loses its link at once")
    func editingRevokes() async throws {
        try await Self.run(parties: Self.sequential) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            _ = try await flow.api.call(.put, "\(flow.path)/parties/Anne", json: #"{"role": "viewer"}"#)
            #expect(try await flow.sign(try #require(secrets["Anne"]), as: "Anne").status == .unauthorized)
            _ = try await flow.api.call(.delete, "\(flow.path)/parties/Bruno")
            #expect(try await flow.api.visit(.get, "/p/\(try #require(secrets["Bruno"]))", headers: Self.json).status == .unauthorized)
            let resent = try await flow.api.call(.post, "\(flow.path)/parties/send")
            #expect(Flow.secrets(resent).keys.sorted() == ["Anne"], "the next send makes Anne a new link")
        }
    }

    @Test("the completion certificate: refused before completion; signed JSON that verifies with the published key; the printable page and the portal's")
    func certificate() async throws {
        try await Self.run(parties: Self.sequential) { flow in
            let secrets = Flow.secrets(try await flow.api.call(.post, "\(flow.path)/parties/send"))
            let early = try await flow.api.call(.get, "\(flow.path)/snapshot")
            #expect(early.status == .conflict)
            #expect(early.errorCode == "DOCUMENT_NOT_COMPLETE")
            let drawn = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
            _ = try await flow.act(try #require(secrets["Anne"]), "sign", #"{"full_name": "Anne Martin", "consent": true, "signature_image": "\#(drawn)"}"#)
            _ = try await flow.sign(try #require(secrets["Bruno"]), as: "Bruno Roux")

            let snapshot = try await flow.api.call(.get, "\(flow.path)/snapshot?format=json")
            #expect(snapshot.status == .ok, "\(snapshot.text)")
            let payload = try #require(Data(base64Encoded: snapshot.data["signed_payload"] as? String ?? ""))
            let signature = try #require(Data(base64Encoded: snapshot.data["signature"] as? String ?? ""))
            let key = try await flow.api.visit(.get, "/api/v1/signing-key")
            #expect(key.status == .ok, "public: no credentials")
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: key.data["public_key"] as? String ?? "")))
            #expect(publicKey.isValidSignature(signature, for: payload))
            var altered = payload
            altered[altered.startIndex + 10] ^= 1
            #expect(!publicKey.isValidSignature(signature, for: altered), "a changed byte no longer verifies")
            #expect((key.data["public_key_pem"] as? String)?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)

            let certificate = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            let parties = certificate["parties"] as? [[String: Any]] ?? []
            #expect(parties.map { $0["name"] as? String } == ["Anne", "Bruno", "Chloé"])
            #expect(parties.first?["signer_name"] as? String == "Anne Martin")
            #expect(parties.first?["signature_image_sha256"] as? String == RecipientService.sha256(drawn))
            #expect((certificate["audit_trail"] as? [String: Any])?["verified"] as? Bool == true)
            #expect((certificate["document"] as? [String: Any])?["status"] as? String == "signed")
            #expect(certificate["key_id"] as? String == key.data["key_id"] as? String)
            let again = try await flow.api.call(.get, "\(flow.path)/snapshot")
            #expect(again.data["signature"] as? String == snapshot.data["signature"] as? String, "the same document, the same certificate")

            let html = try await flow.api.call(.get, "\(flow.path)/snapshot?format=html")
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.text.contains("Anne Martin") && html.text.contains("Bruno Roux"))
            #expect(html.text.contains(#"src="\#(drawn)""#), "the drawn signature on the page")
            let wrong = try await flow.api.call(.get, "\(flow.path)/snapshot?format=docx&x=1")
            #expect(Set(wrong.errorFields) == ["format", "x"])

            let pdf = try await flow.api.call(.get, "\(flow.path)/snapshot?format=pdf")
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect(pdf.text.hasPrefix("%PDF-"))
            let digest = try #require(pdf.headers[HTTPField.Name("X-Engage-PDF-SHA256")!])
            let pdfSignature = try #require(Data(base64Encoded: pdf.headers[HTTPField.Name("X-Engage-Signature")!] ?? ""))
            let digestBytes = Data(stride(from: 0, to: digest.count, by: 2).compactMap { UInt8(digest.dropFirst($0).prefix(2), radix: 16) })
            #expect(digestBytes.count == 32)
            #expect(publicKey.isValidSignature(pdfSignature, for: digestBytes), "the PDF's digest is signed")
            #expect(try await flow.api.call(.get, "\(flow.path)/snapshot?format=pdf").headers[HTTPField.Name("X-Engage-PDF-SHA256")!] == digest,
                    "the same certificate, the same bytes")

            var staff = try await Browser.signedIn(flow.api.client, email: "staff@example.com", password: APIHarness.password)
            let page = String(buffer: try await staff.get(flow.api.client, "/documents/\(flow.id)").body)
            #expect(page.contains(#"id="certificate-link""#))
            let portal = String(buffer: try await staff.get(flow.api.client, "/documents/\(flow.id)/certificate").body)
            #expect(portal.contains("Completion certificate") && portal.contains("verified: "))
        }
    }
}
