import Foundation

/// A price table of a proposal (Offorte's "pricetable"): rows of prices, discounts, subtotals
/// and titles, with the table's VAT settings. What it costs is `PriceCalculator`'s to say.
public struct PriceTable: Sendable, Equatable {
    /// The table's own name within its document (the seed's `id`, "pricetable1").
    public var key: String
    public var title: String?
    /// The VAT rate of rows that do not name one.
    public var vatDefault: Decimal
    /// No VAT is shown or charged (outside VAT's scope, e.g. "TVA non applicable, art. 293 B du CGI").
    public var vatHidden: Bool
    /// Row prices are VAT included (amounts to customers); otherwise VAT is added on top.
    public var rowsIncludeVAT: Bool
    public var rows: [PriceRow]

    public init(key: String, title: String? = nil, vatDefault: Decimal = 20, vatHidden: Bool = false, rowsIncludeVAT: Bool = false, rows: [PriceRow]) {
        self.key = key
        self.title = title
        self.vatDefault = vatDefault
        self.vatHidden = vatHidden
        self.rowsIncludeVAT = rowsIncludeVAT
        self.rows = rows
    }
}

/// One row of a price table.
public struct PriceRow: Sendable, Equatable {
    /// What the row is: a line with a price, a percentage off the lines above it, the subtotal of
    /// its section, or a heading.
    public enum Kind: String, Sendable, CaseIterable {
        case price, discount, subtotal, title
    }

    /// The stored row's id (nil before it is saved); the recipient's choices name rows by it.
    public var id: Int64?
    public var kind: Kind
    /// What is sold, in Markdown (a heading's or a subtotal's label for the other kinds).
    public var content: String
    /// How many (up to 3 decimals: 1.5 days).
    public var count: Decimal
    /// The unit price, in the table's mode (VAT excluded or included).
    public var price: Decimal
    /// "day", "m²", "licence"…
    public var unit: String?
    public var vatPercentage: Decimal
    /// A price row's percentage off its line; a discount row's percentage off the lines above it.
    public var discount: Decimal
    /// The catalogue product the row came from, if any.
    public var productID: Int64?
    public var sku: String?
    /// The recipient may leave the row out (`userinput_optional`).
    public var isOptional: Bool
    /// An optional row counts only while ticked (`userinput_optional_checked`).
    public var isChecked: Bool
    /// The recipient may change the count (`userinput_count`).
    public var countEditable: Bool

    public init(
        id: Int64? = nil, kind: Kind, content: String, count: Decimal = 1, price: Decimal = 0, unit: String? = nil,
        vatPercentage: Decimal = 20, discount: Decimal = 0, productID: Int64? = nil, sku: String? = nil,
        isOptional: Bool = false, isChecked: Bool = true, countEditable: Bool = false
    ) {
        self.id = id
        self.kind = kind
        self.content = content
        self.count = count
        self.price = price
        self.unit = unit
        self.vatPercentage = vatPercentage
        self.discount = discount
        self.productID = productID
        self.sku = sku
        self.isOptional = isOptional
        self.isChecked = isChecked
        self.countEditable = countEditable
    }

    /// True when the row's amount counts towards the totals: a price row, not left out.
    public var isIncluded: Bool {
        kind == .price && (!isOptional || isChecked)
    }

    /// True when the recipient has anything to choose on this row.
    public var isChoosable: Bool {
        kind == .price && (isOptional || countEditable)
    }
}
