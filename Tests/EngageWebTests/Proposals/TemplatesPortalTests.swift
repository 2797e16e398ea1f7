import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Templates in the portal: a document saved as a template, a template with its prices, "New from
/// template" on the documents list, and text templates inserted into a description.
@Suite("Portal templates")
struct TemplatesPortalTests {
    @Test("save a priced document as a template, edit it and its prices, make a new document from it")
    func documentTemplates() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument("""
                {"document_type": "pennylane_quote", "title": "Kitchen refit", "description": "Cabinets and worktop.",
                 "content": {"pricetables": [{"rows": [{"type": "price", "content": "Cabinets", "price": 4000}]}]}}
                """)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(page.contains("Save as template"))
            let unnamed = try await staff.post(api.client, "/documents/\(id)/save-as-template", ["name": ""])
            #expect(unnamed.status == .unprocessableContent)
            #expect(String(buffer: unnamed.body).contains("Name is required."))
            let saved = try await staff.post(api.client, "/documents/\(id)/save-as-template", ["name": "Kitchen"])
            let location = try #require(saved.headers[.location])
            #expect(location.hasPrefix("/document-templates/"), "\(saved.status) \(String(buffer: saved.body).prefix(300))")
            let template = String(location.dropFirst("/document-templates/".count).prefix { $0.isNumber })

            let shown = String(buffer: try await staff.get(api.client, location).body)
            #expect(shown.contains(#"value="Kitchen refit""#) && shown.contains("Cabinets") && shown.contains("€4,800.00"))
            let edited = try await staff.post(api.client, "/document-templates/\(template)", [
                "name": "Kitchen", "document_type": "pennylane_quote", "title": "Kitchen refit", "currency": "EUR",
                "custom_message": "Our offer for your kitchen.", "link_view": "on", "link_accept": "on",
            ])
            #expect(edited.status == .seeOther || edited.status == .found, "\(String(buffer: edited.body).prefix(400))")
            let prices = try await staff.post(api.client, "/document-templates/\(template)/prices", [
                "tables": "1", "t0_rows": "2", "t0_vat_default_percentage": "20",
                "t0r0_type": "price", "t0r0_content": "Cabinets", "t0r0_count": "1", "t0r0_price": "4000", "t0r0_userinput_optional_checked": "on",
                "t0r1_type": "price", "t0r1_content": "Fitting", "t0r1_count": "2", "t0r1_price": "350", "t0r1_userinput_optional_checked": "on",
                "intent": "save",
            ])
            #expect(prices.headers[.location] == "/document-templates/\(template)?done=prices", "\(String(buffer: prices.body).prefix(400))")

            let list = String(buffer: try await staff.get(api.client, "/documents").body)
            #expect(list.contains("New from template") && list.contains(">Kitchen</option>"))
            let made = try await staff.post(api.client, "/documents/from-template", ["template_id": template])
            let madeLocation = try #require(made.headers[.location])
            let newID = try #require(Int(madeLocation.dropFirst("/documents/".count).prefix { $0.isNumber }))
            let document = try await api.call(.get, "/api/v1/document-engagements/\(newID)").data
            #expect(document["title"] as? String == "Kitchen refit")
            #expect(document["custom_message"] as? String == "Our offer for your kitchen.")
            #expect(document["link_actions"] as? [String] == ["view", "accept"])
            #expect(document["total_amount"] as? Double == 5640, "4000 + 700 = 4700.00 + 940.00 VAT")
            let edit = String(buffer: try await staff.get(api.client, "/documents/\(newID)/edit").body)
            #expect(edit.contains("the price tables&#39; total") && !edit.contains(#"name="total_amount""#), "the amount is not typed")
        }
    }

    @Test("text templates: add (mistakes shown), insert into a new document's description without saving, edit, delete")
    func textTemplates() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let refused = try await staff.post(api.client, "/text-templates", ["name": "Terms", "body": ""])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Text is required."))
            #expect(try await staff.post(api.client, "/text-templates", ["name": "Terms", "body": "Payment within **30 days**."]).status == .seeOther)
            let id = try #require(try await api.call(.get, "/api/v1/text-templates").items.first?["id"] as? Int)

            let form = String(buffer: try await staff.get(api.client, "/documents/new").body)
            #expect(form.contains("Insert into the description"))
            let inserted = try await staff.post(api.client, "/documents", [
                "document_type": "custom", "title": "Maintenance", "description": "Yearly visit.", "currency": "EUR",
                "text_template_id": String(id), "intent": "insert_text",
            ])
            #expect(inserted.status == .ok)
            let insertedPage = String(buffer: inserted.body)
            #expect(insertedPage.contains("Yearly visit.\n\nPayment within **30 days**.</textarea>"), "added after what was typed")
            #expect(try await api.call(.get, "/api/v1/document-engagements").meta["total"] == 0, "nothing saved")
            let created = try await staff.post(api.client, "/documents", [
                "document_type": "custom", "title": "Maintenance", "description": "Yearly visit.\n\nPayment within **30 days**.", "currency": "EUR",
                "text_template_id": String(id),
            ])
            #expect(created.status == .seeOther || created.status == .found, "the picker's field is not the document's")

            #expect(try await staff.post(api.client, "/text-templates/\(id)", ["name": "Terms", "body": "Within 45 days."]).status == .seeOther)
            #expect(try await api.call(.get, "/api/v1/text-templates/\(id)").data["body"] as? String == "Within 45 days.")
            #expect(try await staff.post(api.client, "/text-templates/\(id)/delete", [:]).status == .seeOther)
        }
    }
}
