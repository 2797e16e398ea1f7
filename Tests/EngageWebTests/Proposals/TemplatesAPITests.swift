import Engage
import Foundation
import TestSupport
import Testing

/// Document templates (favorites) and text templates over the API, and documents made from a
/// template with overrides.
@Suite("Templates API")
struct TemplatesAPITests {
    private static let offer = """
        {"name": "Website offer", "document_type": "pennylane_quote", "title": "Website redesign", "description": "**Scope**: design and build.",
         "custom_message": "Here is our offer.", "link_actions": ["view", "accept", "decline"],
         "content": {"pricetables": [{"id": "web", "title": "Website", "rows": [
           {"type": "price", "content": "Design", "price": 2000},
           {"type": "price", "content": "Hosting", "price": 300, "userinput_optional": true}]}]}}
        """

    @Test("create, list, show with priced tables, change, delete; every problem at once; names unique")
    func templates() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(.post, "/api/v1/document-templates", json: Self.offer)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.data["type"] as? String == "pennylane_quote", "the seed's favorites name it type")
            #expect(created.data["link_actions"] as? [String] == ["view", "accept", "decline"])
            #expect((created.data["content"] as? [String: Any])?["total"] as? Double == 2760, "2300.00 + 460.00 VAT")
            let id = try #require(created.data["id"] as? Int)

            let refused = try await api.call(.post, "/api/v1/document-templates", json: """
                {"name": "Website offer", "document_type": "letter", "title": "x", "link_actions": ["fly"], "currency": "ZZZ",
                 "content": {"pricetables": [{"rows": [{"type": "price"}]}]}}
                """)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == [
                "document_type", "title", "link_actions", "currency", "content.pricetables[0].rows[0].content", "content.pricetables[0].rows[0].price",
            ], "\(refused.text)")
            #expect(try await api.call(.post, "/api/v1/document-templates", json: Self.offer).errorFields == ["name"], "names are unique")
            #expect(try await api.call(.post, "/api/v1/document-templates", as: .viewer, json: Self.offer).status == .forbidden)

            let listed = try await api.call(.get, "/api/v1/document-templates")
            #expect(listed.items.map { $0["name"] as? String } == ["Website offer"])
            let changed = try await api.call(.put, "/api/v1/document-templates/\(id)", json: #"{"title": "Website redesign, 2027", "content": null}"#)
            #expect(changed.data["title"] as? String == "Website redesign, 2027", "\(changed.text)")
            #expect(changed.data["name"] as? String == "Website offer")
            #expect(((changed.data["content"] as? [String: Any])?["pricetables"] as? [Any])?.isEmpty == true)
            #expect(try await api.call(.put, "/api/v1/document-templates/\(id)", json: #"{"document_id": 1}"#).errorFields == ["document_id"])
            #expect(try await api.call(.delete, "/api/v1/document-templates/\(id)").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/document-templates/\(id)").status == .notFound)
        }
    }

    @Test("a document from a template, with overrides; a template saved from a document; the template's link actions go with the send")
    func documentsFromTemplates() async throws {
        try await APIHarness.run { api in
            let template = try #require(try await api.call(.post, "/api/v1/document-templates", json: Self.offer).data["id"] as? Int)
            let document = try await api.call(.post, "/api/v1/document-engagements", json: """
                {"template_id": \(template), "title": "Website redesign for Globex", "recipient_email": "ann@globex.example"}
                """)
            #expect(document.status == .created, "\(document.text)")
            #expect(document.data["title"] as? String == "Website redesign for Globex", "the override wins")
            #expect(document.data["description"] as? String == "**Scope**: design and build.", "the template's")
            #expect(document.data["custom_message"] as? String == "Here is our offer.")
            #expect(document.data["document_type"] as? String == "pennylane_quote")
            #expect(document.data["total_amount"] as? Double == 2760)
            let rows = ((document.data["content"] as? [String: Any])?["pricetables"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["content"] as? String } == ["Design", "Hosting"])
            let id = try #require(document.data["id"] as? Int)

            let sent = try await api.call(.post, "/api/v1/document-engagements/\(id)/send", json: "{}")
            #expect(sent.status == .ok || sent.status == .created || sent.status == .accepted, "\(sent.text)")
            let links = try await api.call(.get, "/api/v1/document-engagements/\(id)/tokens")
            #expect(links.items.first?["allowed_actions"] as? [String] == ["view", "accept", "decline"], "the template's link actions")

            let overridden = try await api.call(.post, "/api/v1/document-engagements", json: """
                {"template_id": \(template), "content": {"pricetables": []}, "total_amount": 99}
                """)
            #expect(overridden.data["total_amount"] as? Double == 99, "no tables given: the amount typed, \(overridden.text)")
            let missing = try await api.call(.post, "/api/v1/document-engagements", json: #"{"template_id": 999999, "title": "x"}"#)
            #expect(Set(missing.errorFields) == ["template_id", "document_type", "title"], "\(missing.text)")

            let saved = try await api.call(.post, "/api/v1/document-templates", json: #"{"document_id": \#(id), "name": "Globex offer"}"#)
            #expect(saved.status == .created, "\(saved.text)")
            #expect(saved.data["title"] as? String == "Website redesign for Globex")
            #expect(saved.data["link_actions"] as? [String] == ["view", "accept", "decline"])
            #expect((saved.data["content"] as? [String: Any])?["total"] as? Double == 2760)
            #expect(try await api.call(.post, "/api/v1/document-templates", json: #"{"document_id": 999999, "name": "Nope"}"#).errorFields
                    == ["document_id", "document_type", "title"])
        }
    }

    @Test("text templates: create, list by name, change, delete; every problem at once")
    func textTemplates() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(.post, "/api/v1/text-templates", json: #"{"name": "Payment terms", "body": "Payment **within 30 days**."}"#)
            #expect(created.status == .created, "\(created.text)")
            _ = try await api.call(.post, "/api/v1/text-templates", json: #"{"name": "About us", "body": "A small studio."}"#)
            #expect(try await api.call(.get, "/api/v1/text-templates").items.map { $0["name"] as? String } == ["About us", "Payment terms"])
            let refused = try await api.call(.post, "/api/v1/text-templates", json: #"{"name": "Payment terms", "body": " ", "x": 1}"#)
            #expect(Set(refused.errorFields) == ["body", "x"], "\(refused.text)")
            let id = try #require(created.data["id"] as? Int)
            #expect(try await api.call(.put, "/api/v1/text-templates/\(id)", json: #"{"body": "Within 45 days."}"#).data["body"] as? String == "Within 45 days.")
            #expect(try await api.call(.post, "/api/v1/text-templates", json: #"{"name": "Payment terms", "body": "again"}"#).errorFields == ["name"])
            #expect(try await api.call(.delete, "/api/v1/text-templates/\(id)").status == .noContent)
        }
    }
}
