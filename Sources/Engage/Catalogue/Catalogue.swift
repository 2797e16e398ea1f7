import Foundation

/// A VAT rate price rows and products pick from (Offorte's VAT group).
public struct VATGroup: Sendable, Equatable {
    public let id: Int64
    public let name: String
    /// The rate in percent: 20, 5.5.
    public let percentage: Decimal
    /// What the rate is for ("Taux réduit").
    public let label: String?
}

/// A folder of the product catalogue.
public struct ProductDirectory: Sendable, Equatable {
    public let id: Int64
    public let name: String
    /// How many products it holds.
    public let productCount: Int
}

/// Something sold, ready to be added to a price table.
public struct Product: Sendable, Equatable {
    public let id: Int64
    public let directoryID: Int64
    public let sku: String?
    public let name: String
    /// A short description, in Markdown.
    public let shortDescription: String?
    /// The unit price, VAT excluded.
    public let price: Decimal
    public let vatGroupID: Int64?
    /// The rate of its VAT group, when it has one.
    public let vatPercentage: Decimal?
    /// Added to price tables as a row the recipient may leave out.
    public let isOptional: Bool
    public let unit: String?
    public let createdAt: Date
    public let updatedAt: Date
}

/// A catalogue record that cannot go while others use it (a directory with products, a VAT group of products).
public struct RecordInUse: Error, Sendable {
    public let message: String
}

extension VATGroup: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("vat"); w.value(percentage)
        w.key("label"); w.value(label)
        w.endObject()
    }
}

extension ProductDirectory: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("name"); w.value(name)
        w.key("product_count"); w.value(productCount)
        w.endObject()
    }
}

extension Product: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("directory_id"); w.value(directoryID)
        w.key("sku"); w.value(sku)
        w.key("name"); w.value(name)
        w.key("descr_short"); w.value(shortDescription)
        w.key("price"); w.value(price)
        w.key("vat_id"); w.value(vatGroupID)
        w.key("vat_percentage"); w.value(vatPercentage)
        w.key("optional"); w.value(isOptional)
        w.key("unit"); w.value(unit)
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}
