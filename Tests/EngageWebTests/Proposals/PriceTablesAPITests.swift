import Engage
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// Price tables on documents in the seed's shape (`content.pricetables`), the total computed by
/// the server, and the recipient's choices through their link: kept, priced, recorded when
/// accepting, final afterwards.
@Suite("Price tables API")
struct PriceTablesAPITests {
    private let path = "/api/v1/document-engagements"
    private static let json: HTTPFields = [.accept: "application/json", .contentType: "application/json"]

    /// A catalogue product at 10 % VAT, optional, sold by the day.
    private func product(_ api: APIHarness) async throws -> Int {
        let directory = try await api.call(.post, "/api/v1/product-directories", json: #"{"name": "Services"}"#).data["id"] as? Int ?? 0
        let vat10 = try await api.call(.get, "/api/v1/vat-groups").items.first { $0["vat"] as? Double == 10 }?["id"] as? Int ?? 0
        let created = try await api.call(.post, "/api/v1/products", json: """
            {"directory_id": \(directory), "sku": "TRAIN-1", "name": "Training day", "price": 800, "vat_id": \(vat10), "optional": true, "unit": "day"}
            """)
        return try #require(created.data["id"] as? Int)
    }

    /// The seed's example row, a catalogue row, a discount and a subtotal.
    private func content(product: Int) -> String {
        """
        {"pricetables": [{"id": "pricetable1", "title": "Website",
          "settings": {"vat_default_percentage": 20, "vat_hidden": false, "rows_include_vat": false},
          "rows": [
            {"type": "title", "content": "Design"},
            {"type": "price", "content": "<p>Product Awesome</p>", "count": 3, "price": 100, "vat_percentage": 21, "discount": 10,
             "userinput_optional": true, "userinput_optional_checked": true, "userinput_count": true},
            {"type": "price", "product_id": \(product), "count": 2, "userinput_count": true},
            {"type": "discount", "content": "Loyalty", "discount": 5},
            {"type": "subtotal", "content": "Design total"}
          ]}]}
        """
    }

    @Test("create in the seed's shape: rows from the catalogue, every amount and the total computed, total_amount following")
    func create() async throws {
        try await APIHarness.run { api in
            let product = try await product(api)
            let created = try await api.call(.post, path, json: #"{"document_type": "pennylane_quote", "title": "Website offer", "content": \#(content(product: product))}"#)
            #expect(created.status == .created, "\(created.text)")
            let content = try #require(created.data["content"] as? [String: Any])
            let table = try #require((content["pricetables"] as? [[String: Any]])?.first)
            let rows = try #require(table["rows"] as? [[String: Any]])
            // 3 × 100 − 10 % = 270.00 @21; 2 × 800 = 1600.00 @10 (from the product); −5 %: 13.50 and 80.00.
            #expect(rows.map { $0["subtotal"] as? Double } == [nil, 270, 1600, -93.5, 1776.5], "\(created.text)")
            #expect(rows[1]["content"] as? String == "Product Awesome", "HTML tags dropped: content is Markdown")
            #expect(rows[2]["content"] as? String == "Training day")
            #expect(rows[2]["vat_percentage"] as? Double == 10)
            #expect(rows[2]["sku"] as? String == "TRAIN-1")
            #expect(rows[2]["unit"] as? String == "day")
            #expect(rows[2]["userinput_optional"] as? Bool == true, "optional as the product is")
            // Bases 256.50 @21 and 1520.00 @10; VAT 53.865 → 53.87 and 152.00.
            let vat = try #require(table["vat"] as? [[String: Any]])
            #expect(vat.map { $0["percentage"] as? Double } == [21, 10])
            #expect(vat.map { $0["total"] as? Double } == [53.87, 152])
            #expect(vat.map { $0["group_name"] as? String } == ["VAT 21 %", "TVA 10 %"])
            #expect(table["subtotal"] as? Double == 1776.5)
            #expect(table["total"] as? Double == 1982.37)
            #expect(content["total"] as? Double == 1982.37)
            #expect(created.data["total_amount"] as? Double == 1982.37, "the document's total is the tables'")

            let id = try #require(created.data["id"] as? Int)
            let shown = try await api.call(.get, "\(path)/\(id)")
            #expect((shown.data["content"] as? [String: Any])?["total"] as? Double == 1982.37)
            let plain = try await api.call(.get, "\(path)/\(try await api.createDocument(#"{"document_type": "custom", "title": "No prices"}"#))")
            #expect((plain.data["content"] as? [String: Any])?["pricetables"] as? [Any] != nil)
            #expect((plain.data["content"] as? [String: Any])?["total"] == nil)
        }
    }

    @Test("every problem at once, under its path; total_amount refused beside tables; a missing product named")
    func refusals() async throws {
        try await APIHarness.run { api in
            let refused = try await api.call(.post, path, json: """
                {"document_type": "custom", "title": "Broken offer", "total_amount": 10,
                 "content": {"pricetables": [
                   {"id": "a b", "settings": {"vat_default_percentage": 120}, "rows": [
                     {"type": "price", "count": -1, "vat_percentage": "abc"},
                     {"type": "discount"},
                     {"type": "gift", "content": "x"},
                     {"type": "price", "product_id": 999999},
                     7]},
                   {"rows": [{"type": "title"}]}]}}
                """)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == [
                "total_amount", "content.pricetables[0].id", "content.pricetables[0].settings.vat_default_percentage",
                "content.pricetables[0].rows[0].count", "content.pricetables[0].rows[0].vat_percentage",
                "content.pricetables[0].rows[0].content", "content.pricetables[0].rows[0].price",
                "content.pricetables[0].rows[1].discount", "content.pricetables[0].rows[2].type", "content.pricetables[0].rows[3].product_id",
                "content.pricetables[0].rows[4]", "content.pricetables[1].rows[0].content",
            ], "\(refused.text)")
            let codes = Dictionary(refused.details.map { ($0["field"] as? String ?? "", $0["code"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(codes["content.pricetables[0].rows[0].vat_percentage"] == "VALIDATION_INVALID_FORMAT", "not a number")
            #expect(codes["content.pricetables[0].rows[0].count"] == "VALIDATION_OUT_OF_RANGE", "a number outside the range")
            let list = try await api.call(.get, path)
            #expect(list.meta["total"] == 0, "nothing was created")
        }
    }

    @Test("update replaces the tables (a shown document can be sent back as it is), removing them frees total_amount")
    func update() async throws {
        try await APIHarness.run { api in
            let product = try await product(api)
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website offer", "content": \#(content(product: product))}"#)
            let shown = try await api.call(.get, "\(path)/\(id)")
            let content = try #require(shown.data["content"])
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["content": content]), as: UTF8.self)
            let same = try await api.call(.put, "\(path)/\(id)", json: body)
            #expect(same.status == .ok, "\(same.text)")
            #expect(same.data["total_amount"] as? Double == 1982.37, "the shown tables sent back cost the same")

            let refused = try await api.call(.put, "\(path)/\(id)", json: #"{"total_amount": 5}"#)
            #expect(refused.errorFields == ["total_amount"])
            let vatIncluded = try await api.call(.put, "\(path)/\(id)", json: """
                {"content": {"pricetables": [{"settings": {"rows_include_vat": true}, "rows": [{"type": "price", "content": "Box", "price": 120}]}]}}
                """)
            #expect(vatIncluded.data["total_amount"] as? Double == 120, "\(vatIncluded.text)")
            let cleared = try await api.call(.put, "\(path)/\(id)", json: #"{"content": null, "total_amount": 42}"#)
            #expect(cleared.data["total_amount"] as? Double == 42, "\(cleared.text)")
            #expect(((cleared.data["content"] as? [String: Any])?["pricetables"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a recipient's page shows tables added after the link was made, and none once they are removed")
    func pageFollowsTables() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website offer"}"#)
            let link = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view"]}"#)
            let secret = try #require(link.data["token"] as? String)
            func shownTables() async throws -> [[String: Any]]? {
                let page = try await api.visit(.get, "/p/\(secret)", headers: Self.json)
                #expect(page.status == .ok, "\(page.text)")
                return (page.data["content"] as? [String: Any])?["pricetables"] as? [[String: Any]]
            }
            #expect(try await shownTables()?.isEmpty == true)
            let added = try await api.call(.put, "\(path)/\(id)", json: """
                {"content": {"pricetables": [{"title": "Website", "rows": [{"type": "price", "content": "Box", "price": 120}]}]}}
                """)
            #expect(added.status == .ok, "\(added.text)")
            #expect(try await shownTables()?.first?["title"] as? String == "Website", "the link's page asks again on every view")
            let removed = try await api.call(.put, "\(path)/\(id)", json: #"{"content": null, "total_amount": 42}"#)
            #expect(removed.status == .ok, "\(removed.text)")
            #expect(try await shownTables()?.isEmpty == true)
        }
    }

    @Test("a recipient unticks an option and changes a count (JSON and form); accepting records the configuration; then it is final")
    func recipientChoices() async throws {
        try await APIHarness.run { api in
            let product = try await product(api)
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Website offer", "content": \#(content(product: product))}"#)
            let link = try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view", "accept"]}"#)
            let secret = try #require(link.data["token"] as? String)
            let viewOnly = try #require(try await api.call(.post, "\(path)/\(id)/tokens", json: #"{"allowed_actions": ["view"]}"#).data["token"] as? String)
            let rows = try await api.call(.get, "\(path)/\(id)").data["content"].flatMap { ($0 as? [String: Any])?["pricetables"] as? [[String: Any]] }?
                .first?["rows"] as? [[String: Any]] ?? []
            let option = try #require(rows[1]["id"] as? Int), training = try #require(rows[2]["id"] as? Int)

            let chosen = try await api.visit(.post, "/p/\(secret)/choices", headers: Self.json, body: """
                {"choices": [{"row_id": \(option), "checked": false}, {"row_id": \(training), "count": 3}]}
                """)
            #expect(chosen.status == .ok, "\(chosen.text)")
            // 3 × 800 = 2400.00 @10, −5 % = 120.00: base 2280.00, VAT 228.00.
            #expect(chosen.data["total_amount"] as? Double == 2508, "\(chosen.text)")
            #expect(try await api.call(.get, "\(path)/\(id)").data["total_amount"] as? Double == 2508)

            let refused = try await api.visit(.post, "/p/\(secret)/choices", headers: Self.json, body: """
                {"choices": [{"row_id": \(rows[0]["id"] as? Int ?? 0), "checked": true}, {"row_id": \(training), "count": 1000000}, {"count": 1}]}
                """)
            #expect(refused.status == .badRequest)
            #expect(refused.errorFields == ["choices[1].count", "choices[2].row_id", "choices[0]"], "\(refused.text)")
            let notAllowed = try await api.visit(.post, "/p/\(viewOnly)/choices", headers: Self.json, body: #"{"choices": []}"#)
            #expect(notAllowed.status == .forbidden, "a link that cannot accept cannot choose")

            // The form without JavaScript: the option ticked again (its box sent), two days.
            let form = try await api.visit(.post, "/p/\(secret)/choices", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "lang=en&optional_rows=\(option)&count_rows=\(training)&row_\(option)=on&count_\(training)=2")
            #expect(form.status == .ok, "\(form.text)")
            #expect(form.text.contains("Your choices are saved"))
            #expect(form.text.contains("Press “Update the total” first."), "without a script, accepting agrees to the total last updated")
            #expect(form.text.contains("€1,982.37"), "back to 270.00 @21 and 1600.00 @10, −5 %: 256.50 + 53.87 + 1520.00 + 152.00")

            let accepted = try await api.visit(.post, "/p/\(secret)/accept", headers: Self.json, body: "{}")
            #expect(accepted.status == .ok, "\(accepted.text)")
            let events = try await api.call(.get, "\(path)/\(id)/events?event_type=accepted")
            let details = try #require(events.items.first?["details"] as? [String: Any])
            let pricing = try #require(details["pricing"] as? [String: Any])
            #expect(pricing["total"] as? Double == 1982.37)
            #expect(pricing["currency"] as? String == "EUR")
            let agreed = (pricing["pricetables"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]] ?? []
            #expect(agreed.map { $0["count"] as? Double } == [3, 2, nil])
            #expect(agreed.map { $0["included"] as? Bool } == [true, true, nil])

            let late = try await api.visit(.post, "/p/\(secret)/choices", headers: Self.json, body: #"{"choices": [{"row_id": \#(training), "count": 9}]}"#)
            #expect(late.status == .badRequest)
            #expect(late.errorCode == "DOCUMENT_ALREADY_ACCEPTED")
            let frozen = try await api.call(.put, "\(path)/\(id)", json: #"{"content": null}"#)
            #expect(frozen.status == .conflict)
            #expect(frozen.errorCode == "PRICES_FROZEN")
            #expect(try await api.call(.get, "\(path)/\(id)").data["total_amount"] as? Double == 1982.37)
        }
    }
}
