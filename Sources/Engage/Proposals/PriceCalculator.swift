import Foundation

/// What price tables cost, in exact decimals. The rules (docs/proposals.md):
/// - a price row's amount is count × price − its discount %, rounded to the cent (half up) on
///   its own line; a row left out (optional, unticked) shows its amount but counts nothing;
/// - a discount row takes its % off each VAT rate's lines above it back to the previous subtotal
///   row (its section), rounded per rate; a subtotal row shows its section's amount;
/// - per VAT rate: VAT excluded, VAT = rate × base rounded to the cent; VAT included, the base is
///   the amount ÷ (1 + rate) rounded to the cent and VAT the rest; a table with VAT hidden has none;
/// - a table's total is its bases plus its VAT; the document's total is its tables' totals.
public enum PriceCalculator {
    /// The priced tables of a document, and their sums.
    public static func price(_ tables: [PriceTable]) -> Pricing {
        let priced = tables.map(price)
        var byRate: [Decimal: VATAmount] = [:]
        for amount in priced.flatMap(\.vat) {
            byRate[amount.percentage, default: VATAmount(percentage: amount.percentage, base: 0, amount: 0)].add(amount)
        }
        return Pricing(
            tables: priced, subtotal: priced.reduce(0) { $0 + $1.subtotal },
            vat: byRate.values.sorted { $0.percentage > $1.percentage }, total: priced.reduce(0) { $0 + $1.total })
    }

    /// One table priced.
    public static func price(_ table: PriceTable) -> PricedTable {
        var amounts: [Decimal?] = []
        var section: [Decimal: Decimal] = [:]
        var byRate: [Decimal: Decimal] = [:]
        for row in table.rows {
            switch row.kind {
            case .price:
                let amount = Money.cents(row.count * row.price * (100 - row.discount) / 100)
                amounts.append(amount)
                guard row.isIncluded else { continue }
                let rate = table.vatHidden ? 0 : row.vatPercentage
                section[rate, default: 0] += amount
                byRate[rate, default: 0] += amount
            case .discount:
                var off: Decimal = 0
                for (rate, amount) in section {
                    let cut = Money.cents(amount * row.discount / 100)
                    section[rate] = amount - cut
                    byRate[rate, default: 0] -= cut
                    off += cut
                }
                amounts.append(-off)
            case .subtotal:
                amounts.append(section.values.reduce(0, +))
                section = [:]
            case .title:
                amounts.append(nil)
            }
        }
        let vat = byRate.sorted { $0.key > $1.key }.map { rate, amount in
            VATAmount.of(amount, at: rate, included: table.rowsIncludeVAT, hidden: table.vatHidden)
        }
        let subtotal = vat.reduce(0) { $0 + $1.base }
        let total = subtotal + vat.reduce(0) { $0 + $1.amount }
        return PricedTable(table: table, amounts: amounts, vat: table.vatHidden ? [] : vat, subtotal: subtotal, total: total)
    }
}

/// The VAT of one rate: the amount it is charged on and the VAT itself.
public struct VATAmount: Sendable, Equatable {
    public let percentage: Decimal
    public private(set) var base: Decimal
    public private(set) var amount: Decimal

    /// The VAT of `amount` (VAT included or not) at `rate`; none when hidden.
    static func of(_ amount: Decimal, at rate: Decimal, included: Bool, hidden: Bool) -> VATAmount {
        if hidden { return VATAmount(percentage: rate, base: amount, amount: 0) }
        if included {
            let base = Money.cents(amount * 100 / (100 + rate))
            return VATAmount(percentage: rate, base: base, amount: amount - base)
        }
        return VATAmount(percentage: rate, base: amount, amount: Money.cents(amount * rate / 100))
    }

    mutating func add(_ other: VATAmount) {
        base += other.base
        amount += other.amount
    }
}

/// A price table with what each row comes to and its sums.
public struct PricedTable: Sendable, Equatable {
    public let table: PriceTable
    /// Each row's amount, in row order: a price line's (even left out), a discount's (negative),
    /// a subtotal's; nil for a title.
    public let amounts: [Decimal?]
    /// Per VAT rate, highest first; empty when VAT is hidden.
    public let vat: [VATAmount]
    /// VAT excluded.
    public let subtotal: Decimal
    /// VAT included.
    public let total: Decimal

    public var vatTotal: Decimal { vat.reduce(0) { $0 + $1.amount } }
}

/// A document's price tables priced, and their sums over all tables.
public struct Pricing: Sendable, Equatable {
    public let tables: [PricedTable]
    /// VAT excluded.
    public let subtotal: Decimal
    /// Per VAT rate over all tables, highest first.
    public let vat: [VATAmount]
    /// VAT included: the document's `total_amount`.
    public let total: Decimal

    public var vatTotal: Decimal { vat.reduce(0) { $0 + $1.amount } }
    public var isEmpty: Bool { tables.isEmpty }
}
