import Engage
import Foundation

/// The portal's price table editor as a form: its fields read into the API's `content`
/// (`{"pricetables": [...]}`), rows put in the order typed, removed ones left out, and the
/// editor's buttons (add a row, a product, a table) applied. Fields are `t0_title`, `t0r2_price`…
struct PriceTableForm {
    /// One table: its settings' fields and its rows' fields, by the API's names, as typed.
    struct Table {
        var fields: [String: String]
        var rows: [[String: String]]
    }

    var tables: [Table]

    static let tableFields = ["id", "title", "vat_default_percentage"]
    static let tableFlags = ["vat_hidden", "rows_include_vat"]
    static let rowFields = ["type", "content", "count", "price", "unit", "vat_percentage", "discount", "product_id", "sku"]
    static let rowFlags = ["userinput_optional", "userinput_optional_checked", "userinput_count"]
    /// The most a form may hold, as the API allows.
    static let maximumTables = 10
    static let maximumRows = 200

    init(tables: [Table]) {
        self.tables = tables
    }

    /// The tables a posted form holds, rows sorted by their `order` field, removed rows dropped.
    init(form: [String: String]) {
        let count = min(Int(form["tables"] ?? "") ?? 0, Self.maximumTables)
        tables = (0..<count).compactMap { t in
            guard form["t\(t)_remove"] == nil else { return nil }
            var fields: [String: String] = [:]
            for name in Self.tableFields { fields[name] = form["t\(t)_\(name)"] }
            for name in Self.tableFlags { fields[name] = form["t\(t)_\(name)"] == nil ? "off" : "on" }
            let rowCount = min(Int(form["t\(t)_rows"] ?? "") ?? 0, Self.maximumRows)
            let rows: [(order: Double, index: Int, fields: [String: String])] = (0..<rowCount).compactMap { r in
                let prefix = "t\(t)r\(r)_"
                guard form[prefix + "remove"] == nil else { return nil }
                var row: [String: String] = [:]
                for name in Self.rowFields { row[name] = form[prefix + name] }
                for name in Self.rowFlags { row[name] = form[prefix + name] == nil ? "off" : "on" }
                return (Double(form[prefix + "order"] ?? "") ?? Double(r + 1), r, row)
            }
            return Table(fields: fields, rows: rows.sorted { ($0.order, $0.index) < ($1.order, $1.index) }.map(\.fields))
        }
    }

    /// The tables as priced content shows them (what the server completed and normalized).
    init(_ content: PriceContent) {
        tables = content.pricing.tables.map { priced in
            let table = priced.table
            return Table(
                fields: [
                    "id": table.key, "title": table.title ?? "", "vat_default_percentage": "\(table.vatDefault)",
                    "vat_hidden": table.vatHidden ? "on" : "off", "rows_include_vat": table.rowsIncludeVAT ? "on" : "off",
                ],
                rows: table.rows.map { row in
                    [
                        "type": row.kind.rawValue, "content": row.content, "count": "\(row.count)", "price": Money.format(row.price),
                        "unit": row.unit ?? "", "vat_percentage": "\(row.vatPercentage)", "discount": "\(row.discount)",
                        "product_id": row.productID.map(String.init) ?? "", "sku": row.sku ?? "",
                        "userinput_optional": row.isOptional ? "on" : "off", "userinput_optional_checked": row.isChecked ? "on" : "off",
                        "userinput_count": row.countEditable ? "on" : "off",
                    ]
                })
        }
    }

    /// What an editor button asks for, besides saving or recalculating.
    enum Change: Equatable {
        case addRow(table: Int, type: String)
        case addProduct(table: Int, productID: Int64)
        case addTable
    }

    /// The change a button (`intent`) asks for, reading the product chosen beside it.
    static func change(intent: String, form: [String: String]) -> Change? {
        let parts = intent.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("add_table", 1): return .addTable
        case ("add_row", 3): return Int(parts[1]).map { .addRow(table: $0, type: parts[2]) }
        case ("add_product", 2):
            guard let t = Int(parts[1]), let id = form["t\(t)_product"].flatMap(Int64.init) else { return nil }
            return .addProduct(table: t, productID: id)
        default: return nil
        }
    }

    mutating func apply(_ change: Change) {
        switch change {
        case .addTable where tables.count < Self.maximumTables:
            tables.append(Table(fields: ["id": "", "title": "", "vat_default_percentage": "20", "vat_hidden": "off", "rows_include_vat": "off"], rows: []))
        case .addRow(let t, let type) where tables.indices.contains(t) && tables[t].rows.count < Self.maximumRows:
            var row = ["type": type, "userinput_optional_checked": "on"]
            if type == "price" { row["count"] = "1" }
            tables[t].rows.append(row)
        case .addProduct(let t, let id) where tables.indices.contains(t) && tables[t].rows.count < Self.maximumRows:
            tables[t].rows.append(["type": "price", "product_id": String(id), "count": "1", "userinput_optional_checked": "on"])
        default:
            break
        }
    }

    /// The fields that hold numbers, typed in the reader's language.
    static let numberFields: Set<String> = ["price", "count", "vat_percentage", "discount", "vat_default_percentage"]

    /// The API's `content`: blank fields left out, so that a row's product fills them.
    var content: JSONValue {
        func object(_ fields: [String: String]) -> [String: JSONValue] {
            PortalLocale.current.typedNumbers(fields, in: Self.numberFields)
                .filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }.mapValues(JSONValue.string)
        }
        return .object(["pricetables": .array(tables.map { table in
            var fields = object(table.fields)
            var settings: [String: JSONValue] = [:]
            for name in ["vat_default_percentage"] + Self.tableFlags { settings[name] = fields.removeValue(forKey: name) }
            fields["settings"] = .object(settings)
            fields["rows"] = .array(table.rows.map { .object(object($0)) })
            return .object(fields)
        })])
    }

    /// The form field a problem of `content` belongs to: `content.pricetables[0].rows[2].price` is `t0r2_price`.
    static func field(of path: String) -> String {
        var field = path.replacingOccurrences(of: "content.pricetables[", with: "t")
            .replacingOccurrences(of: "].rows[", with: "r").replacingOccurrences(of: "].settings.", with: "_")
            .replacingOccurrences(of: "].", with: "_")
        if field.hasSuffix("]") { field.removeLast() }
        return field
    }
}
