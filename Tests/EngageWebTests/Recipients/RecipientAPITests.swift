import Engage
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// Links, events and the audit trail through the API, and the recipient's pages over HTTP.
@Suite("Recipient access over HTTP")
struct RecipientAPITests {
    private let path = "/api/v1/document-engagements"
    private static let json: HTTPFields = [.accept: "application/json", .contentType: "application/json"]
    private static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.4"]

    /// A document and a link to it with `options`; returns the document id and the link's secret.
    private func arrange(_ api: APIHarness, options: String = #"{"allowed_actions": ["view", "download", "sign", "accept", "decline", "register"], "prefill_data": {"name": "Ann Lee", "company": "Globex"}}"#) async throws -> (id: Int64, secret: String) {
        let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website redesign", "description": "**Phase 1** <script>alert(1)</script>", "total_amount": 5000, "due_date": "2026-02-15", "pdf_url": "https://files.example.com/q.pdf"}"#)
        let created = try await api.call(.post, "\(path)/\(id)/tokens", json: options)
        guard created.status == .created, let secret = created.data["token"] as? String else {
            throw TestSetupError("link not created: \(created.text)")
        }
        return (id, secret)
    }

    @Test("creating a link shows it whole once; lists, the show payload and revocation know it by its prefix")
    func tokensAPI() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            #expect(secret.count == 43)
            let listed = try await api.call(.get, "\(path)/\(id)/tokens")
            #expect(listed.status == .ok)
            let first = try #require(listed.json["data"] as? [[String: Any]]).first
            #expect(first?["token"] as? String == String(secret.prefix(8)) + "...")
            #expect(!listed.text.contains(secret))
            let shown = try await api.call(.get, "\(path)/\(id)")
            #expect((shown.data["tokens"] as? [[String: Any]])?.count == 1)
            #expect((shown.data["recent_events"] as? [[String: Any]])?.first?["event_type"] as? String == "token_created")

            let tokenID = try #require(first?["id"] as? Int)
            #expect(try await api.call(.delete, "\(path)/\(id)/tokens/\(tokenID)", as: .viewer).status == .forbidden)
            #expect(try await api.call(.delete, "\(path)/\(id)/tokens/\(tokenID)").status == .noContent)
            #expect(try await api.call(.delete, "\(path)/\(id)/tokens/999").status == .notFound)
            let other = try await api.createDocument(#"{"document_type": "custom", "title": "Other one"}"#)
            #expect(try await api.call(.delete, "\(path)/\(other)/tokens/\(tokenID)").status == .notFound, "a link belongs to its document")
            #expect(try await api.call(.get, "\(path)/999999/tokens").status == .notFound, "no links listed for a document that does not exist")
            let refused = try await api.visit(.get, "/p/\(secret)", headers: Self.json)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "TOKEN_INVALID")
        }
    }

    @Test("a body past the upload limit (2 MiB for a recipient's form) is a 413, as a page or as JSON, not a server error")
    func tooLarge() async throws {
        try await APIHarness.run { api in
            let (_, secret) = try await arrange(api)
            let body = "full_name=Ann&signature_image=" + String(repeating: "x", count: 3_000_000)
            let page = try await api.visit(.post, "/p/\(secret)/sign", headers: Self.form, body: body)
            #expect(page.status == .contentTooLarge)
            let json = try await api.visit(.post, "/p/\(secret)/sign", headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"], body: body)
            #expect(json.status == .contentTooLarge)
            #expect(json.errorCode == "PAYLOAD_TOO_LARGE")
        }
    }

    @Test("the creation response has the public URL and pixel; three mistakes give three details; viewers cannot create")
    func tokenCreation() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Proof"}"#)
            let created = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"expires_in_days": 7, "max_uses": 3, "restricted_ips": ["10.0.0.0/8"]}"#)
            #expect(created.status == .created)
            let secret = try #require(created.data["token"] as? String)
            #expect(created.data["url"] as? String == "http://127.0.0.1:8080/p/\(secret)")
            #expect((created.data["pixel_url"] as? String)?.hasPrefix("http://127.0.0.1:8080/t/") == true)
            #expect(created.data["allowed_actions"] as? [String] == ["view", "download"])
            #expect(created.data["max_uses"] as? Int == 3)
            let bad = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view", "pay"], "expires_in_days": 9999, "restricted_ips": ["300.1.1.1"]}"#)
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields == ["allowed_actions", "expires_in_days", "restricted_ips"])
            #expect(try await api.call(.post, "\(path)/\(id)/tokens", as: .viewer, json: "{}").status == .forbidden)
            #expect(try await api.call(.post, "\(path)/9999/tokens", json: "{}").status == .notFound)
        }
    }

    @Test("the recipient page speaks French or English, renders Markdown safely and is neither referred nor indexed")
    func page() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            let french = try await api.visit(.get, "/p/\(secret)", headers: [.acceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8"])
            #expect(french.status == .ok)
            #expect(french.text.contains(#"<html lang="fr">"#))
            #expect(french.text.contains("5\u{202F}000,00\u{00A0}€") || french.text.contains("5\u{00A0}000,00\u{00A0}€"))
            #expect(french.text.contains("15 février 2026"))
            #expect(french.text.contains("<strong>Phase 1</strong>"))
            #expect(!french.text.contains("<script>alert"))
            #expect(french.text.contains(#"value="Ann Lee""#), "the register form starts from prefill_data")
            #expect(french.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(french.headers[HTTPField.Name("X-Robots-Tag")!] == "noindex, nofollow")
            let english = try await api.visit(.get, "/p/\(secret)?lang=en", headers: [.acceptLanguage: "fr"])
            #expect(english.text.contains(#"<html lang="en">"#))
            #expect(english.text.contains("$5,000.00") || english.text.contains("€5,000.00"))
            #expect(english.text.contains("February 15, 2026"))
            // Rendered pages are reused only while everything they show is unchanged.
            #expect(try await api.visit(.get, "/p/\(secret)?lang=en").text == english.text)
            _ = try await api.call(.put, "\(path)/\(id)", json: #"{"title": "Website redesign, second draft"}"#)
            let renamed = try await api.visit(.get, "/p/\(secret)?lang=en")
            #expect(renamed.text.contains("Website redesign, second draft"))
        }
    }

    @Test("a refused signature comes back with the typed name and the errors, records nothing; then it signs once")
    func signing() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            let refused = try await api.visit(.post, "/p/\(secret)/sign", headers: Self.form, body: "lang=fr&full_name=Ann+Lee")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"value="Ann Lee""#))
            #expect(refused.text.contains("Cochez la case pour signer."))
            #expect(try await api.call(.get, "\(path)/\(id)/events?event_type=signed").meta["total"] == 0)

            var crossSite = Self.form
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let forged = try await api.visit(.post, "/p/\(secret)/sign", headers: crossSite, body: "full_name=Ann+Lee&consent=on")
            #expect(forged.status == .forbidden, "another site cannot make the recipient's browser sign")
            // A page without referrer posts with `Origin: null`, as Chromium does for these pages.
            var browser = Self.form
            browser[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            browser[.origin] = "null"
            let signed = try await api.visit(.post, "/p/\(secret)/sign", headers: browser, body: "lang=fr&full_name=Ann+Lee&consent=on")
            #expect(signed.status == .ok)
            #expect(signed.text.contains("votre signature est enregistrée"))
            let again = try await api.visit(.get, "/p/\(secret)", headers: [.acceptLanguage: "en"])
            #expect(again.text.contains("This document is already signed."))
            #expect(!again.text.contains(#"id="sign""#))
            let twice = try await api.visit(.post, "/p/\(secret)/sign", headers: Self.json, body: #"{"full_name": "Ann Lee", "consent": true}"#)
            #expect(twice.status == .badRequest)
            #expect(twice.errorCode == "DOCUMENT_ALREADY_SIGNED")
            let page = try await api.visit(.post, "/p/\(secret)/sign", headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "fr"], body: "full_name=Ann+Lee&consent=on")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("Ce document est déjà signé."))
            let document = try await api.call(.get, "\(path)/\(id)")
            #expect(document.data["status"] as? String == "signed")
            // A link that only shows the document, like the signer's copy, says so too.
            let copy = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view", "download"]}"#)
            let copyPage = try await api.visit(.get, "/p/\(try #require(copy.data["token"] as? String))", headers: [.acceptLanguage: "en"])
            #expect(copyPage.text.contains("This document is already signed."))
        }
    }

    @Test("each refusal has its code and status, as JSON and as a page in the reader's language")
    func refusals() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api, options: #"{"allowed_actions": ["view"]}"#)
            let unknown = try await api.visit(.get, "/p/unknown-link", headers: [.acceptLanguage: "fr"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("Ce lien n’est pas valide"))
            let notAllowed = try await api.visit(.post, "/p/\(secret)/accept", headers: Self.json, body: "{}")
            #expect(notAllowed.status == .forbidden)
            #expect(notAllowed.errorCode == "AUTH_INSUFFICIENT_PERMISSIONS")
            let noDownload = try await api.visit(.get, "/p/\(secret)/pdf")
            #expect(noDownload.status == .forbidden)
            try await api.sql("UPDATE access_tokens SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE WHERE document_id = ?", [id])
            let expired = try await api.visit(.get, "/p/\(secret)", headers: Self.json)
            #expect(expired.status == .badRequest)
            #expect(expired.errorCode == "DOCUMENT_EXPIRED")
            let expiredPage = try await api.visit(.get, "/p/\(secret)", headers: [.acceptLanguage: "en"])
            #expect(expiredPage.status == .badRequest)
            #expect(expiredPage.text.contains("Access to this document has expired."))
            #expect(try await api.call(.get, "\(path)/\(id)").data["view_count"] as? Int == 0)
        }
    }

    @Test("the PDF link redirects to pdf_url and counts the download; the pixel is a no-store GIF whatever the id")
    func downloadAndPixel() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            let download = try await api.visit(.get, "/p/\(secret)/pdf")
            #expect(download.status == .found)
            #expect(download.headers[.location] == "https://files.example.com/q.pdf")
            #expect(try await api.call(.get, "\(path)/\(id)").data["downloaded_at"] is String)

            let pixelURL = try #require(try await api.call(.post, "\(path)/\(id)/tokens", json: "{}").data["pixel_url"] as? String)
            let pixelPath = String(pixelURL.dropFirst("http://127.0.0.1:8080".count))
            for path in [pixelPath, "/t/00000000000000000000000000000000.gif"] {
                let gif = try await api.visit(.get, path)
                #expect(gif.status == .ok)
                #expect(gif.headers[.contentType] == "image/gif")
                #expect(gif.headers[.cacheControl]?.contains("no-store") == true)
            }
            #expect(try await api.call(.get, "\(self.path)/\(id)/events?event_type=email_opened").meta["total"] == 1)
        }
    }

    @Test("events filter by type and day, page like every list, and refuse bad parameters; the audit trail verifies")
    func eventsAndTrail() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            for _ in 0..<3 { _ = try await api.visit(.get, "/p/\(secret)") }
            _ = try await api.visit(.post, "/p/\(secret)/accept", headers: Self.json, body: "{}")
            let views = try await api.call(.get, "\(path)/\(id)/events?event_type=page_viewed&per_page=2")
            #expect(views.meta == ["page": 1, "per_page": 2, "total": 3, "total_pages": 2])
            #expect(views.items.allSatisfy { $0["event_type"] as? String == "page_viewed" })
            #expect(views.headers[HTTPField.Name("Link")!]?.contains("rel=\"next\"") == true)
            let all = try await api.call(.get, "\(path)/\(id)/events")
            #expect(all.items.map { $0["event_type"] as? String } == ["accepted", "page_viewed", "page_viewed", "page_viewed", "token_created"])
            try await api.sql("UPDATE document_events SET created_at = '2025-03-01 10:00:00' WHERE event_type = 'token_created'")
            #expect(try await api.call(.get, "\(path)/\(id)/events?date_from=2025-03-01&date_to=2025-03-01").meta["total"] == 1)
            #expect(try await api.call(.get, "\(path)/\(id)/events?date_to=2025-02-28").meta["total"] == 0)
            let bad = try await api.call(.get, "\(path)/\(id)/events?event_type=clicked&date_from=soon&per_page=500")
            #expect(bad.errorFields == ["per_page", "event_type", "date_from"])

            let trail = try await api.call(.get, "\(path)/\(id)/audit-trail")
            #expect(trail.data["verified"] as? Bool == false, "changing created_at above broke the chain")
            try await api.sql("UPDATE document_events SET created_at = ? WHERE event_type = 'token_created'", [Date()])
            let (other, otherSecret) = try await arrange(api)
            _ = try await api.visit(.get, "/p/\(otherSecret)")
            let intact = try await api.call(.get, "\(path)/\(other)/audit-trail")
            #expect(intact.data["verified"] as? Bool == true)
            #expect((intact.data["events"] as? [[String: Any]])?.count == 2)
            // A page of the trail, oldest first; the verdict is still the whole chain's.
            let second = try await api.call(.get, "\(path)/\(id)/audit-trail?page=2&per_page=2")
            #expect(second.data["total_events"] as? Int == 5 && second.data["page"] as? Int == 2 && second.data["per_page"] as? Int == 2)
            #expect((second.data["events"] as? [[String: Any]])?.map { $0["event_type"] as? String } == ["page_viewed", "page_viewed"])
            #expect(second.data["verified"] as? Bool == false)
            #expect(try await api.call(.get, "\(path)/\(id)/audit-trail?per_page=500&colour=red").errorFields == ["per_page", "colour"])
        }
    }

    @Test("a cancelled document's links refuse every action (DOCUMENT_CANCELLED) and record only the refused view; back to draft, they work again")
    func cancelledDocument() async throws {
        try await APIHarness.run { api in
            let (id, secret) = try await arrange(api)
            #expect(try await api.call(.put, "\(path)/\(id)", json: #"{"status": "cancelled"}"#).status == .ok)

            let sign = try await api.visit(.post, "/p/\(secret)/sign", headers: Self.json, body: #"{"full_name": "Ann Lee", "consent": true}"#)
            #expect(sign.status == .badRequest)
            #expect(sign.errorCode == "DOCUMENT_CANCELLED")
            for (action, body) in [("accept", "{}"), ("decline", "{}"), ("register", #"{"name": "Ann Lee", "email": "ann@globex.example"}"#)] {
                let refused = try await api.visit(.post, "/p/\(secret)/\(action)", headers: Self.json, body: body)
                #expect(refused.errorCode == "DOCUMENT_CANCELLED", "\(action)")
            }
            #expect(try await api.visit(.get, "/p/\(secret)/pdf", headers: Self.json).errorCode == "DOCUMENT_CANCELLED")
            let page = try await api.visit(.get, "/p/\(secret)", headers: [.acceptLanguage: "fr"])
            #expect(page.status == .badRequest)
            #expect(page.text.contains("Document retiré"))
            #expect(page.text.contains("Ce document a été retiré par son expéditeur."))
            #expect(try await api.visit(.get, "/p/\(secret)", headers: Self.json).errorCode == "DOCUMENT_CANCELLED")

            let document = try await api.call(.get, "\(path)/\(id)").data
            #expect(document["status"] as? String == "cancelled")
            for stamp in ["signed_at", "accepted_at", "rejected_at", "registered_at", "first_viewed_at", "downloaded_at"] {
                #expect(document[stamp] is NSNull, "\(stamp)")
            }
            #expect(document["view_count"] as? Int == 0)
            let events = try await api.call(.get, "\(path)/\(id)/events")
            let types = (events.json["data"] as? [[String: Any]])?.compactMap { $0["event_type"] as? String }
            #expect(types == ["page_viewed", "page_viewed", "status_changed", "token_created"], "the two refused views, newest first")
            let refusedView = (events.json["data"] as? [[String: Any]])?.first?["details"] as? [String: Any]
            #expect(refusedView?["refused"] as? String == "document_cancelled")
            let links = try await api.call(.get, "\(path)/\(id)/tokens").json["data"] as? [[String: Any]]
            #expect(links?.first?["use_count"] as? Int == 0, "a refused view uses nothing")

            #expect(try await api.call(.put, "\(path)/\(id)", json: #"{"status": "draft"}"#).status == .ok)
            let accepted = try await api.visit(.post, "/p/\(secret)/accept", headers: Self.json, body: "{}")
            #expect(accepted.status == .ok)
            #expect(try await api.call(.get, "\(path)/\(id)").data["status"] as? String == "accepted")
        }
    }

    @Test("a cancelled document cannot be sent: every field error at once, nothing queued and no link made")
    func sendingCancelled() async throws {
        try await APIHarness.run { api in
            let (id, _) = try await arrange(api, options: "{}")
            #expect(try await api.call(.put, "\(path)/\(id)", json: #"{"status": "cancelled"}"#).status == .ok)
            let refused = try await api.call(.post, "\(path)/\(id)/send", json: #"{"recipient_email": "ann@globex.example"}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.errorFields == ["status"])
            #expect(try await api.call(.get, "/api/v1/outbox").meta["total"] == 0)
            #expect((try await api.call(.get, "\(path)/\(id)/tokens").json["data"] as? [Any])?.count == 1, "the arranged link only")
        }
    }

    @Test("as JSON, a link shows the recipient's view of the document: what the page shows and the actions left, none of the staff's fields")
    func recipientJSON() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website redesign", "total_amount": 5000, "currency": "EUR", "due_date": "2026-02-15", "pdf_url": "https://files.example.com/q.pdf", "external_id": "Q-77", "external_source": "pennylane", "custom_message": "internal note", "metadata": {"margin": "40%"}, "prefill_data": {"name": "Ann Lee", "secret_field": "x"}}"#)
            let created = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view", "download", "sign", "register"], "prefill_data": {"company": "Globex"}}"#)
            let secret = try #require(created.data["token"] as? String)
            let shown = try await api.visit(.get, "/p/\(secret)", headers: Self.json)
            #expect(shown.status == .ok)
            #expect(Set(shown.data.keys) == ["document_number", "document_type", "title", "description", "sender", "total_amount", "currency", "due_date", "status", "pdf_url", "payment_url", "available_actions", "prefill", "content", "identity_check"])
            #expect(shown.data["identity_check"] is NSNull, "the link asks for no code")
            #expect(shown.data["available_actions"] as? [String] == ["view", "download", "sign", "register"])
            #expect(shown.data["pdf_url"] as? String == "/p/\(secret)/pdf")
            #expect(shown.data["prefill"] as? [String: String] == ["name": "Ann Lee", "company": "Globex"])
            for leak in ["Q-77", "internal note", "40%", "secret_field", "created_by", "contact_id"] {
                #expect(!shown.text.contains(leak), "\(leak)")
            }
            let signed = try await api.visit(.post, "/p/\(secret)/sign", headers: Self.json, body: #"{"full_name": "Ann Lee", "consent": true}"#)
            #expect(signed.data["status"] as? String == "signed")
            #expect(signed.data["available_actions"] as? [String] == ["view", "download", "register"])
        }
    }

    @Test("a document with a payment link shows Pay; following it records payment_clicked and redirects (303); none without a link or once cancelled")
    func pay() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_invoice", "title": "Invoice 114", "total_amount": 1280, "payment_url": "https://pay.example.com/inv/114"}"#)
            let secret = try #require(try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view"], "max_uses": 3}"#).data["token"] as? String)
            let page = try await api.visit(.get, "/p/\(secret)", headers: [.acceptLanguage: "fr"])
            #expect(page.text.contains(#"href="/p/\#(secret)/pay""#))
            #expect(page.text.contains("Payer"))
            #expect(try await api.visit(.get, "/p/\(secret)", headers: Self.json).data["payment_url"] as? String == "/p/\(secret)/pay")
            let paid = try await api.visit(.get, "/p/\(secret)/pay")
            #expect(paid.status == .seeOther)
            #expect(paid.headers[.location] == "https://pay.example.com/inv/114")
            let events = try await api.call(.get, "\(path)/\(id)/events?event_type=payment_clicked")
            #expect(events.meta["total"] == 1)
            #expect(try await api.visit(.get, "/p/\(secret)/pay").status == .unauthorized, "the third use of a three-use link is refused")

            let (plain, plainSecret) = try await arrange(api)
            #expect(!(try await api.visit(.get, "/p/\(plainSecret)")).text.contains("/pay\""))
            let none = try await api.visit(.get, "/p/\(plainSecret)/pay", headers: Self.json)
            #expect(none.status == .notFound)
            _ = try await api.call(.put, "\(path)/\(plain)", json: #"{"status": "cancelled"}"#)
            let withdrawn = try await api.call(.post, "\(path)/\(id)/tokens", json: "{}")
            _ = try await api.call(.put, "\(path)/\(id)", json: #"{"status": "cancelled"}"#)
            let refused = try await api.visit(.get, "/p/\(try #require(withdrawn.data["token"] as? String))/pay", headers: Self.json)
            #expect(refused.errorCode == "DOCUMENT_CANCELLED")
        }
    }
}
