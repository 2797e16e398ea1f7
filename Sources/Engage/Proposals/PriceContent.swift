import Foundation

/// A document's (or a template's) price tables as the API and the pages show them: priced, each
/// VAT rate named after its VAT group.
public struct PriceContent: Sendable, Equatable {
    public let pricing: Pricing
    /// The name of the first VAT group of each rate.
    let vatNames: [Decimal: String]

    /// No price tables.
    public static let none = PriceContent(pricing: PriceCalculator.price([]), vatNames: [:])

    public var isEmpty: Bool { pricing.isEmpty }

    /// The name a rate is shown with: its VAT group's, else "VAT 5.5 %".
    public func name(of rate: Decimal) -> String {
        vatNames[rate] ?? "VAT \(rate) %"
    }

    /// The owner's tables priced, with the VAT groups' names (none looked up without tables).
    static func load(_ owner: PriceTableRepository.Owner, in tx: Transaction) async throws -> PriceContent {
        try await of(tx.priceTables.tables(of: owner), in: tx)
    }

    /// `tables` priced, with the VAT groups' names.
    static func of(_ tables: [PriceTable], in tx: Transaction) async throws -> PriceContent {
        guard !tables.isEmpty else { return .none }
        var names: [Decimal: String] = [:]
        for group in try await tx.catalogue.vatGroups().sorted(by: { $0.id < $1.id }) where names[group.percentage] == nil {
            names[group.percentage] = group.name
        }
        return PriceContent(pricing: PriceCalculator.price(tables), vatNames: names)
    }
}

extension PriceContent: JSONWritable {
    /// The seed's `content`: `{"pricetables": [...]}`, with the sums over all tables beside them.
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("pricetables")
        w.beginArray()
        for table in pricing.tables { write(table, &w) }
        w.endArray()
        if !isEmpty {
            w.key("subtotal"); w.value(pricing.subtotal)
            w.key("vat"); writeVAT(pricing.vat, &w)
            w.key("vat_total"); w.value(pricing.vatTotal)
            w.key("total"); w.value(pricing.total)
        }
        w.endObject()
    }

    private func write(_ priced: PricedTable, _ w: inout JSONWriter) {
        let table = priced.table
        w.beginObject()
        w.key("id"); w.value(table.key)
        w.key("title"); w.value(table.title)
        w.key("settings")
        w.beginObject()
        w.key("vat_default_percentage"); w.value(table.vatDefault)
        w.key("vat_hidden"); w.value(table.vatHidden)
        w.key("rows_include_vat"); w.value(table.rowsIncludeVAT)
        w.endObject()
        w.key("rows")
        w.beginArray()
        for (row, amount) in zip(table.rows, priced.amounts) {
            w.beginObject()
            w.key("id"); w.value(row.id)
            w.key("type"); w.value(row.kind.rawValue)
            w.key("content"); w.value(row.content)
            if row.kind == .price {
                w.key("count"); w.value(row.count)
                w.key("unit"); w.value(row.unit)
                w.key("price"); w.value(row.price)
                w.key("vat_percentage"); w.value(row.vatPercentage)
                w.key("discount"); w.value(row.discount)
                w.key("product_id"); w.value(row.productID)
                w.key("sku"); w.value(row.sku)
                w.key("userinput_optional"); w.value(row.isOptional)
                w.key("userinput_optional_checked"); w.value(row.isChecked)
                w.key("userinput_count"); w.value(row.countEditable)
                w.key("included"); w.value(row.isIncluded)
            } else if row.kind == .discount {
                w.key("discount"); w.value(row.discount)
            }
            w.key("subtotal"); w.value(amount)
            w.endObject()
        }
        w.endArray()
        w.key("subtotal"); w.value(priced.subtotal)
        w.key("vat"); writeVAT(priced.vat, &w)
        w.key("total"); w.value(priced.total)
        w.endObject()
    }

    private func writeVAT(_ amounts: [VATAmount], _ w: inout JSONWriter) {
        w.beginArray()
        for amount in amounts {
            w.beginObject()
            w.key("percentage"); w.value(amount.percentage)
            w.key("base"); w.value(amount.base)
            w.key("total"); w.value(amount.amount)
            w.key("group_name"); w.value(name(of: amount.percentage))
            w.endObject()
        }
        w.endArray()
    }
}
