import Foundation

/// SQL for `price_tables` and `price_rows`: a document's or a template's tables, replaced as a whole.
struct PriceTableRepository {
    let connection: SQLConnection

    /// Whose tables they are.
    enum Owner: Sendable {
        case document(Int64)
        case template(Int64)

        var column: String {
            switch self {
            case .document: "document_id"
            case .template: "template_id"
            }
        }

        var id: Int64 {
            switch self {
            case .document(let id), .template(let id): id
            }
        }
    }

    /// The owner's tables in order, each with its rows in order. Two queries, each read in its
    /// index's order: one joined query sorted across both tables needs an on-disk temporary table
    /// (rows hold TEXT), a file created and deleted on every recipient page.
    func tables(of owner: Owner) async throws -> [PriceTable] {
        let found = try await connection.query("""
            SELECT id, table_key, title, vat_default_percentage, vat_hidden, rows_include_vat
            FROM price_tables WHERE \(owner.column) = ? ORDER BY position
            """, [owner.id])
        guard !found.isEmpty else { return [] }
        var tables: [PriceTable] = []
        var index: [Int64: Int] = [:]
        for row in found {
            index[try row.decode("id")] = tables.count
            tables.append(PriceTable(
                key: try row.decode("table_key"), title: try row.decode("title"), vatDefault: try row.decode("vat_default_percentage"),
                vatHidden: try row.decode("vat_hidden"), rowsIncludeVAT: try row.decode("rows_include_vat"), rows: []))
        }
        let ids = Array(index.keys)
        let rows = try await connection.query("""
            SELECT id, price_table_id, row_type, content, count, price, unit, vat_percentage, discount, product_id, sku,
                userinput_optional, userinput_optional_checked, userinput_count
            FROM price_rows WHERE price_table_id IN (\(SQLList.placeholders(ids.count))) ORDER BY price_table_id, position
            """, ids)
        for row in rows {
            guard let table = index[try row.decode("price_table_id")] else { continue }
            tables[table].rows.append(PriceRow(
                id: try row.decode("id"), kind: PriceRow.Kind(rawValue: try row.decode("row_type")) ?? .title, content: try row.decode("content"),
                count: try row.decode("count"), price: try row.decode("price"), unit: try row.decode("unit"),
                vatPercentage: try row.decode("vat_percentage"), discount: try row.decode("discount"), productID: try row.decode("product_id"),
                sku: try row.decode("sku"), isOptional: try row.decode("userinput_optional"),
                isChecked: try row.decode("userinput_optional_checked"), countEditable: try row.decode("userinput_count")))
        }
        return tables
    }

    /// True when the owner has a price table.
    func exist(for owner: Owner) async throws -> Bool {
        try await connection.queryFirst("SELECT 1 AS one FROM price_tables WHERE \(owner.column) = ? LIMIT 1", [owner.id]) != nil
    }

    /// Puts `tables` in place of the owner's (rows get new ids).
    func replace(_ tables: [PriceTable], of owner: Owner) async throws {
        try await connection.execute("DELETE FROM price_tables WHERE \(owner.column) = ?", [owner.id])
        for (position, table) in tables.enumerated() {
            let tableID = try await connection.execute("""
                INSERT INTO price_tables (\(owner.column), position, table_key, title, vat_default_percentage, vat_hidden, rows_include_vat)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [owner.id, position, table.key, table.title, table.vatDefault, table.vatHidden, table.rowsIncludeVAT] as [any SQLBindable]
            ).lastInsertID
            guard !table.rows.isEmpty else { continue }
            let values = Array(repeating: "(\(SQLList.placeholders(14)))", count: table.rows.count).joined(separator: ", ")
            try await connection.execute("""
                INSERT INTO price_rows (price_table_id, position, row_type, content, count, price, unit, vat_percentage, discount, product_id,
                    sku, userinput_optional, userinput_optional_checked, userinput_count)
                VALUES \(values)
                """, table.rows.enumerated().flatMap { position, row -> [any SQLBindable] in
                    [tableID, position, row.kind.rawValue, row.content, row.count, row.price, row.unit, row.vatPercentage, row.discount,
                     row.productID, row.sku, row.isOptional, row.isChecked, row.countEditable]
                })
        }
    }

    /// Stores what a recipient chose on `rows` (ticked, count).
    func saveChoices(_ rows: [PriceRow]) async throws {
        for row in rows {
            guard let id = row.id else { continue }
            try await connection.execute(
                "UPDATE price_rows SET userinput_optional_checked = ?, count = ? WHERE id = ?", [row.isChecked, row.count, id] as [any SQLBindable])
        }
    }
}
