import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Portal recipient links, timeline and audit trail")
struct PortalLinksTests {
    @Test("a link is created from the document page (mistakes first), shown whole once, then listed by prefix and revoked")
    func createAndRevoke() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Brochure proof"}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/documents/\(id)")
            let refused = try await staff.post(api.client, "/documents/\(id)/links", ["max_uses": "0", "restricted_ips": "10.0.0.0/99"])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.components(separatedBy: #"class="field-error""#).count - 1 == 3)  // no action, uses, network
            #expect(refusedPage.contains("10.0.0.0/99"))
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(id)/tokens").items.isEmpty)

            let created = try await staff.post(api.client, "/documents/\(id)/links", [
                "action_view": "on", "action_sign": "on", "expires_in_days": "", "max_uses": "5",
            ])
            #expect(created.status == .ok)
            let page = String(buffer: created.body)
            let url = try #require(page.firstMatch(of: #/value="(http://127\.0\.0\.1:8080/p/[A-Za-z0-9_-]{43})"/#)?.1)
            let listed = try #require(try await api.call(.get, "/api/v1/document-engagements/\(id)/tokens").items.first)
            #expect(listed["allowed_actions"] as? [String] == ["view", "sign"])
            #expect(listed["max_uses"] as? Int == 5)
            #expect(listed["expires_at"] is String, "an empty expiry takes the default")

            let again = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(!again.contains(String(url)))
            #expect(again.contains(String(url.suffix(43).prefix(8)) + "…"))
            #expect(again.contains("link created"))

            let tokenID = try #require(listed["id"] as? Int)
            let revoked = try await staff.post(api.client, "/documents/\(id)/links/\(tokenID)/revoke", [:])
            #expect(revoked.status == .seeOther || revoked.status == .found)
            let after = String(buffer: try await staff.get(api.client, "/documents/\(id)?done=link-revoked").body)
            #expect(after.contains("Link revoked"))
            #expect(after.contains(">revoked<"))
            #expect(after.contains("link revoked"))
        }
    }

    @Test("the timeline lists the recipient's steps and the audit trail page says whether the chain verifies")
    func timelineAndTrail() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Brochure proof", "description": "**Two** colours <script>x()</script>"}"#)
            let secret = try #require(try await api.call(.post, "/api/v1/document-engagements/\(id)/tokens", json: #"{"allowed_actions": ["view", "sign"]}"#).data["token"] as? String)
            _ = try await api.visit(.get, "/p/\(secret)", headers: [.userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"])
            _ = try await api.visit(.post, "/p/\(secret)/sign", headers: [.contentType: "application/x-www-form-urlencoded"], body: "full_name=Ann+Lee&consent=on")
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            for step in ["link created", "page viewed", "signed"] { #expect(page.contains(#"<strong class="event-type">\#(step)</strong>"#), "\(step)") }
            #expect(page.contains("by Ann Lee"))
            #expect(page.contains("<strong>Two</strong> colours"), "the description is Markdown")
            #expect(!page.contains("<script>x()"))
            #expect(page.contains("phone"), "the device, in words")

            let trail = String(buffer: try await staff.get(api.client, "/documents/\(id)/audit-trail").body)
            #expect(trail.contains("Verified:"))
            #expect(trail.contains("consent_sha256"))
            #expect(trail.contains("<time datetime=\""), "each event's time as the portal writes times")
            #expect(!trail.contains("\"iso\""), "not the time's fields dumped as text")
            try await api.sql("UPDATE document_events SET user_agent = 'forged' WHERE event_type = 'page_viewed'")
            let broken = String(buffer: try await staff.get(api.client, "/documents/\(id)/audit-trail").body)
            #expect(broken.contains("Not verified:"))
        }
    }

    @Test("two links showing the same page each get it with their own secret in every address, again from the cache, and no placeholder shows")
    func pagesCarryTheirOwnSecret() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Brochure proof", "total_amount": 120}"#)
            var secrets: [String] = []
            for _ in 0..<2 {
                let link = try await api.call(.post, "/api/v1/document-engagements/\(id)/tokens", json: #"{"allowed_actions": ["view", "download", "sign", "decline"]}"#)
                secrets.append(try #require(link.data["token"] as? String))
            }
            var pages: [String] = []
            for secret in secrets + secrets {
                let page = try await api.visit(.get, "/p/\(secret)")
                #expect(page.status == .ok)
                pages.append(page.text)
            }
            for (index, page) in pages.enumerated() {
                let own = secrets[index % 2], other = secrets[1 - index % 2]
                #expect(page.contains(#"action="/p/\#(own)/sign""#))
                #expect(page.contains(#"href="/p/\#(own)?lang=fr""#))
                #expect(!page.contains(other), "a page names another link's secret")
                #expect(!page.contains("secret-"), "the placeholder was left in")
            }
            #expect(pages[0] == pages[2] && pages[1] == pages[3])
            #expect(pages[0].replacingOccurrences(of: secrets[0], with: secrets[1]) == pages[1], "the same page but for the secret")
        }
    }
}
