import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The Parties panel of the document page: the same services as the API, through forms.
@Suite("Portal parties panel")
struct PartiesPortalTests {
    @Test("add parties (every mistake at once, typed values kept), send to them (links shown once), steps and statuses, renotify, transfer, edit, remove; locked after a completion")
    func panel() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Supply contract"}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let empty = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(empty.contains("No parties: the document goes to its single recipient."))

            let refused = try await staff.post(api.client, "/documents/\(id)/parties", ["name": "Anne Martin", "role": "signer", "email": "anne@", "phone": "0612", "order": "0"])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.components(separatedBy: #"class="field-error""#).count - 1 == 3, "email, phone and order")
            #expect(refusedPage.contains(#"value="Anne Martin""#))
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(id)/parties").items.isEmpty)

            for fields in [
                ["name": "Anne Martin", "email": "anne@example.com", "role": "signer", "order": "1"],
                ["name": "Bruno Roux", "email": "bruno@example.com", "role": "signer", "order": "2"],
                ["name": "Chloé Dubois", "email": "chloe@example.com", "role": "cc", "order": "3"],
            ] {
                let added = try await staff.post(api.client, "/documents/\(id)/parties", fields)
                #expect(added.status == .seeOther || added.status == .found, "\(String(buffer: added.body).prefix(300))")
            }
            let sent = try await staff.post(api.client, "/documents/\(id)/parties/send", [:])
            let sentPage = String(buffer: sent.body)
            #expect(sentPage.contains("Sent: 1 party notified"))
            let urls = sentPage.matches(of: #/class="party-link" type="text" readonly value="(http://127\.0\.0\.1:8080/p/[A-Za-z0-9_-]{43})"/#).map { String($0.1) }
            #expect(urls.count == 3, "each party's link, shown this once")
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(!urls.contains { page.contains($0) }, "never shown again")
            #expect(page.contains("Step 1") && page.contains("Step 2") && page.contains("Step 3"))

            let parties = try await api.call(.get, "/api/v1/document-engagements/\(id)/parties").items
            let anne = try #require(parties.first { $0["name"] as? String == "Anne Martin" }?["id"] as? Int)
            let bruno = try #require(parties.first { $0["name"] as? String == "Bruno Roux" }?["id"] as? Int)
            let notActive = try await staff.post(api.client, "/documents/\(id)/parties/\(bruno)/renotify", [:])
            #expect(notActive.status == .conflict)
            #expect(String(buffer: notActive.body).contains("Bruno Roux is pending"))
            let renotified = try await staff.post(api.client, "/documents/\(id)/parties/\(anne)/renotify", [:])
            #expect(renotified.status == .seeOther || renotified.status == .found)

            let badTransfer = try await staff.post(api.client, "/documents/\(id)/parties/\(anne)/transfer", ["email": "not-an-email"])
            #expect(badTransfer.status == .unprocessableContent)
            let moved = try await staff.post(api.client, "/documents/\(id)/parties/\(anne)/transfer", ["email": "gaelle@example.com", "name": "Gaëlle Petit"])
            let movedPage = String(buffer: moved.body)
            #expect(movedPage.contains("Transferred to Gaëlle Petit"))
            let gaelle = try #require(movedPage.firstMatch(of: #/value="http://127\.0\.0\.1:8080/p/([A-Za-z0-9_-]{43})"/#).map { String($0.1) })
            #expect(try await api.visit(.get, "/p/\(urls[0].suffix(43))", headers: [.accept: "application/json"]).status == .unauthorized)

            let badEdit = try await staff.post(
                api.client, "/documents/\(id)/parties/\(bruno)/edit", ["name": "Bruno Roux", "email": "bruno@", "role": "approver", "order": "0"])
            #expect(badEdit.status == .unprocessableContent)
            let badEditPage = String(buffer: badEdit.body)
            #expect(badEditPage.contains("Bruno Roux was not saved: Email must look like name@example.com.") && badEditPage.contains("Order"), "email and step at once")
            let edited = try await staff.post(
                api.client, "/documents/\(id)/parties/\(bruno)/edit", ["name": "Bruno Roux", "email": "bruno@example.com", "role": "approver", "order": "2"])
            #expect(edited.status == .seeOther || edited.status == .found, "a form's digits read as typed")
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(id)/parties/\(bruno)").data["role"] as? String == "approver")

            let removed = try await staff.post(api.client, "/documents/\(id)/parties/\(bruno)/remove", [:])
            #expect(removed.status == .seeOther || removed.status == .found)
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(id)/parties").items.count == 2)

            _ = try await api.visit(.post, "/p/\(gaelle)/sign", headers: [.contentType: "application/x-www-form-urlencoded"], body: "full_name=Ga%C3%ABlle+Petit&consent=on")
            let done = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(done.contains("as Gaëlle Petit"), "the evidence in one line")
            #expect(!done.contains(#"id="new-party-form""#), "no more changes once a party completed")
            let locked = try await staff.post(api.client, "/documents/\(id)/parties", ["name": "Late", "email": "late@example.com", "role": "viewer"])
            #expect(locked.status == .conflict)
        }
    }
}
