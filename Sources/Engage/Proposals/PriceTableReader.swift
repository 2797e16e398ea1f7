import Foundation

/// A price table as a request gave it, its rows still to be completed from the products they name.
struct PriceTableDraft: Sendable {
    var table: PriceTable
    /// Per row: where the request gave it, and which of its fields it gave.
    var rows: [(path: String, given: Set<String>)]
}

extension InputReader {
    static let maximumPriceTables = 10
    static let maximumPriceRows = 200
    /// A table's fields; `subtotal`, `total` and `vat` are computed, accepted back and ignored.
    static let priceTableFields: Set<String> = ["id", "title", "settings", "rows", "subtotal", "total", "vat"]
    static let priceTableSettings: Set<String> = ["vat_default_percentage", "vat_hidden", "rows_include_vat"]
    /// A row's fields; `id`, `subtotal` and `included` are the server's, accepted back and ignored.
    static let priceRowFields: Set<String> = [
        "id", "type", "content", "count", "price", "unit", "vat_percentage", "discount", "product_id", "sku",
        "userinput_optional", "userinput_optional_checked", "userinput_count", "subtotal", "included",
    ]

    /// `content` in the seed's shape, `{"pricetables": [...]}`: absent leaves the tables alone;
    /// null, or no tables, removes them. Problems are reported under their path
    /// (`content.pricetables[0].rows[2].price`).
    mutating func priceTables(_ field: String = "content") -> Provided<[PriceTableDraft]> {
        guard let value = value(field) else { return .absent }
        let list: [JSONValue]
        switch value {
        case .null:
            return .value([])
        case .object(let content):
            // The sums a shown document carries beside its tables are the server's: sent back, they are ignored.
            for key in content.keys.sorted() where !["pricetables", "subtotal", "vat", "vat_total", "total"].contains(key) {
                report("\(field).\(key)", .unknownField, "\(key) is not a field of content; price tables go in content.pricetables.")
            }
            switch content["pricetables"] {
            case nil, .null?: list = []
            case .array(let tables)?: list = tables
            case let other?:
                report("\(field).pricetables", .invalidFormat, "Price tables must be a list, not \(other.typeName).")
                return .absent
            }
        default:
            report(field, .invalidFormat, "Content must be an object such as {\"pricetables\": [...]}, not \(value.typeName).")
            return .absent
        }
        if list.count > Self.maximumPriceTables {
            report("\(field).pricetables", .tooLong, "A document has at most \(Self.maximumPriceTables) price tables.")
            return .absent
        }
        var drafts: [PriceTableDraft] = []
        for (index, item) in list.enumerated() {
            let path = "\(field).pricetables[\(index)]"
            guard case .object(let object) = item else {
                report(path, .invalidFormat, "A price table must be an object, not \(item.typeName).")
                continue
            }
            if let draft = priceTable(object, at: path, position: index) { drafts.append(draft) }
        }
        var keys = Set<String>()
        for (index, draft) in drafts.enumerated() where !keys.insert(draft.table.key).inserted {
            report("\(field).pricetables[\(index)].id", .duplicate, "Another price table of this document is named \(draft.table.key).")
        }
        return .value(drafts)
    }

    private mutating func priceTable(_ object: [String: JSONValue], at path: String, position: Int) -> PriceTableDraft? {
        var reader = InputReader(Input(object, isForm: isForm), allowed: Self.priceTableFields)
        let key = reader.text("id", label: "Table id", max: 64)
        if let key = key.value, !key.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) {
            reader.report("id", .invalidFormat, "Table id may hold only letters, digits, - and _.")
        }
        let title = reader.text("title", label: "Title", max: 255)
        var table = PriceTable(key: key.value ?? "pricetable\(position + 1)", title: title.value, rows: [])
        switch reader.value("settings") {
        case nil, .null?: break
        case .object(let settings)?:
            var settingsReader = InputReader(Input(settings, isForm: isForm), allowed: Self.priceTableSettings)
            table.vatDefault = settingsReader.decimal("vat_default_percentage", label: "Default VAT rate", in: 0...100, decimals: 2).value ?? table.vatDefault
            table.vatHidden = settingsReader.flag("vat_hidden", label: "VAT hidden")
            table.rowsIncludeVAT = settingsReader.flag("rows_include_vat", label: "Rows include VAT")
            reader.adopt(settingsReader, at: "settings")
        case let other?:
            reader.report("settings", .invalidFormat, "Settings must be an object, not \(other.typeName).")
        }
        var rows: [(path: String, given: Set<String>)] = []
        switch reader.value("rows") {
        case nil, .null?: break
        case .array(let items)? where items.count > Self.maximumPriceRows:
            reader.report("rows", .tooLong, "A price table has at most \(Self.maximumPriceRows) rows.")
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard case .object(let object) = item else {
                    reader.report("rows[\(index)]", .invalidFormat, "A row must be an object, not \(item.typeName).")
                    continue
                }
                let row = reader.priceRow(object, at: "rows[\(index)]", vatDefault: table.vatDefault)
                table.rows.append(row.row)
                rows.append(("\(path).rows[\(index)]", row.given))
            }
        case let other?:
            reader.report("rows", .invalidFormat, "Rows must be a list, not \(other.typeName).")
        }
        adopt(reader, at: path)
        return PriceTableDraft(table: table, rows: rows)
    }

    private mutating func priceRow(_ object: [String: JSONValue], at path: String, vatDefault: Decimal) -> (row: PriceRow, given: Set<String>) {
        var reader = InputReader(Input(object, isForm: isForm), allowed: Self.priceRowFields)
        let kind = reader.choice("type", label: "Row type", as: PriceRow.Kind.self, required: true).value ?? .title
        let content = reader.text("content", label: "Content", max: 5_000).value.map(Self.withoutTags)
        var row = PriceRow(kind: kind, content: content ?? "", vatPercentage: vatDefault)
        row.count = reader.decimal("count", label: "Count", in: 0...1_000_000, decimals: 3).value ?? 1
        row.price = reader.money("price", label: "Price").value ?? 0
        row.unit = reader.text("unit", label: "Unit", max: 32).value
        row.vatPercentage = reader.decimal("vat_percentage", label: "VAT rate", in: 0...100, decimals: 2).value ?? vatDefault
        row.discount = reader.decimal("discount", label: "Discount", in: 0...100, decimals: 2).value ?? 0
        row.productID = reader.id("product_id", label: "Product").value
        row.sku = reader.text("sku", label: "SKU", max: 64).value
        row.isOptional = reader.flag("userinput_optional", label: "Optional")
        row.isChecked = reader.contains("userinput_optional_checked") ? reader.flag("userinput_optional_checked", label: "Ticked") : true
        row.countEditable = reader.flag("userinput_count", label: "Count editable")
        if kind == .discount, !reader.contains("discount"), !reader.hasProblem("discount") {
            reader.report("discount", .required, "A discount row needs its discount percentage.")
        }
        if kind == .title, content == nil, !reader.hasProblem("content") {
            reader.report("content", .required, "A title row needs its content.")
        }
        let given = Set(object.filter { $0.value != .null }.keys)
        adopt(reader, at: path)
        return (row, given)
    }

    /// Completes rows from the products they name (what a row gave stays), then asks of price
    /// rows without a product what a product would have given: content and price.
    mutating func complete(_ drafts: inout [PriceTableDraft], products: [Int64: Product]) {
        for t in drafts.indices {
            for r in drafts[t].table.rows.indices {
                let (path, given) = drafts[t].rows[r]
                var row = drafts[t].table.rows[r]
                guard row.kind == .price else { continue }
                if let id = row.productID {
                    guard let product = products[id] else {
                        report("\(path).product_id", .notFound, "Product \(id) does not exist.")
                        continue
                    }
                    if !given.contains("content") { row.content = product.name }
                    if !given.contains("price") { row.price = product.price }
                    if !given.contains("vat_percentage") { row.vatPercentage = product.vatPercentage ?? drafts[t].table.vatDefault }
                    if !given.contains("sku") { row.sku = product.sku }
                    if !given.contains("unit") { row.unit = product.unit }
                    if !given.contains("userinput_optional") { row.isOptional = product.isOptional }
                    drafts[t].table.rows[r] = row
                } else {
                    if row.content.isEmpty, !hasProblem("\(path).content") { report("\(path).content", .required, "A price row needs its content (or a product_id).") }
                    if !given.contains("price"), !hasProblem("\(path).price") { report("\(path).price", .required, "A price row needs its price (or a product_id).") }
                }
            }
        }
    }

    /// Text without HTML tags: the seed writes `<p>Product Awesome</p>`; content is Markdown here.
    private static func withoutTags(_ text: String) -> String {
        text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression).trimmingWhitespace()
    }
}
