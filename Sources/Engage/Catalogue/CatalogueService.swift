import Foundation

/// The product catalogue and the VAT groups: products in directories, ready for price tables.
/// Staff who write may change products and directories; only admins change VAT groups.
public struct CatalogueService: Sendable {
    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let vatGroupFields: Set<String> = ["name", "vat", "label"]
    static let productFields: Set<String> = ["directory_id", "sku", "name", "descr_short", "price", "vat_id", "optional", "unit"]

    // MARK: VAT groups

    /// Every VAT group, highest rate first.
    public func vatGroups() async throws -> [VATGroup] {
        try await database.read { try await $0.catalogue.vatGroups() }
    }

    public func vatGroup(id: Int64) async throws -> VATGroup {
        try await database.read { try await Self.existingVATGroup(id, $0.catalogue) }
    }

    /// Adds a VAT group: a unique name and a rate from 0 to 100 %.
    public func createVATGroup(_ input: Input, by actor: Actor) async throws -> VATGroup {
        try actor.requireAdmin()
        let fields = try Self.readVATGroup(input, over: nil)
        return try await database.write { tx in
            guard let id = try await tx.catalogue.insertVATGroup(name: fields.name, percentage: fields.percentage, label: fields.label) else {
                throw Self.nameTaken("A VAT group")
            }
            return try await Self.existingVATGroup(id, tx.catalogue)
        }
    }

    /// Changes what `input` mentions; price rows keep the rate they were given.
    public func updateVATGroup(id: Int64, _ input: Input, by actor: Actor) async throws -> VATGroup {
        try actor.requireAdmin()
        return try await database.write { tx in
            let fields = try Self.readVATGroup(input, over: try await Self.existingVATGroup(id, tx.catalogue))
            guard try await tx.catalogue.updateVATGroup(id: id, name: fields.name, percentage: fields.percentage, label: fields.label) else {
                throw Self.nameTaken("A VAT group")
            }
            return try await Self.existingVATGroup(id, tx.catalogue)
        }
    }

    /// Deletes a VAT group no product uses.
    public func deleteVATGroup(id: Int64, by actor: Actor) async throws {
        try actor.requireAdmin()
        try await database.write { tx in
            let group = try await Self.existingVATGroup(id, tx.catalogue)
            let using = try await tx.catalogue.productCount(vatGroupID: id)
            guard using == 0 else { throw RecordInUse(message: "\(group.name) is the VAT group of \(using) product(s); give them another first.") }
            try await tx.catalogue.deleteVATGroup(id: id)
        }
    }

    // MARK: Directories

    /// Every directory by name, with how many products each holds.
    public func directories() async throws -> [ProductDirectory] {
        try await database.read { try await $0.catalogue.directories() }
    }

    public func directory(id: Int64) async throws -> ProductDirectory {
        try await database.read { try await Self.existingDirectory(id, $0.catalogue) }
    }

    /// Adds a directory with a unique name.
    public func createDirectory(_ input: Input, by actor: Actor) async throws -> ProductDirectory {
        try actor.requireWrite()
        let name = try Self.readDirectoryName(input)
        return try await database.write { tx in
            guard let id = try await tx.catalogue.insertDirectory(name: name) else { throw Self.nameTaken("A directory") }
            return try await Self.existingDirectory(id, tx.catalogue)
        }
    }

    public func renameDirectory(id: Int64, _ input: Input, by actor: Actor) async throws -> ProductDirectory {
        try actor.requireWrite()
        let name = try Self.readDirectoryName(input)
        return try await database.write { tx in
            _ = try await Self.existingDirectory(id, tx.catalogue)
            guard try await tx.catalogue.renameDirectory(id: id, name: name) else { throw Self.nameTaken("A directory") }
            return try await Self.existingDirectory(id, tx.catalogue)
        }
    }

    /// Deletes an empty directory (as the seed has it: one with products is refused).
    public func deleteDirectory(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            let directory = try await Self.existingDirectory(id, tx.catalogue)
            guard directory.productCount == 0 else {
                throw RecordInUse(message: "\(directory.name) still holds \(directory.productCount) product(s); move or delete them first.")
            }
            try await tx.catalogue.deleteDirectory(id: id)
        }
    }

    // MARK: Products

    /// A page of products by name, of one directory or all, narrowed by part of a name or SKU.
    public func products(directoryID: Int64?, search: String?, page: PageRequest) async throws -> Page<Product> {
        try await database.read { tx in
            let found = try await tx.catalogue.products(directoryID: directoryID, search: search, page: page)
            return Page(items: found.items, request: page, total: found.total)
        }
    }

    public func product(id: Int64) async throws -> Product {
        try await database.read { try await Self.existingProduct(id, $0.catalogue) }
    }

    /// Adds a product; its directory, name and price are required, every problem told at once.
    public func createProduct(_ input: Input, by actor: Actor) async throws -> Product {
        try actor.requireWrite()
        return try await database.write { tx in
            let fields = try await Self.readProduct(input, over: nil, in: tx.catalogue)
            guard let id = try await tx.catalogue.insertProduct(fields) else { throw Self.skuTaken }
            return try await Self.existingProduct(id, tx.catalogue)
        }
    }

    /// Changes what `input` mentions; price rows made from the product keep their own copy.
    public func updateProduct(id: Int64, _ input: Input, by actor: Actor) async throws -> Product {
        try actor.requireWrite()
        return try await database.write { tx in
            let current = try await Self.existingProduct(id, tx.catalogue)
            let fields = try await Self.readProduct(input, over: current, in: tx.catalogue)
            guard try await tx.catalogue.updateProduct(id: id, fields) else { throw Self.skuTaken }
            return try await Self.existingProduct(id, tx.catalogue)
        }
    }

    public func deleteProduct(id: Int64, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.write { tx in
            _ = try await Self.existingProduct(id, tx.catalogue)
            try await tx.catalogue.deleteProduct(id: id)
        }
    }

    // MARK: Reading input

    private static func readVATGroup(_ input: Input, over current: VATGroup?) throws -> (name: String, percentage: Decimal, label: String?) {
        var reader = InputReader(input, allowed: vatGroupFields)
        let name = reader.text("name", label: "Name", required: current == nil || reader.contains("name"), max: 100)
        let rate = reader.decimal("vat", label: "VAT rate", in: 0...100, decimals: 2)
        if (current == nil || reader.contains("vat")), rate.value == nil, !reader.hasProblem("vat") {
            reader.report("vat", .required, "VAT rate is required.")
        }
        let label = reader.text("label", label: "Label", max: 255)
        try reader.finish()
        guard let name = name.value ?? current?.name, let percentage = rate.value ?? current?.percentage else {
            preconditionFailure("checked by the reader")
        }
        return (name, percentage, label.merged(over: current?.label))
    }

    private static func readDirectoryName(_ input: Input) throws -> String {
        var reader = InputReader(input, allowed: ["name"])
        let name = reader.text("name", label: "Name", required: true, max: 200)
        try reader.finish()
        return name.value ?? ""
    }

    private static func readProduct(_ input: Input, over current: Product?, in catalogue: CatalogueRepository) async throws -> CatalogueRepository.ProductFields {
        var input = input
        // The seed writes `"optional": "true"`: the two words are taken for the booleans they mean.
        if case .string(let text)? = input.values["optional"], let flag = ["true": true, "false": false][text] { input.values["optional"] = .bool(flag) }
        var reader = InputReader(input, allowed: productFields)
        let creating = current == nil
        let directoryID = reader.id("directory_id", label: "Directory")
        let sku = reader.text("sku", label: "SKU", max: 64)
        let name = reader.text("name", label: "Name", required: creating || reader.contains("name"), max: 255)
        let description = reader.text("descr_short", label: "Short description", max: 5_000)
        let price = reader.money("price", label: "Price")
        let vatID = reader.id("vat_id", label: "VAT group")
        let optional = reader.contains("optional") ? reader.flag("optional", label: "Optional") : current?.isOptional ?? false
        let unit = reader.text("unit", label: "Unit", max: 32)
        for (field, label, given) in [("directory_id", "Directory", directoryID.value != nil), ("price", "Price", price.value != nil)]
        where !given && (creating || reader.contains(field)) && !reader.hasProblem(field) {
            reader.report(field, .required, "\(label) is required.")
        }
        if let id = directoryID.value, try await catalogue.directory(id: id) == nil {
            reader.report("directory_id", .notFound, "Directory \(id) does not exist.")
        }
        if let id = vatID.value, try await catalogue.vatGroup(id: id) == nil {
            reader.report("vat_id", .notFound, "VAT group \(id) does not exist.")
        }
        try reader.finish()
        guard let directory = directoryID.value ?? current?.directoryID, let productName = name.value ?? current?.name,
              let unitPrice = price.value ?? current?.price
        else { preconditionFailure("checked by the reader") }
        return .init(
            directoryID: directory, sku: sku.merged(over: current?.sku), name: productName,
            shortDescription: description.merged(over: current?.shortDescription), price: unitPrice,
            vatGroupID: vatID.merged(over: current?.vatGroupID), isOptional: optional, unit: unit.merged(over: current?.unit))
    }

    private static let skuTaken = ValidationError(fields: [.init(field: "sku", code: .duplicate, message: "Another product has this SKU.")])

    private static func nameTaken(_ what: String) -> ValidationError {
        ValidationError(fields: [.init(field: "name", code: .duplicate, message: "\(what) with this name exists already.")])
    }

    private static func existingVATGroup(_ id: Int64, _ catalogue: CatalogueRepository) async throws -> VATGroup {
        guard let group = try await catalogue.vatGroup(id: id) else { throw RecordNotFound("VAT group", id: id) }
        return group
    }

    private static func existingDirectory(_ id: Int64, _ catalogue: CatalogueRepository) async throws -> ProductDirectory {
        guard let directory = try await catalogue.directory(id: id) else { throw RecordNotFound("Directory", id: id) }
        return directory
    }

    private static func existingProduct(_ id: Int64, _ catalogue: CatalogueRepository) async throws -> Product {
        guard let product = try await catalogue.product(id: id) else { throw RecordNotFound("Product", id: id) }
        return product
    }
}
