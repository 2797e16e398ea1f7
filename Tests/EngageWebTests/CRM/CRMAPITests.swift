import Engage
import Foundation
import HTTPTypes
import Testing

@Suite("Organizations and contacts API")
struct CRMAPITests {
    @Test("organizations: create with every Offorte field, search, paginate, update, show with contacts and documents, delete")
    func organizations() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(.post, "/api/v1/organizations", json: """
                {"name": "Example Inc", "street": "Ginnekenweg 1", "zipcode": "4800AA", "city": "Breda", "state": "Noord-Brabant",
                 "country": "the Netherlands", "phone": "+31 76 12344567", "fax": "+31 76 12344567", "email": "info@example.com",
                 "internet": "https://www.example.com", "linkedin": "https://linkedin.com/example",
                 "facebook": "https://facebook.com/example", "twitter": "https://twitter.com/example",
                 "coc_number": "12345678", "vat_number": "NL123455678"}
                """)
            #expect(created.status == .created)
            let id = try #require(created.data["id"] as? Int)
            for field in ProfileField.organization {
                #expect(created.data[field.name] is String, "\(field.name) missing")
            }
            _ = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Acme Corp", "city": "Lyon"}"#)
            _ = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Zeta"}"#)

            let bad = try await api.call(.post, "/api/v1/organizations", json: #"{"email": "x", "internet": "javascript:alert(1)", "size": 3}"#)
            #expect(bad.errorFields == ["name", "email", "internet", "size"])

            #expect(try await api.call(.get, "/api/v1/organizations?search=breda").items.map { $0["name"] as? String } == ["Example Inc"])
            #expect(try await api.call(.get, "/api/v1/organizations?search=ac").items.map { $0["name"] as? String } == ["Acme Corp"])
            let page = try await api.call(.get, "/api/v1/organizations?per_page=2&page=2")
            #expect(page.items.map { $0["name"] as? String } == ["Zeta"])
            #expect(page.meta == ["page": 2, "per_page": 2, "total": 3, "total_pages": 2])
            #expect(try await api.call(.get, "/api/v1/organizations?per_page=101").status == .badRequest)

            let updated = try await api.call(.put, "/api/v1/organizations/\(id)", json: #"{"city": "Amsterdam", "fax": null}"#)
            #expect(updated.data["city"] as? String == "Amsterdam")
            #expect(updated.data["fax"] is NSNull)
            #expect(updated.data["street"] as? String == "Ginnekenweg 1")
            #expect(try await api.call(.put, "/api/v1/organizations/\(id)", json: #"{"name": null}"#).errorFields == ["name"])

            let contact = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Chuck Norris", "email": "chuck@example.com", "organization_id": \#(id)}"#)
            let document = try await api.createDocument(#"{"document_type": "custom", "title": "For Example Inc", "organization_id": \#(id)}"#)
            let shown = try await api.call(.get, "/api/v1/organizations/\(id)")
            #expect((shown.data["contacts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [contact.data["id"] as? Int])
            #expect((shown.data["documents"] as? [[String: Any]])?.map { ($0["id"] as? Int).map(Int64.init) } == [document])

            #expect(try await api.call(.delete, "/api/v1/organizations/\(id)", as: .viewer).status == .forbidden)
            #expect(try await api.call(.delete, "/api/v1/organizations/\(id)").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/organizations/\(id)").status == .notFound)
            // The contact and the document stay, without the company.
            #expect(try await api.call(.get, "/api/v1/contacts/\(contact.data["id"] as! Int)").data["organization_id"] is NSNull)
            #expect(try await api.call(.get, "/api/v1/document-engagements/\(document)").data["organization_id"] is NSNull)
        }
    }

    @Test("contacts: full name and email required, name composed from first and last, organization must exist, filter and search")
    func contacts() async throws {
        try await APIHarness.run { api in
            let missing = try await api.call(.post, "/api/v1/contacts", json: #"{"salutation": "Mr"}"#)
            #expect(missing.errorCode == "VALIDATION_REQUIRED_FIELD")
            #expect(missing.errorFields == ["email", "fullname"])
            let wrong = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "A", "email": "a@b", "organization_id": 77, "twitter": "x"}"#)
            #expect(wrong.errorFields == ["email", "twitter", "organization_id"])

            let org = try #require(try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Acme"}"#).data["id"] as? Int)
            let composed = try await api.call(.post, "/api/v1/contacts", json: #"{"firstname": "Jane", "lastname": "Roe", "email": "jane@acme.example", "organization_id": \#(org)}"#)
            #expect(composed.status == .created)
            #expect(composed.data["fullname"] as? String == "Jane Roe")
            #expect(composed.data["organization_name"] as? String == "Acme")
            _ = try await api.call(.post, "/api/v1/contacts", json: #"{"fullname": "Bob Stone", "email": "bob@other.example"}"#)

            #expect(try await api.call(.get, "/api/v1/contacts?organization_id=\(org)").items.map { $0["fullname"] as? String } == ["Jane Roe"])
            #expect(try await api.call(.get, "/api/v1/contacts?search=stone").items.map { $0["fullname"] as? String } == ["Bob Stone"])
            #expect(try await api.call(.get, "/api/v1/contacts?search=other.example").items.count == 1)
            #expect(try await api.call(.get, "/api/v1/contacts?organization_id=abc").errorFields == ["organization_id"])

            let id = try #require(composed.data["id"] as? Int)
            let moved = try await api.call(.put, "/api/v1/contacts/\(id)", json: #"{"organization_id": null, "mobile": "+33 6 12 34 56 78"}"#)
            #expect(moved.data["organization_id"] is NSNull)
            #expect(moved.data["mobile"] as? String == "+33 6 12 34 56 78")
            #expect(try await api.call(.delete, "/api/v1/contacts/\(id)").status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/contacts/\(id)").status == .notFound)
        }
    }
}
