import Engage
import Foundation
import TestSupport
import Testing

/// VAT groups, product directories and products over the API: France's rates out of the box,
/// admins alone changing them, every problem told at once, and nothing deleted that is in use.
@Suite("Catalogue API")
struct CatalogueAPITests {
    @Test("VAT groups: France's four rates to start, admins add and change them, a rate in use stays")
    func vatGroups() async throws {
        try await APIHarness.run { api in
            let listed = try await api.call(.get, "/api/v1/vat-groups", as: .viewer)
            #expect(listed.status == .ok)
            #expect(listed.items.compactMap { $0["vat"] as? Double } == [20, 10, 5.5, 2.1], "\(listed.text)")
            #expect(listed.items.first?["name"] as? String == "TVA 20 %")
            #expect(listed.meta["total"] == 4)

            #expect(try await api.call(.post, "/api/v1/vat-groups", json: #"{"name": "Zéro", "vat": 0}"#).status == .forbidden, "staff may not")
            let refused = try await api.call(.post, "/api/v1/vat-groups", as: .admin, json: #"{"vat": 120.5, "colour": "red"}"#)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == ["name", "vat", "colour"], "\(refused.text)")
            let taken = try await api.call(.post, "/api/v1/vat-groups", as: .admin, json: #"{"name": "TVA 20 %", "vat": 20}"#)
            #expect(taken.errorFields == ["name"])
            let created = try await api.call(.post, "/api/v1/vat-groups", as: .admin, json: #"{"name": "Exonéré", "vat": "0", "label": "Art. 261"}"#)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.data["id"] as? Int)
            let changed = try await api.call(.put, "/api/v1/vat-groups/\(id)", as: .admin, json: #"{"label": null}"#)
            #expect(changed.data["label"] is NSNull)
            #expect(changed.data["name"] as? String == "Exonéré", "fields left out keep their value")

            let directory = try await api.call(.post, "/api/v1/product-directories", json: #"{"name": "Services"}"#)
            let product = try await api.call(.post, "/api/v1/products", json: """
                {"directory_id": \(directory.data["id"] as? Int ?? 0), "name": "Audit", "price": "900", "vat_id": \(id)}
                """)
            #expect(product.status == .created, "\(product.text)")
            let inUse = try await api.call(.delete, "/api/v1/vat-groups/\(id)", as: .admin)
            #expect(inUse.status == .conflict)
            #expect(inUse.errorCode == "RESOURCE_IN_USE")
            #expect(try await api.call(.delete, "/api/v1/products/\(product.data["id"] as? Int ?? 0)").status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/vat-groups/\(id)", as: .admin).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/vat-groups/\(id)").status == .notFound)
        }
    }

    @Test("directories and products: create, search, a page per directory, change, and a directory deleted only once empty")
    func products() async throws {
        try await APIHarness.run { api in
            let services = try #require(try await api.call(.post, "/api/v1/product-directories", json: #"{"name": "Services"}"#).data["id"] as? Int)
            let hardware = try #require(try await api.call(.post, "/api/v1/product-directories", json: #"{"name": "Hardware"}"#).data["id"] as? Int)
            #expect(try await api.call(.post, "/api/v1/product-directories", json: #"{"name": "Services"}"#).errorFields == ["name"])
            let vat10 = try await api.call(.get, "/api/v1/vat-groups").items.first { $0["vat"] as? Double == 10 }?["id"] as? Int

            // The seed's shape: price as text, optional as text.
            let created = try await api.call(.post, "/api/v1/products", json: """
                {"directory_id": \(services), "sku": "WEB-01", "name": "Website design", "price": "1000", "vat_id": \(vat10 ?? 0),
                 "optional": "true", "descr_short": "**Responsive** pages", "unit": "day"}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.data["price"] as? Double == 1000)
            #expect(created.data["vat_percentage"] as? Double == 10)
            #expect(created.data["optional"] as? Bool == true)
            #expect(created.headers[.location]?.hasSuffix("/api/v1/products/\(created.data["id"] as? Int ?? 0)") == true)
            for index in 1...3 {
                _ = try await api.call(.post, "/api/v1/products", json: #"{"directory_id": \#(hardware), "name": "Screen \#(index)", "price": 150.5}"#)
            }

            let refused = try await api.call(.post, "/api/v1/products", json: #"{"directory_id": 999999, "sku": "WEB-01", "price": -3, "vat_id": 999999}"#)
            #expect(Set(refused.errorFields) == ["directory_id", "name", "price", "vat_id"], "\(refused.text)")
            let duplicate = try await api.call(.post, "/api/v1/products", json: #"{"directory_id": \#(services), "sku": "WEB-01", "name": "Copy", "price": 1}"#)
            #expect(duplicate.errorFields == ["sku"])
            #expect(try await api.call(.post, "/api/v1/products", as: .viewer, json: #"{"directory_id": \#(services), "name": "V", "price": 1}"#).status == .forbidden)

            let page = try await api.call(.get, "/api/v1/products?directory_id=\(hardware)&per_page=2")
            #expect(page.items.compactMap { $0["name"] as? String } == ["Screen 1", "Screen 2"])
            #expect(page.meta["total"] == 3)
            #expect((page.links["next"] as? String)?.contains("directory_id=\(hardware)") == true)
            let found = try await api.call(.get, "/api/v1/products?search=web-0")
            #expect(found.items.compactMap { $0["name"] as? String } == ["Website design"], "by part of the SKU")
            #expect(try await api.call(.get, "/api/v1/products?directory_id=abc").status == .badRequest)

            let id = try #require(created.data["id"] as? Int)
            let moved = try await api.call(.put, "/api/v1/products/\(id)", json: #"{"directory_id": \#(hardware), "price": 1200.25, "sku": null}"#)
            #expect(moved.data["directory_id"] as? Int == hardware, "\(moved.text)")
            #expect(moved.data["sku"] is NSNull)
            #expect(moved.data["name"] as? String == "Website design")
            #expect(try await api.call(.put, "/api/v1/products/\(id)", json: #"{"price": "1.234"}"#).errorFields == ["price"])

            #expect(try await api.call(.get, "/api/v1/product-directories/\(hardware)").data["product_count"] as? Int == 4)
            let notEmpty = try await api.call(.delete, "/api/v1/product-directories/\(hardware)")
            #expect(notEmpty.status == .conflict)
            #expect(notEmpty.errorCode == "RESOURCE_IN_USE")
            #expect(try await api.call(.delete, "/api/v1/product-directories/\(services)").status == .noContent, "empty now")
            let renamed = try await api.call(.put, "/api/v1/product-directories/\(hardware)", json: #"{"name": "Hardware & screens"}"#)
            #expect(renamed.data["name"] as? String == "Hardware & screens")
        }
    }
}
