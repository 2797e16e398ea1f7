import Foundation

/// SQL for `vat_groups`, `product_directories` and `products`.
struct CatalogueRepository {
    let connection: SQLConnection

    /// What a product is made of when it is added or changed.
    struct ProductFields: Sendable {
        var directoryID: Int64
        var sku: String?
        var name: String
        var shortDescription: String?
        var price: Decimal
        var vatGroupID: Int64?
        var isOptional: Bool
        var unit: String?
    }

    // MARK: VAT groups

    /// Every VAT group, highest rate first.
    func vatGroups() async throws -> [VATGroup] {
        try await connection.query("SELECT id, name, percentage, label FROM vat_groups ORDER BY percentage DESC, id").map(Self.vatGroup)
    }

    func vatGroup(id: Int64) async throws -> VATGroup? {
        try await connection.queryFirst("SELECT id, name, percentage, label FROM vat_groups WHERE id = ?", [id]).map(Self.vatGroup)
    }

    /// The new group's id; nil when the name is taken.
    func insertVATGroup(name: String, percentage: Decimal, label: String?) async throws -> Int64? {
        let now = Date()
        return try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "INSERT INTO vat_groups (name, percentage, label, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                [name, percentage, label, now, now] as [any SQLBindable]
            ).lastInsertID
        }
    }

    /// False when the name is taken.
    func updateVATGroup(id: Int64, name: String, percentage: Decimal, label: String?) async throws -> Bool {
        try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "UPDATE vat_groups SET name = ?, percentage = ?, label = ?, updated_at = ? WHERE id = ?",
                [name, percentage, label, Date(), id] as [any SQLBindable])
            return true
        } ?? false
    }

    func deleteVATGroup(id: Int64) async throws {
        try await connection.execute("DELETE FROM vat_groups WHERE id = ?", [id])
    }

    // MARK: Directories

    private static let directoryColumns = "d.id, d.name, (SELECT COUNT(*) FROM products p WHERE p.directory_id = d.id) AS product_count"

    /// Every directory by name.
    func directories() async throws -> [ProductDirectory] {
        try await connection.query("SELECT \(Self.directoryColumns) FROM product_directories d ORDER BY d.name, d.id").map(Self.directory)
    }

    func directory(id: Int64) async throws -> ProductDirectory? {
        try await connection.queryFirst("SELECT \(Self.directoryColumns) FROM product_directories d WHERE d.id = ?", [id]).map(Self.directory)
    }

    /// The new directory's id; nil when the name is taken.
    func insertDirectory(name: String) async throws -> Int64? {
        let now = Date()
        return try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "INSERT INTO product_directories (name, created_at, updated_at) VALUES (?, ?, ?)", [name, now, now] as [any SQLBindable]
            ).lastInsertID
        }
    }

    /// False when the name is taken.
    func renameDirectory(id: Int64, name: String) async throws -> Bool {
        try await SQLFailure.unlessDuplicate {
            try await connection.execute(
                "UPDATE product_directories SET name = ?, updated_at = ? WHERE id = ?", [name, Date(), id] as [any SQLBindable])
            return true
        } ?? false
    }

    func deleteDirectory(id: Int64) async throws {
        try await connection.execute("DELETE FROM product_directories WHERE id = ?", [id])
    }

    // MARK: Products

    private static let productColumns = """
        p.id, p.directory_id, p.sku, p.name, p.descr_short, p.price, p.vat_group_id, v.percentage AS vat_percentage, p.optional,
        p.unit, p.created_at, p.updated_at
        """
    private static let productFrom = "FROM products p LEFT JOIN vat_groups v ON v.id = p.vat_group_id"

    /// A page of products by name, in one directory or all, narrowed by a part of their name or SKU.
    func products(directoryID: Int64?, search: String?, page: PageRequest) async throws -> (items: [Product], total: Int) {
        var clauses: [String] = []
        var binds: [any SQLBindable] = []
        if let directoryID {
            clauses.append("p.directory_id = ?")
            binds.append(directoryID)
        }
        if let search {
            clauses.append("(p.name LIKE ? OR p.sku LIKE ?)")
            binds += [SearchText.containsPattern(search), SearchText.containsPattern(search)]
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let items = try await connection.query(
            "SELECT \(Self.productColumns) \(Self.productFrom) \(filter) ORDER BY p.name, p.id LIMIT ? OFFSET ?",
            binds + [page.perPage, page.offset]
        ).map(Self.product)
        let total: Int = try await connection.queryFirst("SELECT COUNT(*) AS total FROM products p \(filter)", binds)?.decode("total") ?? 0
        return (items, total)
    }

    func product(id: Int64) async throws -> Product? {
        try await connection.queryFirst("SELECT \(Self.productColumns) \(Self.productFrom) WHERE p.id = ?", [id]).map(Self.product)
    }

    /// The products of `ids` that exist, by id.
    func products(ids: [Int64]) async throws -> [Int64: Product] {
        guard !ids.isEmpty else { return [:] }
        let found = try await connection.query(
            "SELECT \(Self.productColumns) \(Self.productFrom) WHERE p.id IN (\(SQLList.placeholders(ids.count)))", ids
        ).map(Self.product)
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The new product's id; nil when the SKU is taken.
    func insertProduct(_ fields: ProductFields) async throws -> Int64? {
        let now = Date()
        return try await SQLFailure.unlessDuplicate {
            try await connection.execute("""
                INSERT INTO products (directory_id, sku, name, descr_short, price, vat_group_id, optional, unit, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, Self.binds(fields) + [now, now]).lastInsertID
        }
    }

    /// False when the SKU is taken.
    func updateProduct(id: Int64, _ fields: ProductFields) async throws -> Bool {
        try await SQLFailure.unlessDuplicate {
            try await connection.execute("""
                UPDATE products SET directory_id = ?, sku = ?, name = ?, descr_short = ?, price = ?, vat_group_id = ?, optional = ?,
                    unit = ?, updated_at = ?
                WHERE id = ?
                """, Self.binds(fields) + [Date(), id])
            return true
        } ?? false
    }

    func deleteProduct(id: Int64) async throws {
        try await connection.execute("DELETE FROM products WHERE id = ?", [id])
    }

    /// How many products use the VAT group.
    func productCount(vatGroupID: Int64) async throws -> Int {
        try await connection.queryFirst("SELECT COUNT(*) AS total FROM products WHERE vat_group_id = ?", [vatGroupID])?.decode("total") ?? 0
    }

    private static func binds(_ fields: ProductFields) -> [any SQLBindable] {
        [fields.directoryID, fields.sku, fields.name, fields.shortDescription, fields.price, fields.vatGroupID, fields.isOptional, fields.unit]
    }

    private static func vatGroup(_ row: SQLRow) throws -> VATGroup {
        VATGroup(id: try row.decode("id"), name: try row.decode("name"), percentage: try row.decode("percentage"), label: try row.decode("label"))
    }

    private static func directory(_ row: SQLRow) throws -> ProductDirectory {
        ProductDirectory(id: try row.decode("id"), name: try row.decode("name"), productCount: try row.decode("product_count"))
    }

    private static func product(_ row: SQLRow) throws -> Product {
        Product(
            id: try row.decode("id"), directoryID: try row.decode("directory_id"), sku: try row.decode("sku"), name: try row.decode("name"),
            shortDescription: try row.decode("descr_short"), price: try row.decode("price"), vatGroupID: try row.decode("vat_group_id"),
            vatPercentage: try row.decode("vat_percentage"), isOptional: try row.decode("optional"), unit: try row.decode("unit"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
