import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// One search across documents, organizations and contacts: the API's grouped answer, its
/// refusals, and the portal's page behind the top bar's box.
@Suite("Search")
struct SearchTests {
    /// Seven documents, one organization and two contacts that share the word "Marmelade".
    private func arrange(_ api: APIHarness) async throws {
        for n in 1...7 {
            _ = try await api.createDocument(#"{"document_type": "custom", "title": "Marmelade order \#(n)", "total_amount": 1250.5}"#)
        }
        _ = try await api.createDocument(#"{"document_type": "custom", "title": "Unrelated"}"#)
        let organization = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Marmelade SARL"}"#)
        #expect(organization.status == .created, "\(organization.text)")
        for name in ["Ann Marmelade", "Bob Marmelade"] {
            let contact = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "\#(name)", "email": "\#(name.prefix(3).lowercased())@example.com"}"#)
            #expect(contact.status == .created, "\(contact.text)")
        }
    }

    @Test("the API answers the first five of each kind and how many there are; nothing is found as empty groups")
    func grouped() async throws {
        try await APIHarness.run { api in
            try await arrange(api)
            let found = try await api.call(.get, "/api/v1/search?q=marmelade", as: .viewer)
            #expect(found.status == .ok, "\(found.text)")
            let documents = try #require(found.data["documents"] as? [String: Any])
            #expect(documents["total"] as? Int == 7)
            #expect((documents["items"] as? [[String: Any]])?.count == SearchService.perKind)
            let organizations = try #require(found.data["organizations"] as? [String: Any])
            #expect(organizations["total"] as? Int == 1)
            #expect(((organizations["items"] as? [[String: Any]])?.first?["name"] as? String) == "Marmelade SARL")
            let contacts = try #require(found.data["contacts"] as? [String: Any])
            #expect(contacts["total"] as? Int == 2)
            #expect(found.data["query"] as? String == "marmelade")

            let none = try await api.call(.get, "/api/v1/search?q=zzzyxw")
            #expect(none.status == .ok)
            #expect((none.data["documents"] as? [String: Any])?["total"] as? Int == 0)
            #expect((none.data["contacts"] as? [String: Any])?["items"] as? [Any] != nil)
        }
    }

    @Test("a missing, blank, repeated or too long q, or another parameter, is a 400 naming each problem")
    func refusals() async throws {
        try await APIHarness.run { api in
            let cases: [(String, String, [String])] = [
                ("", "VALIDATION_REQUIRED_FIELD", ["q"]), ("?q=%20%20", "VALIDATION_REQUIRED_FIELD", ["q"]),
                ("?q=a&q=b", "VALIDATION_FAILED", ["q"]), ("?q=\(String(repeating: "x", count: 101))", "VALIDATION_FAILED", ["q"]),
                ("?q=ok&limit=3", "VALIDATION_FAILED", ["limit"]),
            ]
            for (query, code, fields) in cases {
                let refused = try await api.call(.get, "/api/v1/search\(query)")
                #expect(refused.status == .badRequest, "\(query): \(refused.text)")
                #expect(refused.errorCode == code, "\(query)")
                #expect(refused.errorFields == fields, "\(query): \(refused.text)")
            }
            let anonymous = try await api.visit(.get, "/api/v1/search?q=x")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test("the portal: the top bar's box leads to results grouped by kind with links, a 'see all', and the empty states")
    func portal() async throws {
        try await APIHarness.run { api in
            try await arrange(api)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let dashboard = String(buffer: try await staff.get(api.client, "/").body)
            #expect(dashboard.contains(#"<form method="get" action="/search" class="top-search" role="search">"#))

            let page = String(buffer: try await staff.get(api.client, "/search?q=Marmelade").body)
            #expect(page.contains(#"id="results-documents""#) && page.contains(#"id="results-organizations""#) && page.contains(#"id="results-contacts""#))
            #expect(page.components(separatedBy: "Marmelade order").count - 1 == SearchService.perKind)
            #expect(page.contains(#"href="/documents?search=Marmelade">See all 7</a>"#))
            #expect(page.contains(">Marmelade SARL</a>") && page.contains(">Ann Marmelade</a>"))
            #expect(page.contains("€1,250.50"), "amounts as the reader reads them")

            let start = try await staff.get(api.client, "/search")
            #expect(start.status == .ok)
            #expect(!String(buffer: start.body).contains("alert-error"), "an empty box is no mistake")
            let nothing = String(buffer: try await staff.get(api.client, "/search?q=zzzyxw").body)
            #expect(nothing.contains("Nothing matches these words."))
            let tooLong = try await staff.get(api.client, "/search?q=\(String(repeating: "x", count: 101))")
            #expect(tooLong.status == .badRequest)
            #expect(String(buffer: tooLong.body).contains("q must be at most 100 characters."))
        }
    }
}
