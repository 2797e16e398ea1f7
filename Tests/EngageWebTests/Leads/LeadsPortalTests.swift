import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The portal's leads: the list with the custom columns each user picks, its filters and exports,
/// a lead's page with its history, Convert, edit and delete.
@Suite("Portal leads")
struct LeadsPortalTests {
    private func arrange(_ api: APIHarness) async throws {
        _ = try await api.call(.post, "/api/v1/leads/sync/batch", json: """
            {"leads": [
              {"leadInfo": {"email": "ann@globex.example", "firstName": "Ann", "lastName": "Lee", "company": "Globex"},
               "leadCustomField": {"score": 42, "plan": "pro"}},
              {"leadInfo": {"email": "bob@initech.example", "firstName": "Bob"}, "leadCustomField": {"score": "lots", "plan": "free"}}
            ]}
            """)
        let syncs = LeadSyncService(database: api.database)
        while try await syncs.process() > 0 {}
    }

    @Test("the list: an empty state, then the columns each user picks, a custom-field filter, CSV and XLSX")
    func list() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let empty = String(buffer: try await staff.get(api.client, "/leads").body)
            #expect(empty.contains("No leads yet"))
            try await arrange(api)

            let plain = String(buffer: try await staff.get(api.client, "/leads").body)
            #expect(plain.contains(">Ann Lee</a>") && plain.contains(">Bob</a>"))
            #expect(!plain.contains(#"<th scope="col">score</th>"#), "no custom column until chosen")
            let saved = try await staff.post(api.client, "/leads/columns", ["column.score": "on", "column.plan": "on", "query": "?search=globex"])
            #expect(saved.status == .seeOther || saved.status == .found)
            #expect(saved.headers[.location] == "/leads?search=globex&done=columns")
            let chosen = String(buffer: try await staff.get(api.client, "/leads").body)
            #expect(chosen.contains(#"<th scope="col">plan</th>"#) && chosen.contains(#"<th scope="col">score</th>"#))
            #expect(chosen.contains("<td>42</td>") && chosen.contains("<td>lots</td>"))
            var admin = try await Browser.signedIn(api.client, email: "admin@example.com", password: APIHarness.password)
            let other = String(buffer: try await admin.get(api.client, "/leads").body)
            #expect(!other.contains(#"<th scope="col">score</th>"#), "columns are remembered per user")

            let filtered = String(buffer: try await staff.get(api.client, "/leads?field=plan&value=pro").body)
            #expect(filtered.contains(">Ann Lee</a>") && !filtered.contains(">Bob</a>"))
            #expect(filtered.contains(#"href="/leads.csv?custom.plan=pro""#), "the exports keep the filters")
            let unknown = try await staff.get(api.client, "/leads?sort=age")
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("sort must be one of"))

            let csv = String(buffer: try await staff.get(api.client, "/leads.csv?custom.plan=pro").body)
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first?.hasSuffix("custom.plan,custom.score") == true, "\(lines.first ?? "")")
            #expect(lines.count == 2 && lines[1].contains("ann@globex.example") && lines[1].hasSuffix("pro,42"))
            let workbook = try await staff.get(api.client, "/leads.xlsx")
            #expect(workbook.headers[.contentType]?.contains("spreadsheetml") == true)
            #expect(workbook.body.getBytes(at: 0, length: 2) == [0x50, 0x4B], "a zip")
        }
    }

    @Test("an export longer than a page holds every lead once, in the list's order")
    func longExport() async throws {
        try await APIHarness.run { api in
            let leads = (0..<250).map { #"{"leadInfo": {"email": "lead\#($0)@example.com", "lastName": "L\#(String(format: "%03d", $0))"}}"# }
            _ = try await api.call(.post, "/api/v1/leads/sync/batch", json: #"{"leads": [\#(leads.joined(separator: ","))]}"#)
            let syncs = LeadSyncService(database: api.database)
            while try await syncs.process() > 0 {}
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let csv = String(buffer: try await staff.get(api.client, "/leads.csv?sort=last_name&order=asc").body)
            let rows = csv.split(separator: "\r\n").dropFirst()
            #expect(rows.count == 250)
            #expect(Set(rows.map { $0.split(separator: ",")[1] }).count == 250, "each lead once")
            #expect(rows.first?.contains("lead0@example.com") == true && rows.last?.contains("lead249@example.com") == true)
        }
    }

    @Test("a lead's page: its fields, a flagged value, its history; edit (mistakes shown), convert, delete")
    func page() async throws {
        try await APIHarness.run { api in
            try await arrange(api)
            let bob = try #require(try await api.call(.get, "/api/v1/leads?search=bob").items.first?["id"] as? Int)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let page = String(buffer: try await staff.get(api.client, "/leads/\(bob)").body)
            #expect(page.contains("bob@initech.example"))
            #expect(page.contains("not a number"), "score was typed a number by Ann's sync; Bob's text is flagged")
            #expect(page.contains("API sync") && page.contains("created"))
            #expect(page.contains(#"action="/leads/\#(bob)/convert""#))

            let refused = try await staff.post(api.client, "/leads/\(bob)", ["email": "not an email", "custom_fields": "{oops"])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.contains("Email must look like name@example.com.") && refusedPage.contains("Custom fields must be a JSON object"))
            #expect(refusedPage.contains(#"value="not an email""#), "what was typed stays")
            let edited = try await staff.post(api.client, "/leads/\(bob)", [
                "email": "bob@initech.example", "first_name": "Bob", "last_name": "Porter", "company": "Initech", "custom_fields": #"{"score": 7}"#,
            ])
            #expect(edited.status == .seeOther || edited.status == .found)
            let lead = try await api.call(.get, "/api/v1/leads/\(bob)").data
            #expect(lead["last_name"] as? String == "Porter")
            #expect(lead["flagged_fields"] as? [String] == [])

            let converted = try await staff.post(api.client, "/leads/\(bob)/convert", [:])
            #expect(converted.headers[.location] == "/leads/\(bob)?done=converted")
            let after = String(buffer: try await staff.get(api.client, "/leads/\(bob)?done=converted").body)
            #expect(after.contains("Converted:") && after.contains(#"href="/contacts/"#) && after.contains(#"href="/organizations/"#))
            #expect(after.contains(">Bob Porter</a>") && after.contains(">Initech</a>"), "the contact and organization by name")
            #expect(!after.contains(#"action="/leads/\#(bob)/convert""#))
            #expect(try await staff.post(api.client, "/leads/\(bob)/convert", [:]).headers[.location] == "/leads/\(bob)?done=converted", "a second click is harmless")

            let fields = String(buffer: try await staff.get(api.client, "/leads/fields").body)
            #expect(fields.contains(#"<td>score</td>"#) == false && fields.contains(">score</a>") && fields.contains("<td>number</td>"))

            #expect(try await staff.post(api.client, "/leads/\(bob)/delete", [:]).headers[.location] == "/leads?done=deleted")
            #expect(try await staff.get(api.client, "/leads/\(bob)").status == .notFound)
        }
    }

    @Test("a viewer reads leads but has no buttons that change them, and is refused if they post")
    func viewer() async throws {
        try await APIHarness.run { api in
            try await arrange(api)
            let users = UserService(database: api.database, hasher: PasswordHasher(cost: 4))
            _ = try await users.create(email: "viewer@example.com", name: "Viewer", role: "viewer", password: APIHarness.password)
            let ann = try #require(try await api.call(.get, "/api/v1/leads?search=ann").items.first?["id"] as? Int)
            var viewer = try await Browser.signedIn(api.client, email: "viewer@example.com", password: APIHarness.password)
            let page = String(buffer: try await viewer.get(api.client, "/leads/\(ann)").body)
            #expect(page.contains("ann@globex.example") && !page.contains("/convert") && !page.contains("/delete"))
            #expect(try await viewer.post(api.client, "/leads/\(ann)/convert", [:]).status == .forbidden)
        }
    }
}
