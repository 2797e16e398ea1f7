import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

/// The delayed lead sync and the leads it makes: 202 at once and merged later, merge by email,
/// custom fields typed on first sight, every problem told at once, conversion into contacts, and
/// recipients' Register making leads.
@Suite("Leads API")
struct LeadsAPITests {
    /// Merges everything queued, as the worker would.
    private func process(_ api: APIHarness) async throws {
        let syncs = LeadSyncService(database: api.database)
        while try await syncs.process() > 0 {}
    }

    /// The lead of `email`, through the list's search.
    private func lead(_ api: APIHarness, _ email: String) async throws -> [String: Any] {
        let found = try await api.call(.get, "/api/v1/leads?search=\(email)")
        guard found.items.count == 1, let id = found.items[0]["id"] as? Int else { throw TestSetupError("no single lead for \(email): \(found.text)") }
        return try await api.call(.get, "/api/v1/leads/\(id)").data
    }

    private func count(_ api: APIHarness, _ table: String) async throws -> Int {
        try await api.database.pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM \(table)")?.decode("n") ?? -1 }
    }

    @Test("a sync in the seed's shape is answered 202 with its id, and the worker merges it within moments")
    func acceptedThenMerged() async throws {
        try await APIHarness.run { api in
            let accepted = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"leadInfo": {"email": "John.Doe@Provider.com ", "crmLeadId": 12387, "jobTitle": "Awesome Programmer", "firstName": "John", "lastName": "Doe"},
                 "leadCustomField": {"customField1": "Value", "customField2": "Value2"}}
                """)
            #expect(accepted.status == .accepted, "\(accepted.text)")
            let id = try #require(accepted.data["id"] as? Int)
            #expect(accepted.data["status"] as? String == "queued")
            #expect(accepted.headers[.location]?.hasSuffix("/api/v1/leads/sync/\(id)") == true)
            let queued = try await api.call(.get, "/api/v1/leads/sync/\(id)")
            #expect(queued.data["status"] as? String == "queued")
            #expect(queued.data["lead_id"] is NSNull)
            #expect(queued.data["email"] as? String == "john.doe@provider.com", "the merge key: trimmed, lower-cased")

            let worker = Task { await LeadSyncWorker(database: api.database, logger: Logger(label: "lead-test")).run() }
            defer { worker.cancel() }
            var status = queued
            for _ in 0..<100 where status.data["status"] as? String != "processed" {
                try await Task.sleep(for: .milliseconds(100))
                status = try await api.call(.get, "/api/v1/leads/sync/\(id)")
            }
            #expect(status.data["status"] as? String == "processed", "\(status.text)")
            #expect(status.data["outcome"] as? String == "created")
            let leadID = try #require(status.data["lead_id"] as? Int)
            let lead = try await api.call(.get, "/api/v1/leads/\(leadID)").data
            #expect(lead["email"] as? String == "john.doe@provider.com")
            #expect(lead["crm_lead_id"] as? String == "12387")
            #expect(lead["job_title"] as? String == "Awesome Programmer")
            #expect(lead["first_name"] as? String == "John")
            #expect(lead["source"] as? String == "api")
            #expect(lead["custom_fields"] as? [String: String] == ["customField1": "Value", "customField2": "Value2"])
            #expect((lead["history"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            #expect(try await api.call(.get, "/api/v1/leads/sync/999999").status == .notFound)
        }
    }

    @Test("merging by email: given fields replace, absent ones stay, custom fields are added and updated, null removes")
    func mergeSemantics() async throws {
        try await APIHarness.run { api in
            _ = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"leadInfo": {"email": "ann@globex.example", "firstName": "Ann", "lastName": "Lee", "phone": "+33 1 23", "company": "Globex"},
                 "leadCustomField": {"budget": 1200, "segment": "smb", "newsletter": true}}
                """)
            // The same person in snake_case, another case and spacing: one lead.
            let second = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"lead_info": {"email": "  ANN@Globex.example", "job_title": "CTO", "phone": null},
                 "lead_custom_field": {"budget": 1500.50, "segment": null, "region": "Île-de-France"}}
                """)
            #expect(second.status == .accepted, "\(second.text)")
            try await process(api)
            let lead = try await lead(api, "ann@globex")
            #expect(lead["first_name"] as? String == "Ann", "absent fields stay")
            #expect(lead["company"] as? String == "Globex")
            #expect(lead["job_title"] as? String == "CTO", "given fields replace")
            #expect(lead["phone"] is NSNull, "null clears a standard field")
            let custom = try #require(lead["custom_fields"] as? [String: Any])
            #expect(custom["budget"] as? Double == 1500.5)
            #expect(custom["newsletter"] as? Bool == true, "custom fields are never dropped unless set to null")
            #expect(custom["segment"] == nil, "null removes a custom field")
            #expect(custom["region"] as? String == "Île-de-France")
            let history = try #require(lead["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["outcome"] as? String } == ["updated", "created"])
            #expect(try await count(api, "leads") == 1)
        }
    }

    @Test("custom fields are typed by their first value; a value of another type is kept as text and flagged")
    func typing() async throws {
        try await APIHarness.run { api in
            _ = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"leadInfo": {"email": "a@example.com"},
                 "leadCustomField": {"score": 42, "signed_up": "2026-11-30", "vip": false, "notes": "first call", "zip": "01234"}}
                """)
            try await process(api)
            _ = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"leadInfo": {"email": "b@example.com"},
                 "leadCustomField": {"score": "12.50", "signed_up": "next week", "vip": "TRUE", "notes": 7, "zip": 75001}}
                """)
            try await process(api)

            let fields = try await api.call(.get, "/api/v1/lead-fields")
            let types = Dictionary(uniqueKeysWithValues: fields.items.compactMap { item in (item["name"] as? String).map { ($0, item["type"] as? String ?? "") } })
            #expect(types == ["notes": "text", "score": "number", "signed_up": "date", "vip": "boolean", "zip": "text"], "\(fields.text)")
            #expect(fields.items.allSatisfy { $0["usage_count"] as? Int == 2 })

            let a = try await lead(api, "a@example.com")
            #expect(a["custom_fields"] as? NSDictionary == ["score": 42, "signed_up": "2026-11-30", "vip": false, "notes": "first call", "zip": "01234"])
            #expect(a["flagged_fields"] as? [String] == [])
            let b = try await lead(api, "b@example.com")
            let custom = try #require(b["custom_fields"] as? [String: Any])
            #expect(custom["score"] as? Double == 12.5, "a number's text fits a number field")
            #expect(custom["vip"] as? Bool == true)
            #expect(custom["notes"] as? String == "7", "anything fits text")
            #expect(custom["signed_up"] as? String == "next week", "kept as the text it was")
            #expect(b["flagged_fields"] as? [String] == ["signed_up"])
            let sync = try await api.call(.get, "/api/v1/leads/sync/\((b["history"] as? [[String: Any]])?.first?["id"] as? Int ?? 0)")
            #expect(sync.data["flagged_fields"] as? [String] == ["signed_up"])

            // A later value that fits clears the flag.
            _ = try await api.call(.post, "/api/v1/leads/sync", json: #"{"leadInfo": {"email": "b@example.com"}, "leadCustomField": {"SIGNED_UP": "2026-12-01"}}"#)
            try await process(api)
            let fixed = try await lead(api, "b@example.com")
            #expect((fixed["custom_fields"] as? [String: Any])?["signed_up"] as? String == "2026-12-01", "field names ignore case")
            #expect(fixed["flagged_fields"] as? [String] == [])
        }
    }

    @Test("a refused sync lists every problem under its path and queues nothing")
    func validation() async throws {
        try await APIHarness.run { api in
            let refused = try await api.call(.post, "/api/v1/leads/sync", json: """
                {"leadInfo": {"email": "not-an-email", "firstName": 12, "jobTitle": "\(String(repeating: "x", count: 201))", "age": 3},
                 "leadCustomField": {"tags": ["a"], "bad name": 1, "ok": {"x": 1}},
                 "extra": true}
                """)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "VALIDATION_FAILED")
            #expect(Set(refused.errorFields) == [
                "leadInfo.email", "leadInfo.firstName", "leadInfo.jobTitle", "leadInfo.age",
                "leadCustomField.tags", "leadCustomField.bad name", "leadCustomField.ok", "extra",
            ], "\(refused.text)")

            let missing = try await api.call(.post, "/api/v1/leads/sync", json: #"{"leadCustomField": {"a": 1}}"#)
            #expect(missing.errorCode == "VALIDATION_REQUIRED_FIELD")
            #expect(missing.errorFields == ["leadInfo"])
            let noEmail = try await api.call(.post, "/api/v1/leads/sync", json: #"{"lead_info": {"first_name": "Ann"}}"#)
            #expect(noEmail.errorFields == ["lead_info.email"])
            let both = try await api.call(.post, "/api/v1/leads/sync", json: #"{"leadInfo": {"email": "a@b.co", "firstName": "A", "first_name": "B"}, "lead_info": {}}"#)
            #expect(Set(both.errorFields) == ["lead_info", "leadInfo.first_name"], "\(both.text)")
            let notObject = try await api.call(.post, "/api/v1/leads/sync", json: #"{"leadInfo": "a@b.co"}"#)
            #expect(notObject.errorFields == ["leadInfo"])
            #expect(try await api.call(.post, "/api/v1/leads/sync", json: "[1]").status == .badRequest)
            #expect(try await api.call(.post, "/api/v1/leads/sync", as: .viewer, json: #"{"leadInfo": {"email": "a@b.co"}}"#).status == .forbidden)
            #expect(try await count(api, "lead_syncs") == 0, "nothing refused is queued")
        }
    }

    @Test("8 connections syncing the same email at once end in one lead with every field")
    func concurrentSameEmail() async throws {
        try await APIHarness.run(live: true) { api in
            let port = try #require(api.client.port)
            let key = api.keys[.staff]!
            let standard = ["crmLeadId", "jobTitle", "firstName", "lastName", "phone", "company", "crmLeadId", "jobTitle"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<8 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                            for round in 0..<5 {
                                let email = connection % 2 == 0 ? "Same@Example.com" : " same@example.COM"
                                let body = """
                                    {"leadInfo": {"email": "\(email)", "\(standard[connection])": "value \(connection)"},
                                     "leadCustomField": {"field_\(connection)": \(connection * 10 + round)}}
                                    """
                                let response = try await client.post(
                                    "/api/v1/leads/sync", headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                                    body: ByteBuffer(string: body))
                                #expect(response.status == .accepted, "\(String(buffer: response.body ?? ByteBuffer()))")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await process(api)
            #expect(try await count(api, "leads") == 1)
            #expect(try await count(api, "lead_syncs WHERE status = 'processed'") == 40)
            let lead = try await lead(api, "same@example.com")
            for name in ["crm_lead_id", "job_title", "first_name", "last_name", "phone", "company"] {
                #expect((lead[name] as? String)?.hasPrefix("value ") == true, "\(name) is set")
            }
            let custom = try #require(lead["custom_fields"] as? [String: Int])
            #expect(custom == Dictionary(uniqueKeysWithValues: (0..<8).map { ("field_\($0)", $0 * 10 + 4) }), "each connection's last value")
        }
    }

    @Test("a batch of up to 1,000: each sync answered on its own, the valid ones queued together")
    func batch() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.post, "/api/v1/leads/sync/batch", json: """
                {"leads": [
                  {"leadInfo": {"email": "one@example.com", "firstName": "One"}},
                  {"leadInfo": {"email": "broken"}},
                  "two@example.com",
                  {"lead_info": {"email": "three@example.com"}, "lead_custom_field": {"plan": "pro"}}
                ]}
                """)
            #expect(reply.status == .accepted, "\(reply.text)")
            #expect(reply.data["accepted"] as? Int == 2)
            #expect(reply.data["failed"] as? Int == 2)
            let results = try #require(reply.data["results"] as? [[String: Any]])
            #expect(results.compactMap { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(results.compactMap { $0["success"] as? Bool } == [true, false, false, true])
            let error = try #require(results[1]["error"] as? [String: Any])
            #expect((error["details"] as? [[String: Any]])?.first?["field"] as? String == "leadInfo.email")
            let ids = results.compactMap { ($0["data"] as? [String: Any])?["id"] as? Int }
            #expect(ids.count == 2 && ids[0] < ids[1])
            try await process(api)
            #expect(try await api.call(.get, "/api/v1/leads/sync/\(ids[1])").data["status"] as? String == "processed")
            #expect(try await count(api, "leads") == 2)

            let tooMany = "{\"leads\": [" + Array(repeating: #"{"leadInfo": {"email": "x@example.com"}}"#, count: 1001).joined(separator: ",") + "]}"
            let refused = try await api.call(.post, "/api/v1/leads/sync/batch", json: tooMany)
            #expect(refused.status == .badRequest)
            #expect(refused.errorFields == ["leads"])
            #expect(try await api.call(.post, "/api/v1/leads/sync/batch", json: #"{"leads": []}"#).errorFields == ["leads"])
            #expect(try await count(api, "lead_syncs") == 2)
        }
    }

    @Test("the list: search, custom.<field> filters in the field's type, source, sort, pages; unknown fields refused")
    func list() async throws {
        try await APIHarness.run { api in
            for (index, name) in ["Zoe", "Adam", "Maya"].enumerated() {
                _ = try await api.call(.post, "/api/v1/leads/sync", json: """
                    {"leadInfo": {"email": "\(name.lowercased())@example.com", "lastName": "\(name)", "company": "Co \(index)"},
                     "leadCustomField": {"score": \(index * 10), "plan": "\(index == 1 ? "pro" : "free")"}}
                    """)
            }
            try await process(api)
            let byName = try await api.call(.get, "/api/v1/leads?sort=last_name&order=asc")
            #expect(byName.items.compactMap { $0["last_name"] as? String } == ["Adam", "Maya", "Zoe"])
            #expect(byName.meta["total"] == 3)
            let pro = try await api.call(.get, "/api/v1/leads?custom.plan=pro")
            #expect(pro.items.compactMap { $0["last_name"] as? String } == ["Adam"])
            let score = try await api.call(.get, "/api/v1/leads?custom.score=20.0&custom.plan=free")
            #expect(score.items.compactMap { $0["last_name"] as? String } == ["Maya"], "20.0 is the number 20")
            #expect((score.links["first"] as? String)?.contains("custom.score=20.0") == true, "\(score.links)")
            let paged = try await api.call(.get, "/api/v1/leads?per_page=2&sort=email")
            #expect(paged.items.count == 2)
            #expect((paged.links["next"] as? String)?.contains("sort=email") == true)
            #expect(try await api.call(.get, "/api/v1/leads?search=co%201").items.count == 1)
            #expect(try await api.call(.get, "/api/v1/leads?source=document").items.isEmpty)
            let unknown = try await api.call(.get, "/api/v1/leads?custom.colour=red&sort=age&colour=red")
            #expect(unknown.status == .badRequest)
            #expect(Set(unknown.errorFields) == ["sort", "colour"], "\(unknown.text)")
            let noField = try await api.call(.get, "/api/v1/leads?custom.colour=red")
            #expect(noField.errorFields == ["custom.colour"])
        }
    }

    @Test("a lead is edited and deleted at once; its email stays unique")
    func editAndDelete() async throws {
        try await APIHarness.run { api in
            _ = try await api.call(.post, "/api/v1/leads/sync/batch", json: """
                {"leads": [{"leadInfo": {"email": "a@example.com"}, "leadCustomField": {"score": 1}}, {"leadInfo": {"email": "b@example.com"}}]}
                """)
            try await process(api)
            let id = try #require(try await lead(api, "a@example.com")["id"] as? Int)
            let edited = try await api.call(.put, "/api/v1/leads/\(id)", json: #"{"first_name": "Ann", "custom_fields": {"score": 2, "note": "met at fair"}}"#)
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(edited.data["first_name"] as? String == "Ann")
            #expect(edited.data["custom_fields"] as? NSDictionary == ["score": 2, "note": "met at fair"])
            let taken = try await api.call(.put, "/api/v1/leads/\(id)", json: #"{"email": "B@example.com", "colour": "red"}"#)
            #expect(Set(taken.errorFields) == ["email", "colour"], "\(taken.text)")
            #expect(try await api.call(.put, "/api/v1/leads/\(id)", json: #"{"email": "ann@example.com"}"#).data["email"] as? String == "ann@example.com")
            #expect(try await api.call(.delete, "/api/v1/leads/\(id)", as: .viewer).status == .forbidden)
            #expect(try await api.call(.delete, "/api/v1/leads/\(id)").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/leads/\(id)").status == .notFound)
            #expect(try await count(api, "lead_syncs") == 2, "the syncs stay, without their lead")
        }
    }

    @Test("converting makes a contact and an organization from the company; the lead keeps the links")
    func convert() async throws {
        try await APIHarness.run { api in
            let existing = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Globex"}"#)
            let globex = try #require(existing.data["id"] as? Int)
            _ = try await api.call(.post, "/api/v1/leads/sync/batch", json: """
                {"leads": [
                  {"leadInfo": {"email": "ann@globex.example", "firstName": "Ann", "lastName": "Lee", "phone": "+33 1", "company": "globex"}},
                  {"leadInfo": {"email": "bob@initech.example", "company": "Initech"}}
                ]}
                """)
            try await process(api)
            let ann = try #require(try await lead(api, "ann@globex")["id"] as? Int)
            let converted = try await api.call(.post, "/api/v1/leads/\(ann)/convert")
            #expect(converted.status == .ok, "\(converted.text)")
            #expect(converted.data["organization_id"] as? Int == globex, "the organization of that name, whatever its case")
            let contactID = try #require(converted.data["contact_id"] as? Int)
            #expect(converted.data["converted_at"] is String)
            let contact = try await api.call(.get, "/api/v1/contacts/\(contactID)").data
            #expect(contact["fullname"] as? String == "Ann Lee")
            #expect(contact["email"] as? String == "ann@globex.example")
            #expect(contact["phone"] as? String == "+33 1")
            #expect(contact["organization_id"] as? Int == globex)

            let again = try await api.call(.post, "/api/v1/leads/\(ann)/convert")
            #expect(again.status == .conflict)
            #expect(again.errorCode == "LEAD_ALREADY_CONVERTED")
            #expect(again.headers[.contentLocation] == "/api/v1/contacts/\(contactID)")

            let bob = try #require(try await lead(api, "bob@initech")["id"] as? Int)
            #expect(try await api.call(.post, "/api/v1/leads/\(bob)/convert", as: .viewer).status == .forbidden)
            let made = try await api.call(.post, "/api/v1/leads/\(bob)/convert")
            let initech = try await api.call(.get, "/api/v1/organizations/\(made.data["organization_id"] as? Int ?? 0)")
            #expect(initech.data["name"] as? String == "Initech", "a new organization")
            let bobContact = try await api.call(.get, "/api/v1/contacts/\(made.data["contact_id"] as? Int ?? 0)")
            #expect(bobContact.data["fullname"] as? String == "bob@initech.example", "no name: the email")
            #expect(try await api.call(.get, "/api/v1/leads?converted=true").items.count == 2)
            #expect(try await api.call(.post, "/api/v1/leads/999999/convert").status == .notFound)
        }
    }

    @Test("a recipient's Register creates the lead of that email, with the document in its history")
    func registerMakesALead() async throws {
        try await APIHarness.run { api in
            let document = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website redesign", "total_amount": 5000}"#)
            let link = try await api.call(.post, "/api/v1/document-engagements/\(document)/tokens", json: #"{"allowed_actions": ["view", "register"]}"#)
            let secret = try #require(link.data["token"] as? String)
            let registered = try await api.visit(
                .post, "/p/\(secret)/register", headers: [.accept: "application/json", .contentType: "application/json"],
                body: #"{"name": "Jean-Pierre de la Tour", "email": "JP@Tour.example", "company": "La Tour SA", "phone": "+33 6"}"#)
            #expect(registered.status == .ok, "\(registered.text)")
            try await process(api)
            let lead = try await lead(api, "jp@tour.example")
            #expect(lead["first_name"] as? String == "Jean-Pierre")
            #expect(lead["last_name"] as? String == "de la Tour")
            #expect(lead["company"] as? String == "La Tour SA")
            #expect(lead["source"] as? String == "document")
            let history = try #require(lead["history"] as? [[String: Any]])
            #expect(history.first?["document_id"] as? Int == Int(document))
            #expect(history.first?["source"] as? String == "document")
            #expect(try await api.call(.get, "/api/v1/leads?source=document").items.count == 1)
        }
    }
}
