import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The catalogue's pages: directories and products for staff, VAT groups for admins; the same
/// services as the API, every mistake shown beside its field.
@Suite("Portal catalogue")
struct CataloguePortalTests {
    @Test("directories and products: add (mistakes shown, typed values kept), list and filter, edit (an option unticked), delete")
    func products() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let empty = String(buffer: try await staff.get(api.client, "/catalogue").body)
            #expect(empty.contains("No directory yet"))
            #expect(!empty.contains("/catalogue/vat-groups"), "VAT groups are for admins")
            let added = try await staff.post(api.client, "/catalogue/directories", ["name": "Services"])
            #expect(added.status == .seeOther || added.status == .found)
            let twice = try await staff.post(api.client, "/catalogue/directories", ["name": "Services"])
            #expect(twice.status == .unprocessableContent)
            #expect(String(buffer: twice.body).contains("A directory with this name exists already."))
            let directory = try #require(try await api.call(.get, "/api/v1/product-directories").items.first?["id"] as? Int)

            let refused = try await staff.post(api.client, "/catalogue/products", ["directory_id": "", "name": "Audit", "price": "12.345"])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.contains("Directory is required.") && refusedPage.contains("Price must have at most 2 decimals."))
            #expect(refusedPage.contains(#"value="Audit""#))
            let created = try await staff.post(api.client, "/catalogue/products", [
                "directory_id": String(directory), "name": "Audit", "sku": "AUD-1", "price": "900", "unit": "day", "optional": "on",
            ])
            #expect(created.status == .seeOther || created.status == .found)
            let product = try #require(try await api.call(.get, "/api/v1/products").items.first)
            #expect(product["optional"] as? Bool == true)
            let id = try #require(product["id"] as? Int)

            let list = String(buffer: try await staff.get(api.client, "/catalogue?directory_id=\(directory)&search=aud").body)
            #expect(list.contains(">Audit</a>") && list.contains("900.00"))
            #expect(String(buffer: try await staff.get(api.client, "/catalogue?search=zzz").body).contains("No product matches."))

            let edited = try await staff.post(api.client, "/catalogue/products/\(id)", [
                "directory_id": String(directory), "name": "Audit day", "sku": "", "price": "950", "unit": "day",
            ])
            #expect(edited.status == .seeOther || edited.status == .found)
            let after = try await api.call(.get, "/api/v1/products/\(id)").data
            #expect(after["optional"] as? Bool == false, "an unticked box is no")
            #expect(after["sku"] is NSNull)
            #expect(after["name"] as? String == "Audit day")

            let busy = try await staff.post(api.client, "/catalogue/directories/\(directory)/delete", [:])
            #expect(busy.status == .conflict, "a directory with products stays")
            #expect(try await staff.post(api.client, "/catalogue/products/\(id)/delete", [:]).status == .seeOther)
            #expect(try await staff.post(api.client, "/catalogue/directories/\(directory)/delete", [:]).status == .seeOther)
        }
    }

    @Test("VAT groups: admins only; add (mistakes shown), change, delete")
    func vatGroups() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            #expect(try await staff.get(api.client, "/catalogue/vat-groups").status == .forbidden)
            var admin = try await Browser.signedIn(api.client, email: "admin@example.com", password: APIHarness.password)
            let page = String(buffer: try await admin.get(api.client, "/catalogue/vat-groups").body)
            #expect(page.contains(#"value="TVA 5,5 %""#))
            let refused = try await admin.post(api.client, "/catalogue/vat-groups", ["name": "", "vat": "101"])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Name is required.") && String(buffer: refused.body).contains("VAT rate must be a number from 0 to 100"))
            #expect(try await admin.post(api.client, "/catalogue/vat-groups", ["name": "Exonéré", "vat": "0", "label": "Art. 261"]).status == .seeOther)
            let group = try #require(try await api.call(.get, "/api/v1/vat-groups").items.first { $0["name"] as? String == "Exonéré" }?["id"] as? Int)
            #expect(try await admin.post(api.client, "/catalogue/vat-groups/\(group)", ["name": "Exonéré", "vat": "0", "label": ""]).status == .seeOther)
            #expect(try await api.call(.get, "/api/v1/vat-groups/\(group)").data["label"] is NSNull)
            #expect(try await admin.post(api.client, "/catalogue/vat-groups/\(group)/delete", [:]).status == .seeOther)
        }
    }
}
